/**
 * Row-level expectations that look beyond one row: increasing/decreasing (the previous considered
 * value is carried from chunk to chunk), uniqueness (see duplicates.ts for its memory), and z-scores (which need the column's mean
 * and stdev before any row can be judged, so the considered values are buffered: 16 bytes per row,
 * plus the index-column values when result_format asks for them).
 */
import { z } from 'zod';
import type { Column } from '../table.js';
import { column, commonKwargs, define, flag, mostly } from './define.js';
import { columnMap, indexReader, mapCounts, requireColumn, type RowTest } from './map-kernel.js';
import { numpyMean, numpyVar, FloatBuffer } from './numeric-stats.js';
import { duplicateAccumulator } from './duplicates.js';
import { formatMapResult, UnexpectedCollector } from './result-format.js';
import { ExpectationError, type Accumulator, type ExpectationDefinition, type ResultFormat } from './types.js';
import { isoFromMs, nullTester, valueKey, valueReader } from './values.js';

/** Reads a column as numbers for ordering and z-scores; strings raise pandas' TypeError. */
function numericReader(col: Column, what: string): (i: number) => number {
  switch (col.kind) {
    case 'number':
    case 'timestamp':
    case 'boolean': {
      const { values } = col;
      return (i) => values[i] as number;
    }
    case 'mixed': {
      const { values } = col;
      return (i) => {
        const v = values[i];
        if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
        if (v instanceof Date) return v.getTime();
        throw new ExpectationError(
          `${what}: unsupported operand type(s) for -: '${typeof v === 'string' ? 'str' : typeof v}'`,
          'TypeError',
        );
      };
    }
    case 'string':
      throw new ExpectationError(`${what}: unsupported operand type(s) for -: 'str' and 'str'`, 'TypeError');
  }
}

function ordering(type: string, increasing: boolean): ExpectationDefinition {
  return define({
    type,
    kind: 'map',
    schema: z.object({ column, mostly, ...commonKwargs, strictly: flag }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) => {
      let prev: number | undefined;
      return columnMap(a.column, a.mostly, ctx.resultFormat, (col): RowTest => {
        const read = numericReader(col, type);
        return (i) => {
          const v = read(i);
          const p = prev;
          prev = v;
          if (p === undefined) return false;
          const diff = increasing ? v - p : p - v;
          return a.strictly ? !(diff > 0) : !(diff >= 0);
        };
      });
    },
  });
}

/** Column uniqueness: the key is the value itself (booleans and mixed values via Python-like keys). */
function uniqueAccumulator(col: string, mostlyValue: number, rf: ResultFormat): Accumulator {
  return duplicateAccumulator([col], mostlyValue, rf, (chunk) => {
    const c = requireColumn(chunk, col);
    const value = valueReader(c);
    const ignored = nullTester(c);
    switch (c.kind) {
      case 'string': {
        const { codes, dictionary } = c;
        return { ignored, value, key: (i) => dictionary[codes[i] as number], show: (k) => k };
      }
      case 'mixed': {
        const { values } = c;
        return { ignored, value, key: (i) => valueKey(values[i]) };
      }
      case 'boolean': {
        const { values } = c;
        return { ignored, value, key: (i) => values[i], show: (k) => k === 1, numbers: values };
      }
      default: {
        const { values } = c;
        return {
          ignored,
          value,
          key: (i) => values[i],
          show: c.kind === 'timestamp' ? (k) => isoFromMs(k as number) : (k) => k,
          numbers: values,
        };
      }
    }
  });
}

function zScoreAccumulator(
  a: { column: string; mostly: number; threshold: number; double_sided: boolean },
  rf: ResultFormat,
): Accumulator {
  const values = new FloatBuffer();
  const rows = new FloatBuffer();
  const indexes: unknown[] = [];
  const keepIndex = rf.unexpectedIndexColumnNames !== undefined;
  let elements = 0;
  let missing = 0;
  return {
    consume(chunk, mask) {
      const c = requireColumn(chunk, a.column);
      const isNull = nullTester(c);
      let read: ((i: number) => number) | undefined;
      const index = keepIndex ? indexReader(chunk, rf, [a.column]) : undefined;
      for (let i = 0; i < chunk.rowCount; i++) {
        if (mask !== undefined && mask[i] === 0) continue;
        elements++;
        if (isNull(i)) {
          missing++;
          continue;
        }
        read ??= numericReader(c, 'Cannot complete Z-score calculations on a non-numerical column');
        values.push(read(i));
        rows.push(chunk.rowOffset + i);
        if (index) indexes.push(index(i));
      }
    },
    finish() {
      const v = values.view();
      const mean = numpyMean(v);
      const std = Math.sqrt(numpyVar(v, 1));
      const t = a.threshold;
      const out = new UnexpectedCollector(rf);
      let unexpected = 0;
      const r = rows.view();
      for (let i = 0; i < v.length; i++) {
        const z = ((v[i] as number) - mean) / std;
        const under = a.double_sided ? Math.abs(z) < Math.abs(t) : z < t;
        if (under) continue;
        unexpected++;
        if (!out.full) out.add(v[i], keepIndex ? indexes[i] : r[i]);
      }
      return formatMapResult(mapCounts(elements, missing, unexpected, a.mostly), out);
    },
  };
}

export const columnMapOrderingDefinitions: ExpectationDefinition[] = [
  ordering('expect_column_values_to_be_increasing', true),
  ordering('expect_column_values_to_be_decreasing', false),
  define({
    type: 'expect_column_values_to_be_unique',
    kind: 'map',
    schema: z.object({ column, mostly, ...commonKwargs }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) => uniqueAccumulator(a.column, a.mostly, ctx.resultFormat),
  }),
  define({
    type: 'expect_column_value_z_scores_to_be_less_than',
    kind: 'map',
    schema: z.object({ column, mostly, ...commonKwargs, threshold: z.number(), double_sided: z.boolean() }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) => zScoreAccumulator(a, ctx.resultFormat),
  }),
];
