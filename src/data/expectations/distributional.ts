/**
 * Distributional expectations: KL divergence against a GE partition object (categorical: values and
 * weights; continuous: bin edges, weights and optional tail weights) and the chi-square goodness-of-fit
 * p-value against a categorical partition. Both stream: per-value counts, or one count per bin plus the
 * rows below and above the partition. Only a KL check without a partition (GE then bins the column
 * itself) keeps the column's values, 8 bytes per row.
 */
import { z } from 'zod';
import { eachNumber } from './aggregate-kernel.js';
import { column, commonKwargs, comparable, define } from './define.js';
import { FloatBuffer } from './numeric-stats.js';
import { autoBins, chiSquareSf, Histogram, isCategorical, isContinuous, type CategoricalPartition } from './partition.js';
import { alignCategories, klCategorical, klContinuous } from './kl-divergence.js';
import type { Accumulator, ExpectationDefinition } from './types.js';
import { ValueCounts } from './value-counts.js';

const holdout = z
  .number()
  .gte(0, 'must be greater than or equal to 0')
  .lte(1, 'must be less than or equal to 1')
  .nullable()
  .optional()
  .transform((v) => v ?? 0);

const klSchema = z
  .object({
    column,
    ...commonKwargs,
    partition_object: z.record(z.string(), z.unknown()).nullable().optional(),
    threshold: z.number().nullable().optional(),
    internal_weight_holdout: holdout,
    tail_weight_holdout: holdout,
    bucketize_data: z.boolean().nullable().optional(),
    min_value: comparable,
    max_value: comparable,
  })
  .strict()
  .superRefine((a, ctx) => {
    const p = a.partition_object ?? null;
    const fail = (message: string, path = 'partition_object') =>
      ctx.addIssue({ code: 'custom', path: [path], message: `ValueError: ${message}` });
    if (a.threshold !== null && a.threshold !== undefined && a.threshold < 0)
      fail('Threshold must be specified, greater than or equal to zero.', 'threshold');
    if (p === null) return;
    const categorical = isCategorical(p);
    if (!categorical && !isContinuous(p))
      return fail('Invalid partition object: weights must sum to 1 and match the values or bins');
    if (a.tail_weight_holdout !== 0 && 'tail_weights' in p)
      fail('tail_weight_holdout must be 0 when using tail_weights in partition object', 'tail_weight_holdout');
    if (categorical) {
      if (a.internal_weight_holdout > 0)
        fail('Internal weight holdout cannot be used for discrete data.', 'internal_weight_holdout');
      return;
    }
    if (a.bucketize_data === false)
      fail('KL Divergence cannot be computed with a continuous partition object and the bucketize_data parameter set to false.');
    const bins = p.bins as number[];
    const infinite = bins[0] === -Infinity || bins[bins.length - 1] === Infinity;
    if (bins[0] === -Infinity && bins[bins.length - 1] === Infinity && a.tail_weight_holdout > 0)
      fail('tail_weight_holdout cannot be used for partitions with infinite endpoints.', 'tail_weight_holdout');
    if (infinite && 'tail_weights' in p)
      fail('There can be no tail weights for partitions with one or both endpoints at infinity');
  });

function klAccumulator(a: z.output<typeof klSchema>): Accumulator {
  const p = a.partition_object ?? null;
  const bucketize = a.bucketize_data ?? true;
  const counts = new ValueCounts();
  const values = new FloatBuffer();
  const hist = p !== null && isContinuous(p) ? new Histogram(p.bins) : undefined;
  const categorical = p !== null ? isCategorical(p) : !bucketize;
  return {
    consume(chunk, mask) {
      if (categorical) counts.add(chunk, a.column, mask);
      else if (hist) eachNumber(chunk, a.column, mask, (v) => hist.add(v));
      else eachNumber(chunk, a.column, mask, (v) => values.push(v));
    },
    finish() {
      const opts = { threshold: a.threshold ?? null, tail: a.tail_weight_holdout, internal: a.internal_weight_holdout };
      if (categorical) {
        const partition: CategoricalPartition =
          p !== null && isCategorical(p)
            ? p
            : {
                values: counts.sortedCounts().map((c) => c.value),
                weights: counts.sortedCounts().map((c) => c.count / counts.nonnull),
              };
        return klCategorical(partition, counts, opts);
      }
      if (hist) return klContinuous(p as never, hist, opts);
      // No partition given: GE bins the column itself ("auto") and compares it with that histogram.
      const sorted = values.sorted();
      const auto = new Histogram(autoBins(sorted));
      for (const v of sorted) auto.add(v);
      const weights = [...auto.counts].map((c) => c / auto.nonnull);
      const tail = (1 - weights.reduce((s, w) => s + w, 0)) / 2;
      return klContinuous({ bins: [...auto.bins], weights, tail_weights: [tail, tail] }, auto, opts);
    },
  };
}

export const distributionalDefinitions: ExpectationDefinition[] = [
  define({
    type: 'expect_column_kl_divergence_to_be_less_than',
    kind: 'aggregate',
    schema: klSchema,
    columns: (a) => [a.column],
    create: (a) => klAccumulator(a),
  }),
  define({
    type: 'expect_column_chisquare_test_p_value_to_be_greater_than',
    kind: 'aggregate',
    schema: z
      .object({
        column,
        ...commonKwargs,
        partition_object: z.record(z.string(), z.unknown()),
        p: z.number().gte(0).lte(1).nullable().optional(),
        tail_weight_holdout: holdout,
      })
      .strict()
      .superRefine((a, ctx) => {
        if (!isCategorical(a.partition_object))
          ctx.addIssue({
            code: 'custom',
            path: ['partition_object'],
            message: 'ValueError: Invalid partition object: a categorical partition (values, weights summing to 1) is required.',
          });
      }),
    columns: (a) => [a.column],
    create: (a) => {
      const counts = new ValueCounts();
      const partition = a.partition_object as unknown as CategoricalPartition;
      return {
        consume: (chunk, mask) => counts.add(chunk, a.column, mask),
        finish() {
          // GE 0.18's pandas semantics: expected counts = weights × non-null rows; unlisted observed
          // values share tail_weight_holdout; scipy's chisquare with k − 1 degrees of freedom.
          const n = counts.nonnull;
          const rows = alignCategories(partition, counts);
          const naExpected = rows.filter((r) => r.weight === null).length;
          const expected = rows.map((r) =>
            r.weight === null
              ? (n * a.tail_weight_holdout) / naExpected
              : r.weight * n * (naExpected > 0 ? 1 - a.tail_weight_holdout : 1),
          );
          const observed = rows.map((r) => r.count);
          const stat = observed.reduce((s, o, i) => s + (o - (expected[i] as number)) ** 2 / (expected[i] as number), 0);
          const pValue = chiSquareSf(stat, rows.length - 1);
          const sumE = expected.reduce((s, e) => s + e, 0);
          const sumO = observed.reduce((s, o) => s + o, 0);
          const values = rows.map((r) => r.value);
          return {
            success: pValue > (a.p ?? 0.05),
            result: {
              observed_value: pValue,
              details: {
                observed_partition: { values, weights: observed.map((o) => o / sumO) },
                expected_partition: { values, weights: expected.map((e) => e / sumE) },
              },
            },
          };
        },
      };
    },
  }),
];
