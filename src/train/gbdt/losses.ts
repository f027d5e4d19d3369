/**
 * Losses of the boosting loop, as scikit-learn's HistGradientBoosting defines them: half squared error
 * (regression), binary log loss on the log-odds, and multinomial cross-entropy on K raw scores. Each
 * gives the starting raw score, per-row gradients and hessians, and its mean value (early stopping
 * compares these, with scikit-learn's absolute tol).
 */
import type { Task } from '../model-types.js';

export interface Loss {
  /** Raw scores per row: 1, or K for multiclass. */
  readonly outputs: number;
  /** True when every hessian is 1 (squared error), so histograms count rows instead of summing. */
  readonly unitHessian: boolean;
  baseline(y: Float64Array, rows: number): number[];
  /** Fills g[k][i], h[k][i] from raw[i·outputs + k]. */
  gradients(raw: Float64Array, y: Float64Array, rows: number, g: Float64Array[], h: Float64Array[]): void;
  mean(raw: Float64Array, y: Float64Array, rows: number): number;
}

const EPS = 1e-15;
const clip = (p: number) => Math.min(1 - EPS, Math.max(EPS, p));
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

const squared: Loss = {
  outputs: 1,
  unitHessian: true,
  baseline: (y, rows) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += y[i] as number;
    return [s / rows];
  },
  gradients: (raw, y, rows, g) => {
    const g0 = g[0] as Float64Array;
    for (let i = 0; i < rows; i++) g0[i] = (raw[i] as number) - (y[i] as number);
  },
  mean: (raw, y, rows) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += 0.5 * ((raw[i] as number) - (y[i] as number)) ** 2;
    return s / rows;
  },
};

const binary: Loss = {
  outputs: 1,
  unitHessian: false,
  baseline: (y, rows) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += y[i] as number;
    const p = clip(s / rows);
    return [Math.log(p / (1 - p))];
  },
  gradients: (raw, y, rows, g, h) => {
    const g0 = g[0] as Float64Array;
    const h0 = h[0] as Float64Array;
    for (let i = 0; i < rows; i++) {
      const p = 1 / (1 + Math.exp(-(raw[i] as number)));
      g0[i] = p - (y[i] as number);
      h0[i] = p * (1 - p);
    }
  },
  mean: (raw, y, rows) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += softplus(raw[i] as number) - (y[i] as number) * (raw[i] as number);
    return s / rows;
  },
};

function multinomial(k: number): Loss {
  const p = new Float64Array(k);
  const softmax = (raw: Float64Array, o: number): number => {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, raw[o + c] as number);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += p[c] = Math.exp((raw[o + c] as number) - max);
    for (let c = 0; c < k; c++) p[c] = (p[c] as number) / sum;
    return max + Math.log(sum);
  };
  return {
    outputs: k,
    unitHessian: false,
    baseline: (y, rows) => {
      const counts = new Float64Array(k);
      for (let i = 0; i < rows; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
      return Array.from(counts, (c) => Math.log(clip(c / rows)));
    },
    gradients: (raw, y, rows, g, h) => {
      for (let i = 0; i < rows; i++) {
        softmax(raw, i * k);
        const label = y[i] as number;
        for (let c = 0; c < k; c++) {
          const pc = p[c] as number;
          (g[c] as Float64Array)[i] = pc - (c === label ? 1 : 0);
          (h[c] as Float64Array)[i] = pc * (1 - pc);
        }
      }
    },
    mean: (raw, y, rows) => {
      let s = 0;
      for (let i = 0; i < rows; i++) s += softmax(raw, i * k) - (raw[i * k + (y[i] as number)] as number);
      return s / rows;
    },
  };
}

export function lossFor(task: Task, classes: number): Loss {
  return task === 'regression' ? squared : task === 'binary' ? binary : multinomial(classes);
}
