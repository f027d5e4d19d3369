/**
 * Row-level expectations on one column, basic family: nulls, ranges and value sets. Each compiles a
 * per-chunk row test (typed-array compare, or a flag per distinct string) for the shared map kernel.
 */
import { z } from 'zod';
import { outsideRange, memberTest } from './compare.js';
import { checkBounds, column, commonKwargs, comparable, define, flag, mostly } from './define.js';
import { columnMap, mapAccumulator, requireColumn } from './map-kernel.js';
import type { ExpectationDefinition } from './types.js';
import { nullTester, valueReader } from './values.js';

const columnArgs = { column, mostly, ...commonKwargs };

/** The null expectations judge every row, nulls included, and report no missing_* fields (as GE). */
function nullExpectation(type: string, nullIsUnexpected: boolean): ExpectationDefinition {
  return define({
    type,
    kind: 'map',
    schema: z.object(columnArgs).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) =>
      mapAccumulator(
        {
          columns: [a.column],
          mostly: a.mostly,
          reportsMissing: false,
          prepare(chunk) {
            const col = requireColumn(chunk, a.column);
            const isNull = nullTester(col);
            return {
              ignored: undefined,
              compile: () => (nullIsUnexpected ? isNull : (i) => !isNull(i)),
              value: valueReader(col),
            };
          },
        },
        ctx.resultFormat,
      ),
  });
}

const valueSet = z.array(z.unknown(), { error: 'must be a list of values' });

export const columnMapDefinitions: ExpectationDefinition[] = [
  nullExpectation('expect_column_values_to_not_be_null', true),
  nullExpectation('expect_column_values_to_be_null', false),
  define({
    type: 'expect_column_values_to_be_between',
    kind: 'map',
    schema: z
      .object({ ...columnArgs, min_value: comparable, max_value: comparable, strict_min: flag, strict_max: flag })
      .strict()
      .superRefine((v, ctx) => checkBounds(v, ctx, { bothNullAllowed: false })),
    columns: (a) => [a.column],
    create: (a, ctx) =>
      columnMap(a.column, a.mostly, ctx.resultFormat, (col) =>
        outsideRange(col, { min: a.min_value, max: a.max_value, strictMin: a.strict_min, strictMax: a.strict_max }),
      ),
  }),
  define({
    type: 'expect_column_values_to_be_in_set',
    kind: 'map',
    schema: z.object({ ...columnArgs, value_set: valueSet }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) =>
      columnMap(a.column, a.mostly, ctx.resultFormat, (col) => {
        const member = memberTest(col, a.value_set);
        return (i) => !member(i);
      }),
  }),
  define({
    type: 'expect_column_values_to_not_be_in_set',
    kind: 'map',
    schema: z.object({ ...columnArgs, value_set: valueSet }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) => columnMap(a.column, a.mostly, ctx.resultFormat, (col) => memberTest(col, a.value_set)),
  }),
];
