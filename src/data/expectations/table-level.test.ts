import { describe, expect, it } from 'vitest';
import { run } from './test-helpers.js';

const d = { a: [1, 2, 3], b: ['x', 'y', 'z'], c: [null, null, null] };

describe('table row and column counts', () => {
  it('row_count_to_be_between / to_equal', () => {
    expect(run('expect_table_row_count_to_be_between', { min_value: 1, max_value: 3 }, d)).toMatchObject({
      success: true,
      result: { observed_value: 3 },
    });
    expect(run('expect_table_row_count_to_be_between', { max_value: 2 }, d).success).toBe(false);
    expect(run('expect_table_row_count_to_be_between', {}, d).success).toBe(true);
    expect(run('expect_table_row_count_to_equal', { value: 3 }, d)).toMatchObject({
      success: true,
      result: { observed_value: 3 },
    });
    expect(run('expect_table_row_count_to_equal', { value: 4 }, d).success).toBe(false);
  });
  it('row counts respect row_condition', () => {
    expect(
      run('expect_table_row_count_to_equal', { value: 2, row_condition: 'a >= 2', condition_parser: 'pandas' }, d).success,
    ).toBe(true);
  });
  it('column_count_to_equal / to_be_between', () => {
    expect(run('expect_table_column_count_to_equal', { value: 3 }, d)).toMatchObject({
      success: true,
      result: { observed_value: 3 },
    });
    expect(run('expect_table_column_count_to_equal', { value: 2 }, d).success).toBe(false);
    expect(run('expect_table_column_count_to_be_between', { min_value: 4 }, d).success).toBe(false);
  });
});

describe('table columns', () => {
  it('columns_to_match_ordered_list', () => {
    expect(run('expect_table_columns_to_match_ordered_list', { column_list: ['a', 'b', 'c'] }, d)).toMatchObject({
      success: true,
      result: { observed_value: ['a', 'b', 'c'] },
    });
    const r = run('expect_table_columns_to_match_ordered_list', { column_list: ['a', 'c', 'b'] }, d);
    expect(r.success).toBe(false);
    expect(r.result.details).toEqual({
      mismatched: [
        { 'Expected Column Position': 1, Expected: 'c', Found: 'b' },
        { 'Expected Column Position': 2, Expected: 'b', Found: 'c' },
      ],
    });
  });
  it('columns_to_match_set', () => {
    expect(run('expect_table_columns_to_match_set', { column_set: ['c', 'b', 'a'], exact_match: true }, d).success).toBe(true);
    const r = run('expect_table_columns_to_match_set', { column_set: ['a', 'b', 'd'], exact_match: true }, d);
    expect(r).toMatchObject({
      success: false,
      result: { observed_value: ['a', 'b', 'c'], details: { mismatched: { unexpected: ['c'], missing: ['d'] } } },
    });
    expect(run('expect_table_columns_to_match_set', { column_set: ['a', 'b'], exact_match: false }, d).success).toBe(true);
  });
  it('column_to_exist (with column_index)', () => {
    expect(run('expect_column_to_exist', { column: 'b' }, d)).toMatchObject({ success: true, result: {} });
    expect(run('expect_column_to_exist', { column: 'b', column_index: 1 }, d).success).toBe(true);
    expect(run('expect_column_to_exist', { column: 'b', column_index: 2 }, d).success).toBe(false);
    expect(run('expect_column_to_exist', { column: 'q' }, d)).toMatchObject({
      success: false,
      exception_info: { raised_exception: false },
    });
  });
});
