/**
 * L2-regularised logistic regression, binary (sigmoid) or multinomial (softmax over all K classes, as
 * scikit-learn's lbfgs does), solved by L-BFGS. The objective is scikit-learn's
 *   Σ log-loss + ½‖W‖²/C   (intercepts unpenalised)
 * divided by n: the same minimiser, but the gradient tolerance then means the same thing whatever the
 * row count. X is held sparse (CSR) while fitting: after one-hot encoding most slots of a row are 0
 * (Adult: ~14 of ~108), and every objective evaluation is a pass over all rows.
 */
import { minimizeLbfgs } from './lbfgs.js';
import type { LogisticEstimator } from './model-types.js';

export interface LogisticFit {
  readonly estimator: LogisticEstimator;
  readonly iterations: number;
  readonly converged: boolean;
}

/** `y` holds class indexes 0..nClasses-1; `x` is row-major [rows × slots]. */
export function fitLogistic(
  x: Float64Array,
  rows: number,
  slots: number,
  y: Float64Array,
  nClasses: number,
  c: number,
  maxIter: number,
  tol: number,
): LogisticFit {
  const d = slots;
  const k = nClasses === 2 ? 1 : nClasses;
  const stride = d + 1; // weights then the intercept, per output row
  const reg = 1 / (c * rows);
  const { start, col, val } = toCsr(x, rows, slots);
  const z = new Float64Array(k);
  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const from = start[r] as number;
      const to = start[r + 1] as number;
      for (let m = 0; m < k; m++) {
        const wo = m * stride;
        let s = w[wo + d] as number;
        for (let e = from; e < to; e++) s += (w[wo + (col[e] as number)] as number) * (val[e] as number);
        z[m] = s;
      }
      const label = y[r] as number;
      if (k === 1) {
        const s = z[0] as number;
        loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - label * s;
        addResidual(grad, 0, d, 1 / (1 + Math.exp(-s)) - label, col, val, from, to);
      } else {
        let max = Number.NEGATIVE_INFINITY;
        for (let m = 0; m < k; m++) max = Math.max(max, z[m] as number);
        let sum = 0;
        for (let m = 0; m < k; m++) sum += Math.exp((z[m] as number) - max);
        const lse = max + Math.log(sum);
        loss += lse - (z[label] as number);
        for (let m = 0; m < k; m++) {
          addResidual(grad, m * stride, d, Math.exp((z[m] as number) - lse) - (m === label ? 1 : 0), col, val, from, to);
        }
      }
    }
    let penalty = 0;
    for (let m = 0; m < k; m++) {
      for (let j = 0; j < d; j++) {
        const i = m * stride + j;
        const wi = w[i] as number;
        penalty += wi * wi;
        grad[i] = (grad[i] as number) / rows + reg * wi;
      }
      const bi = m * stride + d;
      grad[bi] = (grad[bi] as number) / rows;
    }
    return loss / rows + 0.5 * reg * penalty;
  };
  const result = minimizeLbfgs(objective, new Float64Array(k * stride), maxIter, tol);
  const coefficients: number[][] = [];
  const intercepts: number[] = [];
  for (let m = 0; m < k; m++) {
    coefficients.push(Array.from(result.x.subarray(m * stride, m * stride + d)));
    intercepts.push(result.x[m * stride + d] as number);
  }
  return {
    estimator: { kind: 'logistic', coefficients, intercepts },
    iterations: result.iterations,
    converged: result.converged,
  };
}

function addResidual(
  grad: Float64Array,
  at: number,
  d: number,
  res: number,
  col: Uint32Array,
  val: Float64Array,
  from: number,
  to: number,
): void {
  for (let e = from; e < to; e++) {
    const j = at + (col[e] as number);
    grad[j] = (grad[j] as number) + res * (val[e] as number);
  }
  grad[at + d] = (grad[at + d] as number) + res;
}

/** Compressed sparse rows of a row-major matrix: row r's entries are [start[r], start[r+1]). */
function toCsr(x: Float64Array, rows: number, slots: number) {
  let nnz = 0;
  for (let i = 0; i < rows * slots; i++) if (x[i] !== 0) nnz++;
  const start = new Uint32Array(rows + 1);
  const col = new Uint32Array(nnz);
  const val = new Float64Array(nnz);
  let e = 0;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < slots; j++) {
      const v = x[r * slots + j] as number;
      if (v === 0) continue;
      col[e] = j;
      val[e++] = v;
    }
    start[r + 1] = e;
  }
  return { start, col, val };
}
