/**
 * Numbers the way pandas/numpy compute them, so observed values match GE's bit for bit where it
 * matters (an expectation whose min_value equals max_value equals the observed stdev): numpy's
 * pairwise summation (blocks of 8, unrolled, split in halves above 128), mean = sum / n, variance by
 * two passes, quantiles by numpy's interpolation methods. For streaming, `Moments` keeps the first
 * 8192 values to compute exactly like numpy and, past that, switches to mergeable compensated sums and
 * Chan/Welford moments (accurate to ~1e-15 relative, no longer bit-identical to numpy's order).
 */

/** numpy's `add.reduce` over float64: 0.0 + pairwise_sum(a). */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  return 0 + pairwise(a, start, n);
}

function pairwise(a: ArrayLike<number>, s: number, n: number): number {
  if (n < 8) {
    let res = -0;
    for (let i = 0; i < n; i++) res += a[s + i] as number;
    return res;
  }
  if (n <= 128) {
    let r0 = a[s] as number;
    let r1 = a[s + 1] as number;
    let r2 = a[s + 2] as number;
    let r3 = a[s + 3] as number;
    let r4 = a[s + 4] as number;
    let r5 = a[s + 5] as number;
    let r6 = a[s + 6] as number;
    let r7 = a[s + 7] as number;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      r0 += a[s + i] as number;
      r1 += a[s + i + 1] as number;
      r2 += a[s + i + 2] as number;
      r3 += a[s + i + 3] as number;
      r4 += a[s + i + 4] as number;
      r5 += a[s + i + 5] as number;
      r6 += a[s + i + 6] as number;
      r7 += a[s + i + 7] as number;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[s + i] as number;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, s, n2) + pairwise(a, s + n2, n - n2);
}

export function numpyMean(a: ArrayLike<number>): number {
  return a.length === 0 ? NaN : pairwiseSum(a) / a.length;
}

/** pandas' nanvar without bottleneck: mean by pairwise sum, then pairwise sum of squared deviations. */
export function numpyVar(a: ArrayLike<number>, ddof = 1): number {
  const n = a.length;
  if (n - ddof <= 0) return NaN;
  const avg = pairwiseSum(a) / n;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = (avg - (a[i] as number)) ** 2;
  return pairwiseSum(sq) / (n - ddof);
}

export type Interpolation = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';

/** pandas `Series.quantile(q, interpolation)` on sorted values (numpy percentile with q × 100). */
export function quantileSorted(sorted: ArrayLike<number>, q: number, how: Interpolation): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const virtual = ((q * 100) / 100) * (n - 1);
  const at = (k: number) => sorted[Math.min(Math.max(k, 0), n - 1)] as number;
  switch (how) {
    case 'lower':
      return at(Math.floor(virtual));
    case 'higher':
      return at(Math.ceil(virtual));
    case 'nearest':
      return at(roundHalfEven(virtual));
    case 'midpoint':
    case 'linear': {
      const lo = Math.floor(virtual);
      const g = how === 'midpoint' ? (Math.ceil(virtual) > lo ? 0.5 : 0) : virtual - lo;
      const a = at(lo);
      const b = at(lo + 1);
      // numpy's _lerp: a + (b - a) * g, computed from the upper end when g >= 0.5
      const diff = b - a;
      return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
    }
  }
}

export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Quantiles without a full sort: the order statistics they need are put in place by quickselect
 * (O(n) each), left to right, on the given array (which is reordered). The median is pandas' median:
 * the middle value or the mean of the two middle values ('midpoint' at q = 0.5).
 */
export function quantilesOf(values: Float64Array, qs: readonly number[], how: Interpolation): number[] {
  const n = values.length;
  if (n === 0) return qs.map(() => NaN);
  const needed = new Set<number>();
  for (const q of qs) {
    const v = ((q * 100) / 100) * (n - 1);
    for (const k of [Math.floor(v), Math.ceil(v), Math.min(Math.floor(v) + 1, n - 1), roundHalfEven(v)])
      needed.add(Math.min(Math.max(k, 0), n - 1));
  }
  let lo = 0;
  for (const k of [...needed].sort((a, b) => a - b)) {
    select(values, k, lo, n - 1);
    lo = k + 1;
  }
  return qs.map((q) => quantileSorted(values, q, how));
}

/** pandas' median (numpy's): the middle value, or (a + b) / 2 of the two middle values. */
export function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  const [a, b] = quantilesOf(values, [0.5], 'lower').concat(quantileSorted(values, 0.5, 'higher')) as [number, number];
  return n % 2 === 1 ? a : (a + b) / 2;
}

/** Hoare quickselect: afterwards a[k] is the k-th smallest of a[lo..hi], smaller ones left of it. */
function select(a: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three as pivot
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

const EXACT = 8192;

/** Mergeable count/sum/mean/variance over a stream, exact-as-numpy for the first 8192 values. */
export class Moments {
  count = 0;
  private head = new Float64Array(EXACT);
  private sum = 0;
  private comp = 0;
  private mean = 0;
  private m2 = 0;

  add(v: number): void {
    if (this.count < EXACT) this.head[this.count] = v;
    this.count++;
    const t = this.sum + v;
    this.comp += Math.abs(this.sum) >= Math.abs(v) ? this.sum - t + v : v - t + this.sum;
    this.sum = t;
    const delta = v - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (v - this.mean);
  }

  total(): number {
    return this.count <= EXACT ? pairwiseSum(this.head.subarray(0, this.count)) : this.sum + this.comp;
  }

  average(): number {
    if (this.count === 0) return NaN;
    return this.count <= EXACT ? numpyMean(this.head.subarray(0, this.count)) : (this.sum + this.comp) / this.count;
  }

  variance(ddof = 1): number {
    if (this.count - ddof <= 0) return NaN;
    return this.count <= EXACT ? numpyVar(this.head.subarray(0, this.count), ddof) : this.m2 / (this.count - ddof);
  }
}

/** A growable Float64Array: the values median and quantiles need (8 bytes per non-null row). */
export class FloatBuffer {
  private data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
  sorted(): Float64Array {
    return Float64Array.from(this.view()).sort();
  }
}
