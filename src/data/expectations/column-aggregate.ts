/**
 * Column aggregate expectations on numbers and order: min, max, mean, sum, stdev (sample, ddof=1),
 * median and quantiles. Min/max/mean/sum/stdev keep O(1) mergeable state; median and quantiles need
 * every considered value, kept in one Float64Array (8 bytes per non-null row: 8 MB per million rows).
 */
import { z } from 'zod';
import type { Table } from '../table.js';
import { betweenOutcome, eachNumber, type BetweenArgs, type Observed } from './aggregate-kernel.js';
import { anyNumber, checkBounds, column, commonKwargs, comparable, define, flag, numericBound } from './define.js';
import { requireColumn } from './map-kernel.js';
import { FloatBuffer, median, Moments, quantilesOf, type Interpolation } from './numeric-stats.js';
import { ExpectationError, type Accumulator, type ExpectationDefinition } from './types.js';
import { nullTester } from './values.js';

const betweenKwargs = {
  column,
  ...commonKwargs,
  min_value: comparable,
  max_value: comparable,
  strict_min: flag,
  strict_max: flag,
};
/** Mean, sum, stdev and median are numbers: their bounds are numbers (or dates, as GE allows). */
const numericKwargs = { ...betweenKwargs, min_value: numericBound, max_value: numericBound };

function between(
  type: string,
  bothNullAllowed: boolean,
  make: (a: BetweenArgs & { column: string }) => Accumulator,
  numeric = true,
): ExpectationDefinition {
  return define({
    type,
    kind: 'aggregate',
    schema: z
      .object(numeric ? numericKwargs : betweenKwargs)
      .strict()
      .superRefine((v, ctx) => checkBounds(v, ctx, { bothNullAllowed })),
    columns: (a) => [a.column],
    create: (a) => make(a),
  });
}

/** Min or max over numbers, booleans, timestamps or strings (pandas compares strings lexicographically). */
function extremum(a: BetweenArgs & { column: string }, wantMax: boolean): Accumulator {
  let best: Observed = { kind: 'none' };
  const better = (x: number | string, y: number | string) => (wantMax ? x > y : x < y);
  const offer = (o: Observed) => {
    if (o.kind === 'none') return;
    if (best.kind === 'none') best = o;
    else if (best.kind !== o.kind)
      throw new ExpectationError(
        `'<' not supported between ${best.kind} and ${o.kind} values of column '${a.column}'`,
        'TypeError',
      );
    else if (better(o.value as number | string, best.value as number | string)) best = o;
  };
  return {
    consume(chunk: Table, mask) {
      const col = requireColumn(chunk, a.column);
      const isNull = nullTester(col);
      const considered = (i: number) => (mask === undefined || mask[i] === 1) && !isNull(i);
      if (col.kind === 'number' || col.kind === 'timestamp' || col.kind === 'boolean') {
        let m = wantMax ? -Infinity : Infinity;
        let any = false;
        for (let i = 0; i < chunk.rowCount; i++) {
          if (!considered(i)) continue;
          const v = col.values[i] as number;
          any = true;
          if (wantMax ? v > m : v < m) m = v;
        }
        if (!any) return;
        offer(col.kind === 'boolean' ? { kind: 'boolean', value: m === 1 } : { kind: col.kind, value: m });
      } else if (col.kind === 'string') {
        const used = new Uint8Array(col.dictionary.length);
        for (let i = 0; i < chunk.rowCount; i++) if (considered(i)) used[col.codes[i] as number] = 1;
        col.dictionary.forEach((s, k) => used[k] === 1 && offer({ kind: 'string', value: s }));
      } else {
        for (let i = 0; i < chunk.rowCount; i++) {
          if (!considered(i)) continue;
          const v = col.values[i];
          if (typeof v === 'number') offer({ kind: 'number', value: v });
          else if (typeof v === 'string') offer({ kind: 'string', value: v });
          else if (typeof v === 'boolean') offer({ kind: 'number', value: Number(v) });
          else if (v instanceof Date) offer({ kind: 'timestamp', value: v.getTime() });
        }
      }
    },
    finish: () => betweenOutcome(best, a),
  };
}

function moments(a: BetweenArgs & { column: string }, pick: (m: Moments) => number): Accumulator {
  const m = new Moments();
  return {
    consume: (chunk, mask) => eachNumber(chunk, a.column, mask, (v) => m.add(v)),
    finish: () => betweenOutcome({ kind: 'number', value: pick(m) }, a),
  };
}

function buffered(name: string, mask: Uint8Array | undefined, chunk: Table, buf: FloatBuffer): void {
  eachNumber(chunk, name, mask, (v) => buf.push(v));
}

const quantileRanges = z
  .object({ quantiles: z.array(z.number().gte(0).lte(1)), value_ranges: z.array(z.array(anyNumber.nullable())) })
  .strict()
  .superRefine((q, ctx) => {
    if (q.quantiles.length !== q.value_ranges.length)
      ctx.addIssue({ code: 'custom', message: 'quantile_values and quantiles must have the same number of elements' });
    q.value_ranges.forEach((r, k) => {
      const [lo, hi] = r;
      if (r.length !== 2 || (lo !== null && lo !== undefined && hi !== null && hi !== undefined && lo > hi)) {
        ctx.addIssue({ code: 'custom', path: ['value_ranges', k], message: 'quantile_ranges must consist of ordered pairs' });
      }
    });
  });

export const columnAggregateDefinitions: ExpectationDefinition[] = [
  between('expect_column_min_to_be_between', false, (a) => extremum(a, false), false),
  between('expect_column_max_to_be_between', false, (a) => extremum(a, true), false),
  between('expect_column_mean_to_be_between', true, (a) => moments(a, (m) => m.average())),
  between('expect_column_sum_to_be_between', true, (a) => moments(a, (m) => m.total())),
  between('expect_column_stdev_to_be_between', true, (a) => moments(a, (m) => Math.sqrt(m.variance(1)))),
  between('expect_column_median_to_be_between', true, (a) => {
    const buf = new FloatBuffer();
    return {
      consume: (chunk, mask) => buffered(a.column, mask, chunk, buf),
      finish: () => betweenOutcome({ kind: 'number', value: median(buf.view()) }, a),
    };
  }),
  define({
    type: 'expect_column_quantile_values_to_be_between',
    kind: 'aggregate',
    schema: z
      .object({
        column,
        ...commonKwargs,
        quantile_ranges: quantileRanges,
        allow_relative_error: z
          .union([z.boolean(), z.enum(['linear', 'lower', 'higher', 'midpoint', 'nearest'])])
          .nullable()
          .optional(),
      })
      .strict(),
    columns: (a) => [a.column],
    create: (a) => {
      const buf = new FloatBuffer();
      const how: Interpolation = typeof a.allow_relative_error === 'string' ? a.allow_relative_error : 'nearest';
      return {
        consume: (chunk, mask) => buffered(a.column, mask, chunk, buf),
        finish() {
          const { quantiles, value_ranges } = a.quantile_ranges;
          const values = quantilesOf(buf.view(), quantiles, how);
          // GE: within the range, or within a relative 1e-4 of either end (numpy isclose).
          const close = (x: number, b: number) => Math.abs(x - b) <= 1e-8 + 1e-4 * Math.abs(b);
          const details = values.map((v, k) => {
            const lo = value_ranges[k]?.[0] ?? -Infinity;
            const hi = value_ranges[k]?.[1] ?? Infinity;
            return close(v, lo) || close(v, hi) || (lo <= v && v <= hi);
          });
          const observed = { quantiles, values: values.map((v) => (Number.isNaN(v) ? null : v)) };
          return {
            success: buf.length > 0 && details.every(Boolean),
            result: { observed_value: observed, details: { success_details: details } },
          };
        },
      };
    },
  }),
];
