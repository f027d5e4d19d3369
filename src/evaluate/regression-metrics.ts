/**
 * Regression metrics equal to scikit-learn 1.2's (`mean_absolute_error`, `mean_squared_error`,
 * `r2_score`, `mean_absolute_percentage_error`, `median_absolute_error`), same operation order.
 */
import { invalid } from '../errors.js';
import { mean, median, pairwiseSum } from './numeric.js';

/** sklearn's MAPE divides by max(|y|, float64 eps), so a zero target gives a huge but finite error. */
export const MAPE_EPS = 2.220446049250313e-16;

export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): Record<string, number> {
  const n = yTrue.length;
  if (yPred.length !== n) throw invalid(`predictions have ${yPred.length} values but y_true has ${n} rows`);
  if (n === 0) throw invalid('cannot evaluate zero rows');
  const abs = new Float64Array(n);
  const sq = new Float64Array(n);
  const pct = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = yTrue[i] as number;
    const p = yPred[i] as number;
    if (!Number.isFinite(t) || !Number.isFinite(p)) {
      throw invalid(`row ${i} has y_true ${t} and prediction ${p}; regression metrics need finite numbers`);
    }
    const a = Math.abs(p - t);
    abs[i] = a;
    sq[i] = (t - p) * (t - p);
    pct[i] = a / Math.max(Math.abs(t), MAPE_EPS);
  }
  const mse = mean(sq);
  return {
    mae: mean(abs),
    mse,
    rmse: Math.sqrt(mse),
    r2: r2Score(yTrue, sq),
    mape: mean(pct),
    median_absolute_error: median(abs),
  };
}

/**
 * r2_score with force_finite=True (sklearn's default): 1 − SS_res / SS_tot; a constant y_true gives
 * 1.0 when the predictions are perfect and 0.0 otherwise (instead of NaN / −inf). Fewer than two rows:
 * NaN (sklearn warns and answers NaN).
 */
function r2Score(yTrue: ArrayLike<number>, squaredErrors: Float64Array): number {
  const n = yTrue.length;
  if (n < 2) return NaN;
  const numerator = pairwiseSum(squaredErrors);
  const m = mean(yTrue);
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) dev[i] = ((yTrue[i] as number) - m) * ((yTrue[i] as number) - m);
  const denominator = pairwiseSum(dev);
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}
