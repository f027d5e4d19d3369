/**
 * Histograms and quantiles computed from a numeric profile, over any bin edges — so drift monitoring
 * can bin a stored reference profile on edges it only learns from the current data (Evidently's
 * Sturges bins over reference + current, or one bin per value for ≤ 20 distinct values).
 *
 * Exact when the profile still has its value counts, or when its sketch still holds every value
 * (≤ 4,096 values); otherwise from the KLL sketch's weighted items, where every cumulative count is
 * within sketchRankError(k)·n of the truth, so a bin's count is within twice that.
 */
import type { NumericProfile } from './column-profile.js';
import { sortedCounts } from './numeric-stats.js';
import { type WeightedItems, weightBelow, weightedItems, weightedQuantile } from './weighted-quantile.js';

/** The values of a numeric profile as weighted items, and whether they are exact. */
export function profileItems(p: NumericProfile): { items: WeightedItems; exact: boolean } {
  if (p.exact) {
    const { values, counts } = sortedCounts(p.exact);
    return { items: weightedItems(values, counts), exact: true };
  }
  if (p.sketch) return { items: p.sketch.items(), exact: p.sketch.isExact };
  return { items: weightedItems([], []), exact: true };
}

/**
 * Quantiles with pandas' default linear interpolation (exact when `exact`). q = 0 and q = 1 are the
 * exact min and max, and sketch answers are clamped into [min, max]. NaN when there are no values.
 */
export function profileQuantiles(p: NumericProfile, qs: readonly number[]): { values: number[]; exact: boolean } {
  const { items, exact } = profileItems(p);
  const values = qs.map((q) => {
    if (p.count === 0) return Number.NaN;
    if (q <= 0) return p.min;
    if (q >= 1) return p.max;
    return Math.min(p.max, Math.max(p.min, weightedQuantile(items, q)));
  });
  return { values, exact };
}

/**
 * numpy's histogram_bin_edges(values, bins='sturges') from the min, max and count alone: width =
 * range / (log2(n) + 1), ceil(range / width) equal bins, edges by linspace; a zero range becomes the
 * single bin [v − 0.5, v + 0.5], as numpy does.
 */
export function sturgesEdges(min: number, max: number, n: number): number[] {
  if (n === 0 || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = (max - min) / (Math.log2(n) + 1);
  const bins = width > 0 ? Math.ceil((last - first) / width) : 1;
  return linspace(first, last, bins + 1);
}

/** numpy's linspace with endpoint: start + i·step, with the last edge exactly `stop`. */
export function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  out[num - 1] = stop;
  return out;
}

/**
 * Counts per bin with numpy's convention: [e0, e1), [e1, e2), …, [e(n−1), en] (the last bin is closed);
 * values outside the edges are not counted. Edges must be ascending.
 */
export function histogramCounts(p: NumericProfile, edges: readonly number[]): { counts: number[]; exact: boolean } {
  const { items, exact } = profileItems(p);
  const last = edges.length - 1;
  const counts: number[] = [];
  for (let i = 0; i < last; i++) {
    const lo = weightBelow(items, edges[i] as number, false);
    const hi = weightBelow(items, edges[i + 1] as number, i === last - 1);
    counts.push(hi - lo);
  }
  return { counts, exact };
}

/** Exact value → count (ascending by value) when the profile still has them: one-bin-per-value drift binning needs these. */
export function valueCounts(p: NumericProfile): { values: number[]; counts: number[] } | undefined {
  if (!p.exact) return undefined;
  const { values, counts } = sortedCounts(p.exact);
  return { values: Array.from(values), counts: Array.from(counts) };
}
