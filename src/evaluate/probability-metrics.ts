/**
 * Metrics of predicted probabilities: log loss, Brier score and the calibration curve, following
 * scikit-learn 1.2 (Debian 12's python3-sklearn 1.2.1) operation for operation.
 */
import { mean, pairwiseSum } from './numeric.js';

/**
 * sklearn 1.2's `log_loss(eps="auto")` clips with the float64 machine epsilon (2.22e-16), not the
 * older fixed 1e-15: every probability is clipped to [eps, 1 − eps], each row is re-normalised to
 * sum 1, and the loss is the mean of −log p(true class). Rows are `yIndex` (class positions).
 */
export const LOG_LOSS_EPS = 2.220446049250313e-16;

export function logLoss(yIndex: ArrayLike<number>, probabilities: ArrayLike<number>, k: number): number {
  const rows = yIndex.length;
  const losses = new Float64Array(rows);
  const row = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < k; c++) row[c] = Math.min(Math.max(probabilities[i * k + c] as number, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    // numpy reduces each row (axis=1) pairwise too; for k < 8 that is a plain loop.
    losses[i] = -Math.log((row[yIndex[i] as number] as number) / pairwiseSum(row));
  }
  return mean(losses);
}

/**
 * Brier score. Binary (k = 2): sklearn's `brier_score_loss` on the positive class (classes[1]),
 * mean (1[y = pos] − p)², in [0, 1]. Multiclass: mean over rows of Σ_c (p_c − 1[y = c])², in [0, 2],
 * the original Brier definition and what sklearn ≥ 1.7 computes for multiclass input (1.2 refuses
 * it); note that for two classes this sum is exactly twice the binary figure.
 */
export function brierScore(yIndex: ArrayLike<number>, probabilities: ArrayLike<number>, k: number): number {
  const rows = yIndex.length;
  const sq = new Float64Array(rows);
  const row = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    if (k === 2) {
      const d = (yIndex[i] === 1 ? 1 : 0) - (probabilities[i * 2 + 1] as number);
      sq[i] = d * d;
    } else {
      for (let c = 0; c < k; c++) {
        const d = (probabilities[i * k + c] as number) - (yIndex[i] === c ? 1 : 0);
        row[c] = d * d;
      }
      sq[i] = pairwiseSum(row);
    }
  }
  return mean(sq);
}

export interface CalibrationCurve {
  /** Share of positives among the rows of each non-empty bin. */
  readonly prob_true: number[];
  /** Mean predicted positive-class probability of each non-empty bin. */
  readonly prob_pred: number[];
  /** Rows per non-empty bin (not in sklearn's return value; shown in the report). */
  readonly counts: number[];
  /** Upper edge of each non-empty bin. */
  readonly bin_upper: number[];
}

/**
 * `calibration_curve(n_bins, strategy='uniform')`: edges i/n_bins as numpy's linspace computes them
 * (i · 0.1, so the "0.3" edge is 0.30000000000000004); a probability equal to an inner edge falls in
 * the lower bin (searchsorted side='left'); empty bins are dropped.
 */
export function calibrationCurve(positive: ArrayLike<boolean>, prob: ArrayLike<number>, nBins = 10): CalibrationCurve {
  const step = 1 / nBins;
  const inner = Array.from({ length: nBins - 1 }, (_, i) => (i + 1) * step);
  const sums = new Float64Array(nBins);
  const trues = new Float64Array(nBins);
  const totals = new Float64Array(nBins);
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i] as number;
    let bin = 0;
    while (bin < inner.length && (inner[bin] as number) < p) bin++;
    // np.bincount adds the weights in row order: plain running sums match it exactly.
    sums[bin] = (sums[bin] as number) + p;
    trues[bin] = (trues[bin] as number) + (positive[i] ? 1 : 0);
    totals[bin] = (totals[bin] as number) + 1;
  }
  const out = { prob_true: [] as number[], prob_pred: [] as number[], counts: [] as number[], bin_upper: [] as number[] };
  for (let b = 0; b < nBins; b++) {
    const n = totals[b] as number;
    if (n === 0) continue;
    out.prob_true.push((trues[b] as number) / n);
    out.prob_pred.push((sums[b] as number) / n);
    out.counts.push(n);
    out.bin_upper.push(b === nBins - 1 ? 1 : (b + 1) * step);
  }
  return out;
}
