/**
 * Ridge regression in closed form: minimise ‖y − Xw − b‖² + alpha‖w‖² with the intercept unpenalised
 * (as scikit-learn's Ridge). Centring X and y removes b from the system; (XcᵀXc + alpha·I) w = Xcᵀyc is
 * then solved by Cholesky. X is the preprocessed (standardised, one-hot) matrix, so the slot count is
 * small and the d×d system cheap; the cost is the n·d²/2 pass that forms XcᵀXc.
 */
import type { LinearEstimator } from './model-types.js';

export function fitRidge(x: Float64Array, rows: number, slots: number, y: Float64Array, alpha: number): LinearEstimator {
  const d = slots;
  const xMean = new Float64Array(d);
  let yMean = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) xMean[j] = (xMean[j] as number) + (x[o + j] as number);
    yMean += y[r] as number;
  }
  for (let j = 0; j < d; j++) xMean[j] = (xMean[j] as number) / rows;
  yMean /= rows;

  // Upper triangle of XcᵀXc, row by row; xc is the centred row.
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  const xc = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) xc[j] = (x[o + j] as number) - (xMean[j] as number);
    const yc = (y[r] as number) - yMean;
    for (let i = 0; i < d; i++) {
      const xi = xc[i] as number;
      if (xi === 0) continue;
      b[i] = (b[i] as number) + xi * yc;
      const row = i * d;
      for (let j = i; j < d; j++) a[row + j] = (a[row + j] as number) + xi * (xc[j] as number);
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[i * d + j] = a[j * d + i] as number;

  const w = solveRidgeSystem(a, b, d, alpha);
  let intercept = yMean;
  for (let j = 0; j < d; j++) intercept -= (xMean[j] as number) * (w[j] as number);
  return { kind: 'linear', weights: Array.from(w), intercept };
}

/**
 * Solves (A + alpha·I) w = b. With alpha = 0 and collinear slots (one-hot columns always sum to one, so
 * with the intercept they are collinear) A is singular; a jitter growing from 1e-10 of the mean diagonal
 * then gives the near-minimum-norm solution instead of a failure.
 */
function solveRidgeSystem(a: Float64Array, b: Float64Array, d: number, alpha: number): Float64Array {
  let meanDiag = 0;
  for (let i = 0; i < d; i++) meanDiag += (a[i * d + i] as number) / d;
  let jitter = 0;
  for (let attempt = 0; attempt < 12; attempt++) {
    const l = cholesky(a, d, alpha + jitter);
    if (l) return choleskySolve(l, b, d);
    jitter = jitter === 0 ? Math.max(meanDiag, 1) * 1e-10 : jitter * 10;
  }
  throw new Error('ridge: the normal equations could not be factorised');
}

/** Lower-triangular L with L·Lᵀ = A + shift·I, or undefined when that is not positive definite. */
function cholesky(a: Float64Array, d: number, shift: number): Float64Array | undefined {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (a[i * d + j] as number) + (i === j ? shift : 0);
      for (let k = 0; k < j; k++) s -= (l[i * d + k] as number) * (l[j * d + k] as number);
      if (i === j) {
        if (!(s > 1e-12 * Math.max(1, Math.abs(a[i * d + i] as number)))) return undefined;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / (l[j * d + j] as number);
      }
    }
  }
  return l;
}

function choleskySolve(l: Float64Array, b: Float64Array, d: number): Float64Array {
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * d + k] as number) * (z[k] as number);
    z[i] = s / (l[i * d + i] as number);
  }
  const w = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let k = i + 1; k < d; k++) s -= (l[k * d + i] as number) * (w[k] as number);
    w[i] = s / (l[i * d + i] as number);
  }
  return w;
}
