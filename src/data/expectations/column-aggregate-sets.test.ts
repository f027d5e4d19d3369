import { describe, expect, it } from 'vitest';
import { run } from './test-helpers.js';

const d = { s: ['b', 'a', 'b', null, 'c', 'b'], x: [1, 2, 2, 3, null, 3] };

describe('distinct value counts', () => {
  it('unique_value_count_to_be_between', () => {
    expect(run('expect_column_unique_value_count_to_be_between', { column: 's', min_value: 3, max_value: 3 }, d)).toMatchObject({
      success: true,
      result: { observed_value: 3 },
    });
    expect(run('expect_column_unique_value_count_to_be_between', { column: 's', max_value: 2 }, d).success).toBe(false);
  });
  it('proportion_of_unique_values_to_be_between (distinct / non-null rows)', () => {
    expect(
      run('expect_column_proportion_of_unique_values_to_be_between', { column: 's', min_value: 0.6, max_value: 0.6 }, d),
    ).toMatchObject({ success: true, result: { observed_value: 0.6 } });
    expect(run('expect_column_proportion_of_unique_values_to_be_between', { column: 's', min_value: 0.7 }, d).success).toBe(
      false,
    );
    expect(
      run('expect_column_proportion_of_unique_values_to_be_between', { column: 'n', max_value: 0 }, { n: [null] }).result
        .observed_value,
    ).toBe(0);
  });
  it('most_common_value_to_be_in_set (ties need ties_okay)', () => {
    expect(run('expect_column_most_common_value_to_be_in_set', { column: 's', value_set: ['b'] }, d)).toMatchObject({
      success: true,
      result: { observed_value: ['b'] },
    });
    expect(run('expect_column_most_common_value_to_be_in_set', { column: 's', value_set: ['a'] }, d).success).toBe(false);
    expect(run('expect_column_most_common_value_to_be_in_set', { column: 'x', value_set: [2] }, d)).toMatchObject({
      success: false,
      result: { observed_value: [2, 3] },
    });
    expect(run('expect_column_most_common_value_to_be_in_set', { column: 'x', value_set: [2], ties_okay: true }, d).success).toBe(
      true,
    );
  });
});

describe('distinct values against a set', () => {
  const counts = [
    { value: 'a', count: 1 },
    { value: 'b', count: 3 },
    { value: 'c', count: 1 },
  ];
  it('to_be_in_set', () => {
    expect(run('expect_column_distinct_values_to_be_in_set', { column: 's', value_set: ['a', 'b', 'c', 'd'] }, d)).toMatchObject({
      success: true,
      result: { observed_value: ['a', 'b', 'c'], details: { value_counts: counts } },
    });
    expect(run('expect_column_distinct_values_to_be_in_set', { column: 's', value_set: ['a', 'b'] }, d).success).toBe(false);
    expect(run('expect_column_distinct_values_to_be_in_set', { column: 's', value_set: null }, d).success).toBe(true);
  });
  it('to_contain_set', () => {
    expect(run('expect_column_distinct_values_to_contain_set', { column: 's', value_set: ['a', 'c'] }, d).success).toBe(true);
    expect(run('expect_column_distinct_values_to_contain_set', { column: 's', value_set: ['a', 'z'] }, d)).toMatchObject({
      success: false,
      result: { observed_value: ['a', 'b', 'c'] },
    });
  });
  it('to_equal_set', () => {
    expect(run('expect_column_distinct_values_to_equal_set', { column: 'x', value_set: [1, 2, 3] }, d).success).toBe(true);
    expect(run('expect_column_distinct_values_to_equal_set', { column: 'x', value_set: [1, 2] }, d).success).toBe(false);
    expect(run('expect_column_distinct_values_to_equal_set', { column: 'x', value_set: [1, 2, 3, 4] }, d).success).toBe(false);
  });
});
