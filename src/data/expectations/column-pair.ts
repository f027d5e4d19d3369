/**
 * Row-level expectations over two or more columns: A > B (or ≥), A == B, and uniqueness of a column
 * combination. ignore_row_if decides which rows with nulls are left out (GE's defaults: a pair is
 * skipped only when both values are missing, a combination only when all are). Unexpected values are
 * reported as [a, b] pairs, or as {column: value} records for combinations.
 */
import { z } from 'zod';
import type { Column, Table } from '../table.js';
import { parseDateutil } from './date-parse.js';
import { column, commonKwargs, define, mostly } from './define.js';
import { duplicateAccumulator } from './duplicates.js';
import { mapAccumulator, requireColumn } from './map-kernel.js';
import { ExpectationError, type Accumulator, type ExpectationDefinition, type ResultFormat } from './types.js';
import { nullTester, pyEquals, valueKey, valueReader } from './values.js';

const pairKwargs = {
  column_A: column,
  column_B: column,
  mostly,
  ...commonKwargs,
  ignore_row_if: z.enum(['both_values_are_missing', 'either_value_is_missing', 'neither']).nullable().optional(),
};

/** A cell as a comparable JS value: number (timestamps in ms, booleans 0/1), string, or other. */
function comparableReader(col: Column, parseDates: boolean): (i: number) => unknown {
  if (col.kind === 'number' || col.kind === 'timestamp') return (i) => col.values[i];
  if (col.kind === 'boolean') return (i) => col.values[i];
  const read = valueReader(col);
  if (!parseDates) return read;
  return (i) => {
    const v = read(i);
    return typeof v === 'string' ? (parseDateutil(v) ?? v) : v;
  };
}

type Compare = (a: unknown, b: unknown) => boolean;

function pairAccumulator(
  a: z.output<z.ZodObject<typeof pairKwargs>>,
  rf: ResultFormat,
  ok: Compare,
  parseDates = false,
): Accumulator {
  const mode = a.ignore_row_if ?? 'both_values_are_missing';
  return mapAccumulator(
    {
      columns: [a.column_A, a.column_B],
      mostly: a.mostly,
      reportsMissing: true,
      prepare(chunk: Table) {
        const A = requireColumn(chunk, a.column_A);
        const B = requireColumn(chunk, a.column_B);
        const nullA = nullTester(A);
        const nullB = nullTester(B);
        const ignored =
          mode === 'neither'
            ? undefined
            : mode === 'both_values_are_missing'
              ? (i: number) => nullA(i) && nullB(i)
              : (i: number) => nullA(i) || nullB(i);
        const readA = valueReader(A);
        const readB = valueReader(B);
        return {
          ignored,
          value: (i) => [readA(i), readB(i)],
          compile: () => {
            const va = comparableReader(A, parseDates);
            const vb = comparableReader(B, parseDates);
            return (i) => nullA(i) || nullB(i) || !ok(va(i), vb(i));
          },
        };
      },
    },
    rf,
  );
}

function greater(orEqual: boolean): Compare {
  return (x, y) => {
    if (typeof x !== typeof y || (typeof x !== 'number' && typeof x !== 'string')) {
      throw new ExpectationError(`'>' not supported between instances of '${typeof x}' and '${typeof y}'`, 'TypeError');
    }
    return orEqual ? (x as number) >= (y as number) : (x as number) > (y as number);
  };
}

const multiKwargs = {
  column_list: z.array(column).min(1, 'must name at least one column'),
  mostly,
  ...commonKwargs,
  ignore_row_if: z.enum(['all_values_are_missing', 'any_value_is_missing', 'never']).nullable().optional(),
};

export const columnPairDefinitions: ExpectationDefinition[] = [
  define({
    type: 'expect_column_pair_values_a_to_be_greater_than_b',
    kind: 'map',
    schema: z.object({ ...pairKwargs, or_equal: z.boolean().nullable().optional() }).strict(),
    columns: (a) => [a.column_A, a.column_B],
    create: (a, ctx) => pairAccumulator(a, ctx.resultFormat, greater(a.or_equal ?? false), a.parse_strings_as_datetimes ?? false),
  }),
  define({
    type: 'expect_column_pair_values_to_be_equal',
    kind: 'map',
    schema: z.object(pairKwargs).strict(),
    columns: (a) => [a.column_A, a.column_B],
    create: (a, ctx) => pairAccumulator(a, ctx.resultFormat, pyEquals),
  }),
  define({
    type: 'expect_compound_columns_to_be_unique',
    kind: 'map',
    schema: z.object(multiKwargs).strict(),
    columns: (a) => a.column_list,
    create: (a, ctx) => {
      const mode = a.ignore_row_if ?? 'all_values_are_missing';
      return duplicateAccumulator(a.column_list, a.mostly, ctx.resultFormat, (chunk) => {
        const cols = a.column_list.map((n) => requireColumn(chunk, n));
        const nulls = cols.map(nullTester);
        const reads = cols.map(valueReader);
        const ignored = (i: number) =>
          mode === 'never' ? false : mode === 'all_values_are_missing' ? nulls.every((t) => t(i)) : nulls.some((t) => t(i));
        return {
          ignored,
          key: (i) => JSON.stringify(reads.map((r) => valueKey(r(i)))),
          value: (i) => Object.fromEntries(a.column_list.map((n, k) => [n, (reads[k] as (i: number) => unknown)(i)])),
        };
      });
    },
  }),
];
