/**
 * One column of one window in the canonical form every drift test reads: a numeric column as its
 * finite values sorted ascending (NaN, ±∞ and nulls dropped and counted, as Evidently drops them), a
 * categorical column as its categories in a fixed order with their counts. Reference tables, stored
 * DriftReferences and current windows all reduce to this form, so a report computed from a stored
 * reference is the report computed from the table it was built from.
 */
import { type Column } from '../../data/index.js';

/** A category: text, a number (numeric targets tested as categories) or a boolean. */
export type CategoryKey = string | number | boolean;

export interface NumericSample {
  readonly type: 'number';
  /** 'integer' when the source column held whole numbers only (decides a prediction column's kind). */
  readonly numberType: 'integer' | 'float';
  /** Finite values, ascending. */
  readonly sorted: Float64Array;
  /** Rows left out: null, NaN, +∞ or −∞. */
  readonly missing: number;
}

export interface CategoricalSample {
  readonly type: 'category';
  /** Distinct categories in `compareKeys` order. */
  readonly keys: readonly CategoryKey[];
  /** counts[i] rows hold keys[i]. */
  readonly counts: Float64Array;
  readonly total: number;
  /** Null rows. */
  readonly missing: number;
}

export type ColumnSample = NumericSample | CategoricalSample;

const TYPE_RANK: Record<string, number> = { boolean: 0, number: 1, string: 2 };

/**
 * Python's `sorted` order for one type (False < True; numbers ascending; text by code point), with
 * booleans before numbers before text when a column mixes them. Evidently's Z-test singles out the
 * first category in this order.
 */
export function compareKeys(a: CategoryKey, b: CategoryKey): number {
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb) return (TYPE_RANK[ta] ?? 3) - (TYPE_RANK[tb] ?? 3);
  if (ta === 'string') return compareCodePoints(a as string, b as string);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

/** The sample of a table column, or undefined for a timestamp column (drift does not test those). */
export function sampleColumn(col: Column): ColumnSample | undefined {
  switch (col.kind) {
    case 'number':
      return numericSample(col.values, col.valid, col.type);
    case 'timestamp':
      return undefined;
    case 'boolean': {
      const counts = [0, 0];
      let missing = 0;
      for (let i = 0; i < col.values.length; i++) {
        if (col.valid && col.valid[i] === 0) missing++;
        else counts[col.values[i] as number] = (counts[col.values[i] as number] as number) + 1;
      }
      return categorical(new Map<CategoryKey, number>([[false, counts[0] as number], [true, counts[1] as number]]), missing);
    }
    case 'string': {
      const counts = new Float64Array(col.dictionary.length);
      let missing = 0;
      const codes = col.codes;
      for (let i = 0; i < codes.length; i++) {
        const c = codes[i] as number;
        if (c < 0) missing++;
        else counts[c] = (counts[c] as number) + 1;
      }
      const map = new Map<CategoryKey, number>();
      col.dictionary.forEach((v, i) => map.set(v, (map.get(v) ?? 0) + (counts[i] as number)));
      return categorical(map, missing);
    }
    case 'mixed': {
      const map = new Map<CategoryKey, number>();
      let missing = 0;
      for (const v of col.values) {
        if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) {
          missing++;
          continue;
        }
        const key: CategoryKey = typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v);
        map.set(key, (map.get(key) ?? 0) + 1);
      }
      return categorical(map, missing);
    }
  }
}

/** Finite values of a number column, sorted (one Float64Array sort). */
export function numericSample(values: Float64Array, valid: Uint8Array | undefined, numberType: 'integer' | 'float'): NumericSample {
  const n = values.length;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if ((valid === undefined || valid[i] === 1) && v - v === 0) out[k++] = v;
  }
  const sorted = k === n ? out : out.slice(0, k);
  sorted.sort();
  return { type: 'number', numberType, sorted, missing: n - k };
}

/** A categorical sample from category → count (zero counts dropped). */
export function categorical(counts: ReadonlyMap<CategoryKey, number>, missing: number): CategoricalSample {
  const keys = [...counts.keys()].filter((k) => (counts.get(k) ?? 0) > 0).sort(compareKeys);
  const c = Float64Array.from(keys, (k) => counts.get(k) ?? 0);
  let total = 0;
  for (const v of c) total += v;
  return { type: 'category', keys, counts: c, total, missing };
}

/** A numeric sample seen as categories (its distinct values), for columns tested as categorical. */
export function numericAsCategorical(s: NumericSample): CategoricalSample {
  const keys: number[] = [];
  const counts: number[] = [];
  const v = s.sorted;
  for (let i = 0; i < v.length; i++) {
    if (i === 0 || v[i] !== v[i - 1]) {
      keys.push(v[i] as number);
      counts.push(0);
    }
    counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
  }
  return { type: 'category', keys, counts: Float64Array.from(counts), total: v.length, missing: s.missing };
}

/** Rows with a usable value. */
export function sampleSize(s: ColumnSample): number {
  return s.type === 'number' ? s.sorted.length : s.total;
}
