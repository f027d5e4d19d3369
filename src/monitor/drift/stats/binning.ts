/**
 * Evidently's binning for PSI, KL and Jensen–Shannon (get_binned_data): a numeric column whose
 * reference has more than 20 distinct values is cut into numpy's Sturges bins over reference and
 * current combined; anything else gets one bin per value seen in either window. Shares are counts
 * over each window's size. PSI and KL then replace empty shares (`fillEmpty`).
 */

/** Reference distinct values above which numeric columns are binned by Sturges' rule. */
export const PER_VALUE_BINS_MAX_UNIQUE = 20;

/**
 * numpy's histogram_bin_edges(values, bins='sturges') from min, max and count: width = range /
 * (log2(n) + 1), ceil(range / width) equal bins, edges by linspace; a zero range becomes the one bin
 * [v − 0.5, v + 0.5].
 */
export function sturgesEdges(min: number, max: number, n: number): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = (max - min) / (Math.log2(n) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  return linspace(first, last, bins + 1);
}

/** numpy's linspace with endpoint: start + i·step, the last edge exactly `stop`. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** First index with sorted[i] ≥ v (left) or > v (right), as numpy's searchsorted. */
export function searchSorted(sorted: ArrayLike<number>, v: number, side: 'left' | 'right'): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = sorted[mid] as number;
    if (side === 'left' ? x < v : x <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** np.histogram(values, edges) of an ascending sample: [e_i, e_i+1) with the last bin closed. */
export function histogramSorted(sorted: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const k = edges.length - 1;
  const counts = new Float64Array(k);
  let prev = searchSorted(sorted, edges[0] as number, 'left');
  for (let i = 0; i < k; i++) {
    const next = searchSorted(sorted, edges[i + 1] as number, i === k - 1 ? 'right' : 'left');
    counts[i] = next - prev;
    prev = next;
  }
  return counts;
}

/** Distinct values of an ascending sample and how often each occurs. */
export function runLengths(sorted: ArrayLike<number>): { values: Float64Array; counts: Float64Array } {
  const n = sorted.length;
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const values = new Float64Array(distinct);
  const counts = new Float64Array(distinct);
  let d = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) values[++d] = sorted[i] as number;
    counts[d] = (counts[d] as number) + 1;
  }
  return { values, counts };
}

/** Counts of two run-length samples aligned over the union of their values (ascending). */
export function alignRuns(
  a: { values: ArrayLike<number>; counts: ArrayLike<number> },
  b: { values: ArrayLike<number>; counts: ArrayLike<number> },
): { values: number[]; a: number[]; b: number[] } {
  const values: number[] = [];
  const ca: number[] = [];
  const cb: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? (a.values[i] as number) : Number.POSITIVE_INFINITY;
    const vb = j < b.values.length ? (b.values[j] as number) : Number.POSITIVE_INFINITY;
    const v = Math.min(va, vb);
    values.push(v);
    ca.push(va === v ? (a.counts[i++] as number) : 0);
    cb.push(vb === v ? (b.counts[j++] as number) : 0);
  }
  return { values, a: ca, b: cb };
}

/** Distinct values in the union of two ascending samples. */
export function unionDistinct(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    n++;
  }
  return n;
}

/** Shares of each bin: counts / total. */
export function shares(counts: ArrayLike<number>, total: number): Float64Array {
  return Float64Array.from(counts, (c) => c / total);
}

/**
 * Evidently's `feel_zeroes`: empty shares become min(non-empty)/10⁶ when the smallest non-empty share
 * is ≤ 1e-4, else 1e-4.
 */
export function fillEmpty(p: Float64Array): Float64Array {
  let min = Number.POSITIVE_INFINITY;
  for (const v of p) if (v !== 0 && v < min) min = v;
  const fill = min <= 0.0001 ? min / 10 ** 6 : 0.0001;
  return p.map((v) => (v === 0 ? fill : v));
}
