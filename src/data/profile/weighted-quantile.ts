/**
 * Quantiles of a sorted multiset given as (distinct-ish value, weight) pairs — exact value counts, or a
 * quantile sketch's retained items with their weights. Uses pandas'/numpy's default 'linear' method on
 * the expanded sequence: position q·(n−1), interpolated between its floor and ceiling neighbours, with
 * numpy's two-sided lerp so exact data gives numpy's bits, not just numpy's value within rounding.
 */

export interface WeightedItems {
  /** Ascending values. */
  readonly values: Float64Array;
  /** cumulative[i] = total weight of values[0..i]. */
  readonly cumulative: Float64Array;
  /** Total weight (the last cumulative entry, or 0). */
  readonly total: number;
}

/** Sorts (value, weight) pairs by value and accumulates weights. */
export function weightedItems(values: ArrayLike<number>, weights: ArrayLike<number>): WeightedItems {
  const order = Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => (values[a] as number) - (values[b] as number));
  const sorted = new Float64Array(order.length);
  const cumulative = new Float64Array(order.length);
  let total = 0;
  order.forEach((idx, i) => {
    sorted[i] = values[idx] as number;
    total += weights[idx] as number;
    cumulative[i] = total;
  });
  return { values: sorted, cumulative, total };
}

/** The value at 0-based position r of the expanded sequence (the first item whose cumulative weight exceeds r). */
function valueAtPosition(items: WeightedItems, r: number): number {
  let lo = 0;
  let hi = items.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items.cumulative[mid] as number) > r) hi = mid;
    else lo = mid + 1;
  }
  return items.values[lo] as number;
}

/** numpy's _lerp: a + (b−a)·t below t = 0.5, b − (b−a)·(1−t) above, so the result is monotone and exact at the ends. */
export function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The q-quantile (0 ≤ q ≤ 1) with linear interpolation; NaN when there are no items. */
export function weightedQuantile(items: WeightedItems, q: number): number {
  if (items.total <= 0 || items.values.length === 0) return Number.NaN;
  const pos = q * (items.total - 1);
  const lo = Math.floor(pos);
  const t = pos - lo;
  const a = valueAtPosition(items, lo);
  if (t === 0) return a;
  return lerp(a, valueAtPosition(items, lo + 1), t);
}

/** Total weight of items strictly below x (inclusive = false) or at most x (inclusive = true). */
export function weightBelow(items: WeightedItems, x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = items.values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = items.values[mid] as number;
    if (inclusive ? v <= x : v < x) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : (items.cumulative[lo - 1] as number);
}
