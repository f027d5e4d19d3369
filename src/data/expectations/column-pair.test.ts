import { describe, expect, it } from 'vitest';
import { run } from './test-helpers.js';

const d = { a: [2, 3, 1, null, 5, null], b: [1, 3, 2, 4, null, null] };

describe('expect_column_pair_values_a_to_be_greater_than_b', () => {
  it('a row with one missing value counts as unexpected unless ignore_row_if says otherwise', () => {
    const r = run('expect_column_pair_values_a_to_be_greater_than_b', { column_A: 'a', column_B: 'b' }, d);
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({
      element_count: 6,
      missing_count: 1,
      unexpected_count: 4,
      unexpected_list: [
        [3, 3],
        [1, 2],
        [null, 4],
        [5, null],
      ],
      unexpected_index_list: [1, 2, 3, 4],
    });
    const either = run(
      'expect_column_pair_values_a_to_be_greater_than_b',
      { column_A: 'a', column_B: 'b', ignore_row_if: 'either_value_is_missing', or_equal: true },
      d,
    );
    expect(either.result).toMatchObject({ missing_count: 3, unexpected_count: 1, unexpected_list: [[1, 2]] });
  });
  it('passes when every considered row holds', () => {
    expect(
      run(
        'expect_column_pair_values_a_to_be_greater_than_b',
        { column_A: 'b', column_B: 'a', mostly: 0.1 },
        { a: [1, 2], b: [2, 1] },
      ).success,
    ).toBe(true);
    expect(
      run('expect_column_pair_values_a_to_be_greater_than_b', { column_A: 'b', column_B: 'a' }, { a: [1, 2], b: [2, 3] }).success,
    ).toBe(true);
  });
});

describe('expect_column_pair_values_to_be_equal', () => {
  it('Python equality per row', () => {
    const r = run(
      'expect_column_pair_values_to_be_equal',
      { column_A: 'a', column_B: 'b', ignore_row_if: 'either_value_is_missing' },
      d,
    );
    expect(r.result).toMatchObject({
      unexpected_list: [
        [2, 1],
        [1, 2],
      ],
      unexpected_index_list: [0, 2],
    });
    expect(
      run('expect_column_pair_values_to_be_equal', { column_A: 'a', column_B: 'b' }, { a: ['x', 'y'], b: ['x', 'y'] }).success,
    ).toBe(true);
  });
});

describe('expect_compound_columns_to_be_unique', () => {
  const t = { a: [1, 1, 2, 1, null], b: ['x', 'y', 'x', 'x', null] };
  it('repeated combinations are unexpected, reported as records', () => {
    const r = run('expect_compound_columns_to_be_unique', { column_list: ['a', 'b'] }, t);
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({
      element_count: 5,
      missing_count: 1,
      unexpected_count: 2,
      unexpected_list: [
        { a: 1, b: 'x' },
        { a: 1, b: 'x' },
      ],
      unexpected_index_list: [0, 3],
      partial_unexpected_counts: [{ value: [1, 'x'], count: 2 }],
    });
  });
  it('unique combinations pass; index columns identify rows', () => {
    expect(run('expect_compound_columns_to_be_unique', { column_list: ['a', 'b'] }, { a: [1, 1], b: ['x', 'y'] }).success).toBe(
      true,
    );
    const r = run(
      'expect_compound_columns_to_be_unique',
      { column_list: ['a'] },
      { id: [10, 11, 12], a: [5, 6, 5] },
      { result_format: 'COMPLETE', unexpected_index_column_names: ['id'] },
    );
    expect(r.result.unexpected_index_list).toEqual([
      { id: 10, a: 5 },
      { id: 12, a: 5 },
    ]);
  });
});
