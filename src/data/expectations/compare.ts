/**
 * Comparisons the way pandas makes them on each column representation: numbers and booleans
 * numerically, timestamps against date strings or Dates, strings lexicographically, and a TypeError
 * (GE's "must either be None or of the same type") when a string meets a number.
 */
import type { Column } from '../table.js';
import { parseDateutil } from './date-parse.js';
import { dictionaryTest, type RowTest } from './map-kernel.js';
import { ExpectationError } from './types.js';
import { valueKey } from './values.js';

export type Bound = number | string | Date | null;

export interface Range {
  readonly min: Bound;
  readonly max: Bound;
  readonly strictMin: boolean;
  readonly strictMax: boolean;
}

export const SAME_TYPE = 'Column values, min_value, and max_value must either be None or of the same type.';

/** A bound as epoch ms for a timestamp column; strings are parsed as dateutil would. */
export function boundAsMs(b: Bound): number | null {
  if (b === null) return null;
  if (b instanceof Date) return b.getTime();
  if (typeof b === 'string') {
    const ms = parseDateutil(b);
    if (ms === undefined) throw new ExpectationError(`could not parse '${b}' as a date`, 'ValueError');
    return ms;
  }
  throw new ExpectationError("'<' not supported between instances of 'Timestamp' and 'int'", 'TypeError');
}

function inRange<T extends number | string>(v: T, min: T | null, max: T | null, r: Range): boolean {
  if (min !== null && (r.strictMin ? !(v > min) : !(v >= min))) return false;
  if (max !== null && (r.strictMax ? !(v < max) : !(v <= max))) return false;
  return true;
}

/** Tests "value outside the range" (unexpected) for this chunk's column. */
export function outsideRange(col: Column, r: Range): RowTest {
  const strMin = typeof r.min === 'string';
  const strMax = typeof r.max === 'string';
  switch (col.kind) {
    case 'number':
    case 'boolean': {
      if (strMin || strMax || r.min instanceof Date || r.max instanceof Date) throw new ExpectationError(SAME_TYPE, 'TypeError');
      const { values } = col;
      const min = r.min as number | null;
      const max = r.max as number | null;
      return (i) => !inRange(values[i] as number, min, max, r);
    }
    case 'timestamp': {
      const min = boundAsMs(r.min);
      const max = boundAsMs(r.max);
      const { values } = col;
      return (i) => !inRange(values[i] as number, min, max, r);
    }
    case 'string': {
      if ((r.min !== null && !strMin) || (r.max !== null && !strMax)) throw new ExpectationError(SAME_TYPE, 'TypeError');
      const min = r.min as string | null;
      const max = r.max as string | null;
      return dictionaryTest(col, (s) => !inRange(s, min, max, r));
    }
    case 'mixed': {
      const { values } = col;
      return (i) => {
        const v = values[i];
        const isStr = typeof v === 'string';
        if ((r.min !== null && isStr !== strMin) || (r.max !== null && isStr !== strMax))
          throw new ExpectationError(SAME_TYPE, 'TypeError');
        const x = typeof v === 'boolean' ? Number(v) : v;
        if (typeof x !== 'number' && typeof x !== 'string') throw new ExpectationError(SAME_TYPE, 'TypeError');
        return !inRange(x, r.min as number | string | null, r.max as number | string | null, r);
      };
    }
  }
}

/**
 * Set membership as pandas' `isin`: 1 matches 1.0 and True, strings match exactly, and a timestamp
 * column compares with the set's date strings parsed as dates.
 */
export function memberTest(col: Column, members: readonly unknown[]): RowTest {
  switch (col.kind) {
    case 'number':
    case 'boolean': {
      const set = new Set(members.filter((m) => typeof m === 'number' || typeof m === 'boolean').map(Number));
      const { values } = col;
      return (i) => set.has(values[i] as number);
    }
    case 'timestamp': {
      const set = new Set<number>();
      for (const m of members) {
        const ms = m instanceof Date ? m.getTime() : typeof m === 'string' ? parseDateutil(m) : undefined;
        if (ms !== undefined) set.add(ms);
      }
      const { values } = col;
      return (i) => set.has(values[i] as number);
    }
    case 'string': {
      const set = new Set(members.filter((m) => typeof m === 'string'));
      return dictionaryTest(col, (s) => set.has(s));
    }
    case 'mixed': {
      const set = new Set(members.map(valueKey));
      const { values } = col;
      return (i) => set.has(valueKey(values[i]));
    }
  }
}
