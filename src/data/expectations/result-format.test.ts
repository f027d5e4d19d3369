import { describe, expect, it } from 'vitest';
import { buildSuite } from './compile.js';
import { partialCounts } from './result-format.js';
import { run, table } from './test-helpers.js';
import { validateTable } from './validate.js';

const x = Array.from({ length: 30 }, (_, i) => (i < 25 ? i % 4 : null));
const kwargs = { column: 'x', value_set: [9] };
const type = 'expect_column_values_to_be_in_set';

describe('result_format levels', () => {
  it('BOOLEAN_ONLY: success and an empty result', () => {
    expect(run(type, kwargs, { x }, 'BOOLEAN_ONLY')).toMatchObject({ success: false, result: {} });
    expect(run('expect_column_max_to_be_between', { column: 'x', max_value: 1 }, { x }, 'BOOLEAN_ONLY').result).toEqual({});
  });
  it('BASIC: counts, percents and at most 20 partial unexpected values', () => {
    const r = run(type, kwargs, { x }, 'BASIC');
    expect(Object.keys(r.result).sort()).toEqual([
      'element_count',
      'missing_count',
      'missing_percent',
      'partial_unexpected_list',
      'unexpected_count',
      'unexpected_percent',
      'unexpected_percent_nonmissing',
      'unexpected_percent_total',
    ]);
    expect(r.result).toMatchObject({
      element_count: 30,
      unexpected_count: 25,
      unexpected_percent: 100,
      missing_count: 5,
      unexpected_percent_total: (25 / 30) * 100,
    });
    expect(r.result.partial_unexpected_list).toEqual(x.slice(0, 20));
  });
  it('SUMMARY: adds partial counts (of the first 20) and their row numbers', () => {
    const r = run(type, kwargs, { x }, 'SUMMARY');
    expect(r.result.partial_unexpected_index_list).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(r.result.partial_unexpected_counts).toEqual([
      { value: 0, count: 5 },
      { value: 1, count: 5 },
      { value: 2, count: 5 },
      { value: 3, count: 5 },
    ]);
    expect(r.result.unexpected_list).toBeUndefined();
  });
  it('COMPLETE: all unexpected values and rows; counts over all of them', () => {
    const r = run(type, kwargs, { x }, 'COMPLETE');
    expect(r.result.unexpected_list).toEqual(x.slice(0, 25));
    expect(r.result.unexpected_index_list).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(r.result.partial_unexpected_counts).toEqual([
      { value: 0, count: 7 },
      { value: 1, count: 6 },
      { value: 2, count: 6 },
      { value: 3, count: 6 },
    ]);
  });
  it('a dict format sets the partial count, hides values, or names index columns', () => {
    const r = run(
      type,
      kwargs,
      { x },
      { result_format: 'SUMMARY', partial_unexpected_count: 2, exclude_unexpected_values: true },
    );
    expect(r.result.partial_unexpected_list).toBeUndefined();
    expect(r.result.partial_unexpected_index_list).toEqual([0, 1]);
    const ids = run(
      type,
      kwargs,
      { id: ['a', 'b'], x: [1, 9] },
      { result_format: 'COMPLETE', unexpected_index_column_names: ['id'] },
    );
    expect(ids.result.unexpected_index_list).toEqual([{ id: 'a', x: 1 }]);
    expect(ids.result.unexpected_index_column_names).toEqual(['id']);
  });
  it('a result_format kwarg overrides the suite-wide one', () => {
    const suite = buildSuite([
      { expectation_type: type, kwargs: { ...kwargs, result_format: 'BOOLEAN_ONLY' } },
      { expectation_type: type, kwargs },
    ]);
    const [a, b] = validateTable(suite, table({ x }), { resultFormat: 'BASIC' }).results;
    expect(a?.result).toEqual({});
    expect(b?.result.partial_unexpected_list).toHaveLength(20);
  });
  it('partial counts sort by count, then value; records count as tuples', () => {
    expect(partialCounts(['b', 'a', 'b', 'c', 'a', 'b'], 2)).toEqual([
      { value: 'b', count: 3 },
      { value: 'a', count: 2 },
    ]);
    expect(
      partialCounts(
        [
          { p: 1, q: 2 },
          { p: 1, q: 2 },
        ],
        20,
      ),
    ).toEqual([{ value: [1, 2], count: 2 }]);
    expect(
      partialCounts(
        [
          [2, 1],
          [-1, 3],
          [10, 0],
        ],
        20,
      )?.map((c) => c.value),
    ).toEqual([
      [-1, 3],
      [2, 1],
      [10, 0],
    ]);
  });
  it('are left out where Python could not sort them (a string and a number tied), as GE does', () => {
    expect(partialCounts(['a', 1, 'a', 1], 20)).toBeUndefined();
    expect(partialCounts(['a', 1, 'a'], 20)).toEqual([
      { value: 'a', count: 2 },
      { value: 1, count: 1 },
    ]);
    expect(
      run(type, { column: 'm', value_set: [] }, table({ m: ['a', 1] }, { m: 'mixed' }), 'SUMMARY').result
        .partial_unexpected_counts,
    ).toBeUndefined();
  });
});

describe('the suite result', () => {
  it("has GE's statistics and results in suite order", () => {
    const suite = buildSuite(
      [
        { expectation_type: 'expect_column_to_exist', kwargs: { column: 'x' }, meta: { note: 'n' } },
        { expectation_type: type, kwargs },
      ],
      'orders',
    );
    const r = validateTable(suite, table({ x }));
    expect(r.success).toBe(false);
    expect(r.suite_name).toBe('orders');
    expect(r.statistics).toEqual({
      evaluated_expectations: 2,
      successful_expectations: 1,
      unsuccessful_expectations: 1,
      success_percent: 50,
    });
    expect(r.results[0]?.expectation_config).toEqual({
      expectation_type: 'expect_column_to_exist',
      kwargs: { column: 'x' },
      meta: { note: 'n' },
    });
    expect(r.results[0]?.exception_info).toEqual({ raised_exception: false, exception_message: null, exception_traceback: null });
    expect(validateTable(buildSuite([]), table({ x })).statistics.success_percent).toBeNull();
  });
});
