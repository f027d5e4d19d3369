/**
 * Evidently's Hellinger distance, √(1 − Σ√(p·q)) with the sum clipped to [0, 1]. Categorical columns
 * use each window's value shares. Numeric columns use density histograms over numpy's Sturges edges of
 * the *distinct* values seen in either window (Evidently bins the set of values, not the rows), the sum
 * weighted by the mean bin width.
 */
import { histogramSorted, sturgesEdges } from './binning.js';

export function hellingerCategorical(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>, nRef: number, nCur: number): number {
  let s = 0;
  for (let i = 0; i < refCounts.length; i++) s += Math.sqrt(((refCounts[i] as number) / nRef) * ((curCounts[i] as number) / nCur));
  return Math.sqrt(1 - Math.min(1, Math.max(0, s)));
}

/**
 * Both samples ascending; `distinct` is the ascending union of their distinct values.
 */
export function hellingerNumeric(ref: ArrayLike<number>, cur: ArrayLike<number>, distinct: ArrayLike<number>): number {
  const edges = sturgesEdges(distinct[0] as number, distinct[distinct.length - 1] as number, distinct.length);
  const h1 = density(histogramSorted(ref, edges), edges);
  const h2 = density(histogramSorted(cur, edges), edges);
  const width = ((edges[edges.length - 1] as number) - (edges[0] as number)) / (edges.length - 1);
  let s = 0;
  for (let i = 0; i < h1.length; i++) s += Math.sqrt((h1[i] as number) * (h2[i] as number)) * width;
  return Math.sqrt(1 - Math.min(1, Math.max(0, s)));
}

/** np.histogram(..., density=True): count / bin width / total count. */
function density(counts: Float64Array, edges: Float64Array): Float64Array {
  let total = 0;
  for (const c of counts) total += c;
  return counts.map((c, i) => c / ((edges[i + 1] as number) - (edges[i] as number)) / total);
}
