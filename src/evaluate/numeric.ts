/**
 * Summation and ordering helpers that reproduce numpy's arithmetic, so metrics equal scikit-learn's to
 * the last bit where the operations allow (and to ~1e-15 relative where a libm differs, e.g. log).
 */

/**
 * numpy's pairwise summation (`pairwise_sum_DOUBLE` in umath/loops_utils.h): below 8 items a plain
 * loop, up to 128 eight interleaved accumulators, above that split in two at a multiple of 8. Every
 * `np.sum`/`np.mean` on a contiguous float64 array (and `(n, 1)` arrays along axis 0, as sklearn's
 * regression metrics use) adds in exactly this order, so a naive loop would differ in the last bits.
 */
export function pairwiseSum(a: ArrayLike<number>, start = 0, end = a.length): number {
  const n = end - start;
  if (n < 8) {
    let res = 0;
    for (let i = start; i < end; i++) res += a[i] as number;
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[start + j] as number;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = (r[j] as number) + (a[start + i + j] as number);
    }
    const [r0, r1, r2, r3, r4, r5, r6, r7] = r as [number, number, number, number, number, number, number, number];
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i] as number;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, start + n2) + pairwiseSum(a, start + n2, end);
}

/** `np.mean`: pairwise sum, then one division. NaN for no items (numpy warns and answers NaN). */
export function mean(a: ArrayLike<number>): number {
  return a.length === 0 ? NaN : pairwiseSum(a) / a.length;
}

/** `np.average(a, weights=w)`: sum(a·w) / sum(w), both pairwise. */
export function weightedMean(a: ArrayLike<number>, w: ArrayLike<number>): number {
  const prod = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) prod[i] = (a[i] as number) * (w[i] as number);
  return pairwiseSum(prod) / pairwiseSum(w);
}

/** `np.median`: the middle value, or the mean of the two middle values (a + b) / 2. */
export function median(a: ArrayLike<number>): number {
  if (a.length === 0) return NaN;
  const s = Float64Array.from(a).sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Orders strings by Unicode code point, as Python's sorted() and numpy do (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number);
    if (d !== 0) return d;
  }
}

/** Distinct values in code point order. */
export function distinctSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareCodePoints);
}

/** Row indices grouped by value, groups in code point order (pandas groupby / np.unique order). */
export function groupRows(values: readonly string[]): Map<string, number[]> {
  const byValue = new Map<string, number[]>();
  values.forEach((v, i) => {
    const rows = byValue.get(v);
    if (rows) rows.push(i);
    else byValue.set(v, [i]);
  });
  return new Map([...byValue.entries()].sort(([a], [b]) => compareCodePoints(a, b)));
}

/** JSON has no NaN or Infinity: an undefined metric is reported as null. −0 (AP with no positives) becomes 0. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x + 0 : null;
}
