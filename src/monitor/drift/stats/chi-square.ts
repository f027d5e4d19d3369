/**
 * Chi-squared goodness of fit as Evidently calls SciPy's `chisquare`: over the union of categories,
 * observed = current counts, expected = reference counts scaled to the current total
 * (ref_i · n_cur / n_ref); statistic Σ (obs − exp)²/exp, p = chi2.sf(statistic, k − 1). A category
 * the reference never saw has expected 0, so the statistic is +∞ and p = 0, as in SciPy.
 */
import { pairwiseSum } from '../../../data/index.js';
import { chi2Sf } from './special.js';

export interface PValueResult {
  readonly statistic: number;
  readonly pValue: number;
}

/** scipy.stats.chisquare(observed, expected). */
export function chiSquareGof(observed: ArrayLike<number>, expected: ArrayLike<number>): PValueResult {
  const k = observed.length;
  const terms = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const o = observed[i] as number;
    const e = expected[i] as number;
    terms[i] = (o - e) ** 2 / e;
  }
  const statistic = pairwiseSum(terms);
  return { statistic, pValue: chi2Sf(statistic, k - 1) };
}

/** Evidently's chi-square drift test on aligned category counts (same categories, same order). */
export function evidentlyChiSquare(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): PValueResult {
  const nRef = total(refCounts);
  const nCur = total(curCounts);
  const kNorm = nCur / nRef;
  const expected = Float64Array.from(refCounts, (c) => c * kNorm);
  return chiSquareGof(curCounts, expected);
}

export function total(counts: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i] as number;
  return n;
}
