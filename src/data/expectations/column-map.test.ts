import { describe, expect, it } from 'vitest';
import { run } from './test-helpers.js';

const data = { x: [1, 2, null, 4, 5], s: ['a', 'b', 'b', null, 'z'] };

describe('expect_column_values_to_not_be_null / to_be_null', () => {
  it('not_be_null counts nulls as unexpected over all rows, without missing_* fields', () => {
    const r = run('expect_column_values_to_not_be_null', { column: 'x' }, data);
    expect(r.success).toBe(false);
    expect(r.result).toEqual({
      element_count: 5,
      unexpected_count: 1,
      unexpected_percent: 20,
      partial_unexpected_list: [null],
      partial_unexpected_counts: [{ value: null, count: 1 }],
      partial_unexpected_index_list: [2],
      unexpected_list: [null],
      unexpected_index_list: [2],
    });
  });
  it('passes with mostly', () => {
    expect(run('expect_column_values_to_not_be_null', { column: 'x', mostly: 0.8 }, data).success).toBe(true);
    expect(run('expect_column_values_to_not_be_null', { column: 'x', mostly: 0.81 }, data).success).toBe(false);
  });
  it('be_null: non-null rows are unexpected', () => {
    const r = run('expect_column_values_to_be_null', { column: 's' }, data, 'BASIC');
    expect(r.success).toBe(false);
    expect(r.result).toEqual({
      element_count: 5,
      unexpected_count: 4,
      unexpected_percent: 80,
      partial_unexpected_list: ['a', 'b', 'b', 'z'],
    });
    expect(run('expect_column_values_to_be_null', { column: 'n' }, { n: [null, null] }).success).toBe(true);
  });
});

describe('expect_column_values_to_be_between', () => {
  it('leaves nulls out of the rows considered', () => {
    const r = run('expect_column_values_to_be_between', { column: 'x', min_value: 2, max_value: 4 }, data);
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({
      element_count: 5,
      unexpected_count: 2,
      unexpected_percent: 50,
      missing_count: 1,
      missing_percent: 20,
      unexpected_percent_total: 40,
      unexpected_percent_nonmissing: 50,
      unexpected_list: [1, 5],
      unexpected_index_list: [0, 4],
    });
  });
  it('supports one-sided and strict bounds', () => {
    expect(run('expect_column_values_to_be_between', { column: 'x', min_value: 1 }, data).success).toBe(true);
    expect(
      run('expect_column_values_to_be_between', { column: 'x', max_value: 5, strict_max: true }, data).result.unexpected_list,
    ).toEqual([5]);
    expect(
      run('expect_column_values_to_be_between', { column: 'x', min_value: 1, strict_min: true }, data).result.unexpected_list,
    ).toEqual([1]);
  });
  it('compares strings lexicographically and timestamps with date strings', () => {
    expect(
      run('expect_column_values_to_be_between', { column: 's', min_value: 'a', max_value: 'c' }, data).result.unexpected_list,
    ).toEqual(['z']);
    const ts = { t: [new Date('2020-01-01T00:00:00Z'), new Date('2021-06-01T00:00:00Z')] };
    const r = run('expect_column_values_to_be_between', { column: 't', max_value: '2020-12-31' }, ts);
    expect(r.result.unexpected_list).toEqual(['2021-06-01T00:00:00']);
  });
  it('raises a TypeError (exception_info) when strings meet numeric bounds', () => {
    const r = run('expect_column_values_to_be_between', { column: 's', min_value: 0, max_value: 1 }, data);
    expect(r.success).toBe(false);
    expect(r.exception_info.raised_exception).toBe(true);
    expect(r.exception_info.exception_traceback).toContain(
      'TypeError: Column values, min_value, and max_value must either be None or of the same type.',
    );
  });
});

describe('expect_column_values_to_be_in_set / not_be_in_set', () => {
  it('in_set: values outside the set are unexpected', () => {
    const r = run('expect_column_values_to_be_in_set', { column: 's', value_set: ['a', 'b'] }, data, 'SUMMARY');
    expect(r.success).toBe(false);
    expect(r.result).toEqual({
      element_count: 5,
      unexpected_count: 1,
      unexpected_percent: 25,
      partial_unexpected_list: ['z'],
      missing_count: 1,
      missing_percent: 20,
      unexpected_percent_total: 20,
      unexpected_percent_nonmissing: 25,
      partial_unexpected_counts: [{ value: 'z', count: 1 }],
      partial_unexpected_index_list: [4],
    });
    expect(run('expect_column_values_to_be_in_set', { column: 'x', value_set: [1, 2, 4, 5.0] }, data).success).toBe(true);
  });
  it('not_in_set: members are unexpected', () => {
    const r = run('expect_column_values_to_not_be_in_set', { column: 's', value_set: ['b'] }, data);
    expect(r.success).toBe(false);
    expect(r.result.unexpected_list).toEqual(['b', 'b']);
    expect(r.result.unexpected_index_list).toEqual([1, 2]);
    expect(r.result.partial_unexpected_counts).toEqual([{ value: 'b', count: 2 }]);
    expect(run('expect_column_values_to_not_be_in_set', { column: 'x', value_set: [9] }, data).success).toBe(true);
  });
});

describe('missing columns', () => {
  it('fail with exception_info; an empty table passes vacuously', () => {
    const r = run('expect_column_values_to_be_in_set', { column: 'nope', value_set: [1] }, data);
    expect(r.success).toBe(false);
    expect(r.exception_info).toEqual({
      raised_exception: true,
      exception_message: "column 'nope' does not exist",
      exception_traceback: "KeyError: column 'nope' does not exist",
    });
    expect(run('expect_column_values_to_be_in_set', { column: 'e', value_set: [1] }, { e: [] }).success).toBe(true);
  });
});
