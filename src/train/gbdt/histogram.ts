/**
 * Gradient histograms: per node, for every feature and bin, the sums of gradients and hessians and the
 * row count, in one Float64Array laid out [feature][bin 0..255][g, h, count]. Building one is the
 * inner loop of training: typed arrays only, no objects, no calls.
 */
import type { Binned } from './binning.js';

export const BINS = 256;
export const STRIDE = 3;
const FEATURE_STRIDE = BINS * STRIDE;

export function histogramLength(features: number): number {
  return features * BINS * STRIDE;
}

/**
 * Fills `hist` for the rows idx[start, end). `h` undefined means a constant unit hessian (squared error):
 * the hessian sums are then the counts. `root` says idx[start, end) is every row in order, which skips
 * the indirection.
 *
 * Row by row, every feature per row: a row's bins share a cache line, and the F features' accumulators
 * form independent dependency chains. Feature by feature instead (column-major) serialises on one
 * feature's few hot bins (a skewed column keeps re-adding to the same slot) and measured ~1.5× slower.
 */
export function buildHistogram(
  hist: Float64Array,
  binned: Binned,
  nBins: Uint16Array,
  idx: Uint32Array,
  start: number,
  end: number,
  root: boolean,
  g: Float64Array,
  h: Float64Array | undefined,
): void {
  forUsedBins(nBins, (from, to) => hist.fill(0, from, to));
  const nf = binned.features;
  const bins = binned.bins;
  // Four copies of one loop rather than per-row conditionals: this is where training spends its time.
  if (root && h) {
    for (let r = start; r < end; r++) addRow(hist, bins, r * nf, nf, g[r] as number, h[r] as number);
  } else if (root) {
    for (let r = start; r < end; r++) addRow(hist, bins, r * nf, nf, g[r] as number, 1);
  } else if (h) {
    for (let i = start; i < end; i++) {
      const r = idx[i] as number;
      addRow(hist, bins, r * nf, nf, g[r] as number, h[r] as number);
    }
  } else {
    for (let i = start; i < end; i++) {
      const r = idx[i] as number;
      addRow(hist, bins, r * nf, nf, g[r] as number, 1);
    }
  }
}

/** Adds one row's gradient and hessian to its bin of every feature (small enough for V8 to inline). */
function addRow(hist: Float64Array, bins: Uint8Array, rb: number, nf: number, gi: number, hi: number): void {
  for (let f = 0; f < nf; f++) {
    const o = f * FEATURE_STRIDE + (bins[rb + f] as number) * STRIDE;
    hist[o] = (hist[o] as number) + gi;
    hist[o + 1] = (hist[o + 1] as number) + hi;
    hist[o + 2] = (hist[o + 2] as number) + 1;
  }
}

/** parent ← parent − child: the sibling's histogram without touching its rows (the subtraction trick). */
export function subtractHistogram(parent: Float64Array, child: Float64Array, nBins: Uint16Array): void {
  forUsedBins(nBins, (from, to) => {
    for (let i = from; i < to; i++) parent[i] = (parent[i] as number) - (child[i] as number);
  });
}

/**
 * Calls fn with the [from, to) ranges of the histogram that can be non-zero: each feature's present bins
 * and its missing bin. Most features use far fewer than 255 bins, so clearing and subtracting only
 * these is several times cheaper than the whole array.
 */
function forUsedBins(nBins: Uint16Array, fn: (from: number, to: number) => void): void {
  for (let f = 0; f < nBins.length; f++) {
    const base = f * FEATURE_STRIDE;
    fn(base, base + (nBins[f] as number) * STRIDE);
    fn(base + (BINS - 1) * STRIDE, base + BINS * STRIDE);
  }
}
