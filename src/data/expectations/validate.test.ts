import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../errors.js';
import { buildSuite } from './compile.js';
import { chunks, table } from './test-helpers.js';
import { createValidator, validateChunks, validateTable } from './validate.js';

const t = table({ a: [1, 2, 3], s: ['x', 'y', 'z'] });

describe('validateTable / validateChunks', () => {
  it('a missing column fails that expectation alone (GE behaviour)', () => {
    const suite = buildSuite([
      { expectation_type: 'expect_column_values_to_not_be_null', kwargs: { column: 'gone' } },
      { expectation_type: 'expect_column_values_to_not_be_null', kwargs: { column: 'a' } },
    ]);
    const r = validateTable(suite, t);
    expect(r.results.map((x) => [x.success, x.exception_info.raised_exception])).toEqual([
      [false, true],
      [true, false],
    ]);
    expect(r.results[0]?.exception_info.exception_message).toBe("column 'gone' does not exist");
    expect(r.statistics.unsuccessful_expectations).toBe(1);
  });
  it('catch_exceptions: false (kwarg or option) makes a raising expectation abort', () => {
    const raising = { expectation_type: 'expect_column_mean_to_be_between', kwargs: { column: 's', min_value: 0 } };
    expect(() => validateTable(buildSuite([raising]), t, { catchExceptions: false })).toThrow(SlipwayError);
    expect(() => validateTable(buildSuite([{ ...raising, kwargs: { ...raising.kwargs, catch_exceptions: false } }]), t)).toThrow(
      /not numeric/,
    );
    expect(validateTable(buildSuite([raising]), t).results[0]?.exception_info.raised_exception).toBe(true);
  });
  it('validateChunks takes an async iterable of chunks', async () => {
    async function* stream() {
      for (const c of chunks(t, 2)) yield c;
    }
    const suite = buildSuite([{ expectation_type: 'expect_column_values_to_be_between', kwargs: { column: 'a', max_value: 1 } }]);
    const r = await validateChunks(suite, stream(), { resultFormat: 'COMPLETE' });
    expect(r.results[0]?.result.unexpected_index_list).toEqual([1, 2]);
    expect(r).toEqual(validateTable(suite, t, { resultFormat: 'COMPLETE' }));
  });
  it('no chunks at all: column expectations fail as missing, table ones see an empty table', () => {
    const v = createValidator(
      buildSuite([
        { expectation_type: 'expect_column_values_to_not_be_null', kwargs: { column: 'a' } },
        { expectation_type: 'expect_table_row_count_to_equal', kwargs: { value: 0 } },
      ]),
    );
    expect(v.finish().results.map((x) => x.success)).toEqual([false, true]);
  });
});
