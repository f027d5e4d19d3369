/**
 * Feature binning, as scikit-learn's HistGradientBoosting and LightGBM do it: each feature's values map
 * to at most 255 bins (Uint8), plus bin 255 for missing (NaN). Trees then split on bin indexes, and
 * histograms replace sorting.
 *
 * Edges are chosen so a split on bins is exactly a split on raw values: bin b holds
 * edges[b-1] < x <= edges[b], so "bin <= b" is "x <= edges[b]" and the tree can store edges[b] as its
 * threshold. With at most max_bins distinct values there is an edge between every two consecutive
 * distinct values; with more, edges follow the quantiles of a seeded subsample (200,000 rows at most,
 * as scikit-learn).
 */
import { type Rng } from '../random.js';

export const MISSING_BIN = 255;
const SUBSAMPLE_ROWS = 200_000;

export interface Binned {
  readonly rows: number;
  readonly features: number;
  /** Row-major [rows × features] (the histogram loop reads a row's bins together). */
  readonly bins: Uint8Array;
}

/** Upper bin edges per feature (length = non-missing bins − 1), from the rows `rows` of row-major x. */
export function fitBinEdges(x: Float64Array, slots: number, rows: Uint32Array, maxBins: number, rng: Rng): Float64Array[] {
  const sample = rows.length > SUBSAMPLE_ROWS ? subsample(rows, SUBSAMPLE_ROWS, rng) : rows;
  const values = new Float64Array(sample.length);
  const edges: Float64Array[] = [];
  for (let f = 0; f < slots; f++) {
    let m = 0;
    for (let i = 0; i < sample.length; i++) {
      const v = x[(sample[i] as number) * slots + f] as number;
      if (!Number.isNaN(v)) values[m++] = v;
    }
    edges.push(edgesOf(values.subarray(0, m).sort(), maxBins));
  }
  return edges;
}

function edgesOf(sorted: Float64Array, maxBins: number): Float64Array {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    if (i === 0 || v !== sorted[i - 1]) distinct.push(v);
  }
  const out: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) out.push(edgeBetween(distinct[i] as number, distinct[i + 1] as number));
    return Float64Array.from(out);
  }
  // Quantiles of the sample; each edge is placed between the quantile value and the next distinct
  // value, so equal values never straddle an edge and repeated quantiles collapse into one edge.
  const m = sorted.length;
  let j = 0;
  for (let k = 1; k < maxBins; k++) {
    const q = sorted[Math.floor((k * (m - 1)) / maxBins)] as number;
    while ((distinct[j] as number) < q) j++;
    if (j + 1 >= distinct.length) break;
    const edge = edgeBetween(distinct[j] as number, distinct[j + 1] as number);
    if (out.length === 0 || edge > (out[out.length - 1] as number)) out.push(edge);
  }
  return Float64Array.from(out);
}

/**
 * An edge with a <= edge < b, normally their midpoint rounded to float32. The ONNX exporter compares in
 * float32 (TreeEnsemble thresholds are floats), so the edge must also separate float(a) from float(b):
 * a float32-exact midpoint does; when float rounding would push the midpoint onto float(b), `a` itself
 * does (float(a) < float(b) whenever they differ in float32 at all).
 */
function edgeBetween(a: number, b: number): number {
  const mid = a + (b - a) / 2;
  const m = mid < b ? mid : a;
  const m32 = Math.fround(m);
  if (m32 < Math.fround(b)) return m32 >= a && m32 < b ? m32 : m;
  return a;
}

/** `k` of `rows`, drawn without replacement (partial Fisher–Yates), in ascending order. */
function subsample(rows: Uint32Array, k: number, rng: Rng): Uint32Array {
  const pool = Uint32Array.from(rows);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(pool.length - i);
    const t = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = t;
  }
  return pool.slice(0, k).sort();
}

/** Bins the rows `rows` of row-major x. */
export function binRows(x: Float64Array, slots: number, rows: Uint32Array, edges: readonly Float64Array[]): Binned {
  const n = rows.length;
  const bins = new Uint8Array(n * slots);
  for (let f = 0; f < slots; f++) {
    const e = edges[f] as Float64Array;
    const ne = e.length;
    for (let i = 0; i < n; i++) {
      const v = x[(rows[i] as number) * slots + f] as number;
      if (Number.isNaN(v)) {
        bins[i * slots + f] = MISSING_BIN;
        continue;
      }
      // First edge >= v (lower bound): that edge's index is the bin.
      let lo = 0;
      let hi = ne;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((e[mid] as number) < v) lo = mid + 1;
        else hi = mid;
      }
      bins[i * slots + f] = lo;
    }
  }
  return { rows: n, features: slots, bins };
}
