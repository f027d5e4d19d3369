/**
 * Table-level expectations: row count (respecting row_condition), column count, the column names as a
 * set or an ordered list, and one column's existence. They need only the first chunk's schema and a
 * running row count.
 */
import { z } from 'zod';
import type { Table } from '../table.js';
import { betweenOutcome } from './aggregate-kernel.js';
import { checkBounds, column, commonKwargs, define, integer } from './define.js';
import type { Accumulator, ExpectationDefinition, ExpectationOutcome } from './types.js';

const count = integer.gte(0, 'must be greater than or equal to 0');
const optionalCount = count
  .nullable()
  .optional()
  .transform((v) => v ?? null);

/** Sees the schema and counts the considered rows. */
function tableAccumulator(finish: (columns: readonly string[], rows: number) => ExpectationOutcome): Accumulator {
  let columns: string[] | undefined;
  let rows = 0;
  return {
    consume(chunk: Table, mask) {
      columns ??= chunk.columns.map((c) => c.name);
      if (mask === undefined) rows += chunk.rowCount;
      else for (let i = 0; i < chunk.rowCount; i++) rows += mask[i] as number;
    },
    finish: () => finish(columns ?? [], rows),
  };
}

const bounds = {
  min_value: optionalCount,
  max_value: optionalCount,
  strict_min: z.boolean().nullable().optional(),
  strict_max: z.boolean().nullable().optional(),
};
const between = (
  a: { min_value: number | null; max_value: number | null; strict_min?: boolean | null; strict_max?: boolean | null },
  observed: number,
) =>
  betweenOutcome(
    { kind: 'number', value: observed },
    { min_value: a.min_value, max_value: a.max_value, strict_min: a.strict_min ?? false, strict_max: a.strict_max ?? false },
  );

export const tableDefinitions: ExpectationDefinition[] = [
  define({
    type: 'expect_table_row_count_to_be_between',
    kind: 'table',
    schema: z
      .object({ ...commonKwargs, ...bounds })
      .strict()
      .superRefine((v, ctx) => checkBounds(v, ctx, { bothNullAllowed: true })),
    columns: () => [],
    create: (a) => tableAccumulator((_, rows) => between(a, rows)),
  }),
  define({
    type: 'expect_table_row_count_to_equal',
    kind: 'table',
    schema: z.object({ ...commonKwargs, value: count }).strict(),
    columns: () => [],
    create: (a) => tableAccumulator((_, rows) => ({ success: rows === a.value, result: { observed_value: rows } })),
  }),
  define({
    type: 'expect_table_column_count_to_be_between',
    kind: 'table',
    schema: z
      .object({ ...commonKwargs, ...bounds })
      .strict()
      .superRefine((v, ctx) => checkBounds(v, ctx, { bothNullAllowed: true })),
    columns: () => [],
    create: (a) => tableAccumulator((cols) => between(a, cols.length)),
  }),
  define({
    type: 'expect_table_column_count_to_equal',
    kind: 'table',
    schema: z.object({ ...commonKwargs, value: count }).strict(),
    columns: () => [],
    create: (a) => tableAccumulator((cols) => ({ success: cols.length === a.value, result: { observed_value: cols.length } })),
  }),
  define({
    type: 'expect_table_columns_to_match_ordered_list',
    kind: 'table',
    schema: z.object({ ...commonKwargs, column_list: z.array(z.string()).nullable() }).strict(),
    columns: () => [],
    create: (a) =>
      tableAccumulator((cols) => {
        const expected = a.column_list;
        if (expected === null || (expected.length === cols.length && expected.every((c, i) => c === cols[i])))
          return { success: true, result: { observed_value: [...cols] } };
        const mismatched = [];
        for (let i = 0; i < Math.max(expected.length, cols.length); i++) {
          if (expected[i] !== cols[i])
            mismatched.push({ 'Expected Column Position': i, Expected: expected[i] ?? null, Found: cols[i] ?? null });
        }
        return { success: false, result: { observed_value: [...cols], details: { mismatched } } };
      }),
  }),
  define({
    type: 'expect_table_columns_to_match_set',
    kind: 'table',
    schema: z
      .object({ ...commonKwargs, column_set: z.array(z.string()).nullable(), exact_match: z.boolean().nullable().optional() })
      .strict(),
    columns: () => [],
    create: (a) =>
      tableAccumulator((cols) => {
        // GE's code (not its docstring): exact_match left out behaves as false.
        const expected = new Set(a.column_set ?? []);
        const actual = new Set(cols);
        const unexpected = [...actual].filter((c) => !expected.has(c)).sort();
        const missing = [...expected].filter((c) => !actual.has(c)).sort();
        if (unexpected.length === 0 && missing.length === 0) return { success: true, result: { observed_value: [...cols] } };
        const mismatched: Record<string, string[]> = {};
        if (unexpected.length > 0) mismatched.unexpected = unexpected;
        if (missing.length > 0) mismatched.missing = missing;
        const success = a.exact_match ? false : missing.length === 0;
        return { success, result: { observed_value: [...cols].sort(), details: { mismatched } } };
      }),
  }),
  define({
    type: 'expect_column_to_exist',
    kind: 'table',
    schema: z.object({ ...commonKwargs, column, column_index: z.number().int().nullable().optional() }).strict(),
    columns: () => [],
    create: (a) =>
      tableAccumulator((cols) => {
        // GE treats column_index 0 like no index (a falsy check), so only the name is tested then.
        const success = a.column_index ? cols[a.column_index] === a.column : cols.includes(a.column);
        return { success, result: {} };
      }),
  }),
];
