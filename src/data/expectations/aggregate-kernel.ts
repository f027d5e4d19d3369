/**
 * Shared pieces of the column aggregate expectations: walking a chunk's considered non-null values as
 * numbers (booleans count 0/1, strings raise GE's "not numeric" TypeError) and GE's
 * `_validate_metric_value_between` for an observed value against min/max bounds.
 */
import type { Column, Table } from '../table.js';
import { boundAsMs, type Bound } from './compare.js';
import { requireColumn } from './map-kernel.js';
import { ExpectationError, type ExpectationOutcome } from './types.js';
import { isoFromMs, nullTester } from './values.js';

/** Calls `fn` with every considered, non-null value of the column as a number. */
export function eachNumber(chunk: Table, name: string, mask: Uint8Array | undefined, fn: (v: number) => void): void {
  const col = requireColumn(chunk, name);
  const n = chunk.rowCount;
  if (col.kind === 'number' || col.kind === 'boolean') {
    const { values, valid } = col;
    for (let i = 0; i < n; i++) {
      if ((mask !== undefined && mask[i] === 0) || (valid !== undefined && valid[i] === 0)) continue;
      const v = values[i] as number;
      if (v === v) fn(v);
    }
    return;
  }
  const isNull = nullTester(col);
  for (let i = 0; i < n; i++) {
    if ((mask !== undefined && mask[i] === 0) || isNull(i)) continue;
    fn(numberAt(col, i, name));
  }
}

function numberAt(col: Column, i: number, name: string): number {
  if (col.kind === 'mixed') {
    const v = col.values[i];
    if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
  }
  throw new ExpectationError(`column '${name}' is not numeric: could not convert its ${col.kind} values to numeric`, 'TypeError');
}

export interface BetweenArgs {
  readonly min_value: Bound;
  readonly max_value: Bound;
  readonly strict_min: boolean;
  readonly strict_max: boolean;
}

/** An observed metric: a number, a string (text min/max), or a timestamp in epoch ms. */
export type Observed =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'timestamp'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'none' };

export function observedJson(o: Observed): unknown {
  if (o.kind === 'none') return null;
  if (o.kind === 'timestamp') return isoFromMs(o.value);
  if (o.kind === 'number' && Number.isNaN(o.value)) return null;
  return o.value;
}

/** GE's `_validate_metric_value_between`: no observed value fails; dates compare as dates. */
export function betweenOutcome(o: Observed, a: BetweenArgs): ExpectationOutcome {
  if (o.kind === 'none' || (o.kind === 'number' && Number.isNaN(o.value)))
    return { success: false, result: { observed_value: null } };
  let v: number | string;
  let min: number | string | null;
  let max: number | string | null;
  if (o.kind === 'timestamp') {
    v = o.value;
    min = boundAsMs(a.min_value);
    max = boundAsMs(a.max_value);
  } else {
    v = o.kind === 'boolean' ? Number(o.value) : o.value;
    const bound = (b: Bound): number | string | null => {
      if (b === null) return null;
      if (b instanceof Date || typeof b === 'string' ? typeof v !== 'string' : typeof v === 'string') {
        throw new ExpectationError(
          `'>=' not supported between the observed value ${JSON.stringify(v)} and bound ${JSON.stringify(b)}`,
          'TypeError',
        );
      }
      return b as number | string;
    };
    min = bound(a.min_value);
    max = bound(a.max_value);
  }
  const aboveMin = min === null || (a.strict_min ? v > min : v >= min);
  const belowMax = max === null || (a.strict_max ? v < max : v <= max);
  return { success: aboveMin && belowMax, result: { observed_value: observedJson(o) } };
}
