/**
 * Categorical column profiles (strings, booleans, mixed). Strings are dictionary-encoded, so a chunk
 * costs one loop counting codes into an Int32Array; everything else (lengths, exact counts, hashes
 * for the HyperLogLog, heavy hitters) then runs once per distinct value, not once per row.
 */
import { type BooleanColumn, type Column, type MixedColumn, type StringColumn } from '../table.js';
import type { CategoricalProfile, CategoricalType, ProfileSettings } from './column-profile.js';
import { HeavyHitters } from './heavy-hitters.js';
import { HyperLogLog } from './hyperloglog.js';

export function emptyCategorical(name: string, type: CategoricalType): CategoricalProfile {
  return {
    kind: 'categorical',
    name,
    type,
    count: 0,
    nulls: 0,
    minLength: Infinity,
    maxLength: -Infinity,
    totalLength: 0,
    exact: new Map(),
    hll: null,
    heavy: null,
  };
}

const SURROGATE = /[\uD800-\uDBFF]/;

/** Length in code points, as pandas' str.len counts (an emoji is one character, not two UTF-16 units). */
export function codePointLength(s: string): number {
  return SURROGATE.test(s) ? [...s].length : s.length;
}

export function categoricalProfile(
  col: Exclude<Column, { kind: 'number' | 'timestamp' }>,
  settings: ProfileSettings,
): CategoricalProfile {
  switch (col.kind) {
    case 'string':
      return stringProfile(col, settings);
    case 'boolean':
      return booleanProfile(col, settings);
    case 'mixed':
      return mixedProfile(col, settings);
  }
}

function stringProfile(col: StringColumn, settings: ProfileSettings): CategoricalProfile {
  const { codes, dictionary } = col;
  const counts = new Int32Array(dictionary.length);
  let nulls = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    if (c < 0) nulls++;
    else counts[c] = (counts[c] as number) + 1;
  }
  return fromCounts(col.name, 'string', dictionary, counts, nulls, settings);
}

function booleanProfile(col: BooleanColumn, settings: ProfileSettings): CategoricalProfile {
  const { values, valid } = col;
  let trues = 0;
  let nulls = 0;
  for (let i = 0; i < values.length; i++) {
    if (valid !== undefined && valid[i] === 0) nulls++;
    else trues += values[i] as number;
  }
  const falses = values.length - nulls - trues;
  return fromCounts(col.name, 'boolean', ['false', 'true'], [falses, trues], nulls, settings);
}

/** A mixed value's key: strings as they are, numbers and booleans as JS prints them, dates as ISO, the rest as JSON. */
function keyOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v) ?? String(v);
  return String(v);
}

function mixedProfile(col: MixedColumn, settings: ProfileSettings): CategoricalProfile {
  const index = new Map<string, number>();
  const counts: number[] = [];
  let nulls = 0;
  for (const v of col.values) {
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      nulls++;
      continue;
    }
    const key = keyOf(v);
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, counts.length);
      counts.push(1);
    } else counts[at] = (counts[at] as number) + 1;
  }
  return fromCounts(col.name, 'mixed', [...index.keys()], counts, nulls, settings);
}

/** The profile of one chunk from its per-value counts (zero counts are values the chunk does not use). */
function fromCounts(
  name: string,
  type: CategoricalType,
  values: readonly string[],
  counts: ArrayLike<number>,
  nulls: number,
  settings: ProfileSettings,
): CategoricalProfile {
  const p = emptyCategorical(name, type);
  p.nulls = nulls;
  let distinct = 0;
  for (let i = 0; i < values.length; i++) {
    const c = counts[i] as number;
    if (c === 0) continue;
    distinct++;
    p.count += c;
    if (type === 'string') {
      const len = codePointLength(values[i] as string);
      if (len < p.minLength) p.minLength = len;
      if (len > p.maxLength) p.maxLength = len;
      p.totalLength += len * c;
    }
  }
  if (distinct <= settings.exactLimit) {
    const exact = new Map<string, number>();
    for (let i = 0; i < values.length; i++) {
      const c = counts[i] as number;
      if (c > 0) exact.set(values[i] as string, (exact.get(values[i] as string) ?? 0) + c);
    }
    p.exact = exact;
    return p;
  }
  p.exact = null;
  p.hll = new HyperLogLog();
  for (let i = 0; i < values.length; i++) if ((counts[i] as number) > 0) p.hll.addString(values[i] as string);
  p.heavy = HeavyHitters.fromArrays(values, counts, settings.heavyHitters);
  return p;
}

export function cloneCategorical(p: CategoricalProfile): CategoricalProfile {
  // HeavyHitters is immutable (merge returns a new one), so it can be shared.
  return { ...p, exact: p.exact && new Map(p.exact), hll: p.hll && p.hll.clone() };
}

function hllOfStrings(exact: ReadonlyMap<string, number>): HyperLogLog {
  const h = new HyperLogLog();
  for (const v of exact.keys()) h.addString(v);
  return h;
}

/** Folds b into a (a is mutated, b is not). */
export function mergeCategorical(a: CategoricalProfile, b: CategoricalProfile, settings: ProfileSettings): CategoricalProfile {
  a.count += b.count;
  a.nulls += b.nulls;
  a.minLength = Math.min(a.minLength, b.minLength);
  a.maxLength = Math.max(a.maxLength, b.maxLength);
  a.totalLength += b.totalLength;
  if (a.exact && b.exact) {
    for (const [v, c] of b.exact) a.exact.set(v, (a.exact.get(v) ?? 0) + c);
    if (a.exact.size <= settings.exactLimit) return a;
  }
  const hll = a.hll ?? hllOfStrings(a.exact ?? new Map());
  let heavy = a.heavy ?? HeavyHitters.fromCounts(a.exact ?? new Map(), settings.heavyHitters);
  if (!(a.exact && b.exact)) {
    hll.merge(b.hll ?? hllOfStrings(b.exact ?? new Map()));
    heavy = heavy.merge(b.heavy ?? HeavyHitters.fromCounts(b.exact ?? new Map(), settings.heavyHitters));
  }
  a.exact = null;
  a.hll = hll;
  a.heavy = heavy;
  return a;
}
