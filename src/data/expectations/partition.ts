/**
 * Math for the distributional expectations: GE's partition objects, numpy's histogram over given bin
 * edges, scipy's `entropy` (KL divergence) and the chi-square upper tail. The upper tail uses the
 * regularized incomplete gamma Q(k/2, x/2) by continued fraction where it is small (so p-values like
 * 5e-53 keep their digits) and 1 − CDF (@stdlib's chi-square CDF) where it is not.
 */
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { pairwiseSum, quantileSorted } from './numeric-stats.js';

export interface ContinuousPartition {
  readonly bins: number[];
  readonly weights: number[];
  readonly tail_weights?: [number, number];
}
export interface CategoricalPartition {
  readonly values: unknown[];
  readonly weights: number[];
}

const close1 = (s: number) => Math.abs(s - 1) <= 1e-8 + 1e-5; // numpy allclose(sum, 1)

export function isCategorical(p: unknown): p is CategoricalPartition {
  if (p === null || typeof p !== 'object') return false;
  const o = p as Record<string, unknown>;
  return (
    Array.isArray(o.values) &&
    Array.isArray(o.weights) &&
    o.values.length === o.weights.length &&
    close1(pairwiseSum(o.weights as number[]))
  );
}

export function isContinuous(p: unknown): p is ContinuousPartition {
  if (p === null || typeof p !== 'object') return false;
  const o = p as Record<string, unknown>;
  if (!Array.isArray(o.bins) || !Array.isArray(o.weights)) return false;
  const bins = o.bins as number[];
  const weights = o.weights as number[];
  let comb = weights;
  if (o.tail_weights !== undefined) {
    if (!Array.isArray(o.tail_weights) || o.tail_weights.length !== 2) return false;
    comb = [...(o.tail_weights as number[]), ...weights];
  }
  return (
    bins.length === weights.length + 1 &&
    bins.every((b, i) => i === 0 || b > (bins[i - 1] as number)) &&
    close1(pairwiseSum(comb))
  );
}

/** Counts per bin as `np.histogram(values, bins)`: [e_k, e_k+1), the last bin closed; outside values ignored. */
export class Histogram {
  readonly counts: Float64Array;
  below = 0;
  above = 0;
  nonnull = 0;
  constructor(readonly bins: readonly number[]) {
    this.counts = new Float64Array(Math.max(0, bins.length - 1));
  }
  add(v: number): void {
    this.nonnull++;
    const b = this.bins;
    const last = b.length - 1;
    if (v < (b[0] as number)) {
      this.below++;
      return;
    }
    if (v > (b[last] as number)) {
      this.above++;
      return;
    }
    if (v === b[last]) {
      this.counts[last - 1] = (this.counts[last - 1] as number) + 1;
      return;
    }
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if ((b[mid] as number) <= v) lo = mid;
      else hi = mid;
    }
    this.counts[lo] = (this.counts[lo] as number) + 1;
  }
}

/** scipy.stats.entropy(pk, qk): both normalized, Σ pk·ln(pk/qk); infinite where qk = 0 < pk. */
export function entropy(pk: readonly number[], qk: readonly number[]): number {
  const sp = pairwiseSum(pk);
  const sq = pairwiseSum(qk);
  const terms = pk.map((p, i) => {
    const x = p / sp;
    const y = (qk[i] as number) / sq;
    if (x === 0 && y >= 0) return 0;
    if (x > 0 && y > 0) return x * Math.log(x / y);
    return Infinity;
  });
  return pairwiseSum(terms);
}

/** GE's "auto" partition: numpy's max(Sturges, Freedman–Diaconis) bin count over [min, max]. */
export function autoBins(sorted: Float64Array): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const [min, q25, q75, max] = [0, 0.25, 0.75, 1].map((q) => quantileSorted(sorted, q, 'nearest')) as [
    number,
    number,
    number,
    number,
  ];
  const sturges = Math.log2(n + 1);
  const iqr = q75 - q25;
  const nBins =
    iqr < 1e-10 ? Math.ceil(sturges) : Math.max(Math.ceil(sturges), Math.ceil((max - min) / ((2 * iqr) / n ** (1 / 3))));
  return linspace(min, max, nBins + 1);
}

export function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** P(X > x) for X ~ chi-square with k degrees of freedom. */
export function chiSquareSf(x: number, k: number): number {
  if (!(x > 0)) return 1;
  if (x === Infinity) return 0;
  const a = k / 2;
  const half = x / 2;
  if (half < a + 1) return 1 - chisquareCdf(x, k);
  // Lentz's continued fraction for Q(a, half).
  const tiny = 1e-300;
  let b = half + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-half + a * Math.log(half) - lnGammaHalf(k)) * h;
}

/** ln Γ(k/2) for a positive integer k, exactly by its product form. */
function lnGammaHalf(k: number): number {
  let s = 0;
  if (k % 2 === 0) {
    for (let i = 1; i < k / 2; i++) s += Math.log(i);
    return s;
  }
  s = 0.5 * Math.log(Math.PI);
  for (let i = 1; i <= (k - 1) / 2; i++) s += Math.log(i - 0.5);
  return s;
}
