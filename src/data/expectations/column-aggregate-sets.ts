/**
 * Column aggregate expectations about distinct values: how many, what share of the non-null rows,
 * the most common one, and the distinct set against a given set. All use exact per-value counts.
 */
import { z } from 'zod';
import { betweenOutcome } from './aggregate-kernel.js';
import { checkBounds, column, commonKwargs, define, flag, numericBound } from './define.js';
import type { ExpectationDefinition } from './types.js';
import { ValueCounts } from './value-counts.js';

const betweenKwargs = {
  column,
  ...commonKwargs,
  min_value: numericBound,
  max_value: numericBound,
  strict_min: flag,
  strict_max: flag,
};
const boundsSchema = z
  .object(betweenKwargs)
  .strict()
  .superRefine((v, ctx) => checkBounds(v, ctx, { bothNullAllowed: true }));

type SetRelation = 'in' | 'contain' | 'equal';

function distinctSet(type: string, relation: SetRelation): ExpectationDefinition {
  const valueSet =
    relation === 'in' ? z.array(z.unknown()).nullable().optional() : z.array(z.unknown(), { error: 'must be a list of values' });
  return define({
    type,
    kind: 'aggregate',
    schema: z.object({ column, ...commonKwargs, value_set: valueSet }).strict(),
    columns: (a) => [a.column],
    create: (a) => {
      const counts = new ValueCounts();
      return {
        consume: (chunk, mask) => counts.add(chunk, a.column, mask),
        finish() {
          const expected = new Set((a.value_set ?? []).map((m) => counts.keyOf(m)));
          const observed = counts.keys();
          const subset = observed.every((k) => expected.has(k));
          const superset = [...expected].every((k) => counts.hasKey(k));
          const success =
            relation === 'in' ? expected.size === 0 || subset : relation === 'contain' ? superset : subset && superset;
          const valueCounts = counts.sortedCounts();
          return { success, result: { observed_value: valueCounts.map((v) => v.value), details: { value_counts: valueCounts } } };
        },
      };
    },
  });
}

export const columnAggregateSetDefinitions: ExpectationDefinition[] = [
  define({
    type: 'expect_column_unique_value_count_to_be_between',
    kind: 'aggregate',
    schema: boundsSchema,
    columns: (a) => [a.column],
    create: (a) => {
      const counts = new ValueCounts();
      return {
        consume: (chunk, mask) => counts.add(chunk, a.column, mask),
        finish: () => betweenOutcome({ kind: 'number', value: counts.distinct }, a),
      };
    },
  }),
  define({
    type: 'expect_column_proportion_of_unique_values_to_be_between',
    kind: 'aggregate',
    schema: boundsSchema,
    columns: (a) => [a.column],
    create: (a) => {
      const counts = new ValueCounts();
      return {
        consume: (chunk, mask) => counts.add(chunk, a.column, mask),
        finish: () => betweenOutcome({ kind: 'number', value: counts.nonnull > 0 ? counts.distinct / counts.nonnull : 0 }, a),
      };
    },
  }),
  define({
    type: 'expect_column_most_common_value_to_be_in_set',
    kind: 'aggregate',
    schema: z
      .object({
        column,
        ...commonKwargs,
        value_set: z.array(z.unknown(), { error: 'must be a list of values' }),
        ties_okay: z.boolean().nullable().optional(),
      })
      .strict(),
    columns: (a) => [a.column],
    create: (a) => {
      const counts = new ValueCounts();
      return {
        consume: (chunk, mask) => counts.add(chunk, a.column, mask),
        finish() {
          const modes = counts.modes();
          const expected = new Set(a.value_set.map((m) => counts.keyOf(m)));
          const hits = modes.filter((m) => expected.has(counts.keyOf(m))).length;
          const success = a.ties_okay ? hits > 0 : modes.length === 1 && hits === 1;
          return { success, result: { observed_value: modes } };
        },
      };
    },
  }),
  distinctSet('expect_column_distinct_values_to_be_in_set', 'in'),
  distinctSet('expect_column_distinct_values_to_contain_set', 'contain'),
  distinctSet('expect_column_distinct_values_to_equal_set', 'equal'),
];
