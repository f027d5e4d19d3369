/**
 * The first Wasserstein distance between two samples (scipy.stats.wasserstein_distance: the integral
 * of |F_ref − F_cur|) and Evidently's normed form, divided by the reference's population standard
 * deviation (numpy's std, ddof = 0) floored at 0.001.
 */
import { pairwiseSum } from '../../../data/index.js';
import { CompensatedSum } from './numpy-sum.js';

/** Both samples sorted ascending and non-empty. */
export function wassersteinDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  const sum = new CompensatedSum();
  let prev = Number.NaN;
  let fa = 0;
  let fb = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    if (i + j > 0) sum.add(Math.abs(fa - fb) * (v - prev));
    while (i < n1 && (a[i] as number) === v) i++;
    while (j < n2 && (b[j] as number) === v) j++;
    fa = i / n1;
    fb = j / n2;
    prev = v;
  }
  return sum.value;
}

/** numpy's std (ddof = 0): mean by pairwise sum, then the pairwise sum of squared deviations. */
export function populationStd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const mean = pairwiseSum(values) / n;
  const sq = new Float64Array(n);
  for (let k = 0; k < n; k++) sq[k] = (mean - (values[k] as number)) ** 2;
  return Math.sqrt(pairwiseSum(sq) / n);
}

/** Evidently's "Wasserstein distance (normed)". */
export function wassersteinNormed(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  return wassersteinDistance(reference, current) / Math.max(populationStd(reference), 0.001);
}
