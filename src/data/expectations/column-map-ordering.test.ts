import { describe, expect, it } from 'vitest';
import { run, table } from './test-helpers.js';

describe('expect_column_values_to_be_increasing / decreasing', () => {
  it('compares each value with the previous non-null one', () => {
    const d = { x: [1, 2, 2, null, 1, 5] };
    expect(run('expect_column_values_to_be_increasing', { column: 'x' }, d).result).toMatchObject({
      unexpected_list: [1],
      unexpected_index_list: [4],
      missing_count: 1,
    });
    expect(run('expect_column_values_to_be_increasing', { column: 'x', strictly: true }, d).result.unexpected_list).toEqual([
      2, 1,
    ]);
    expect(run('expect_column_values_to_be_increasing', { column: 'x' }, { x: [1, 1, 3] }).success).toBe(true);
  });
  it('decreasing, and timestamps', () => {
    expect(run('expect_column_values_to_be_decreasing', { column: 'x' }, { x: [5, 4, 4, 6] }).result.unexpected_list).toEqual([
      6,
    ]);
    expect(run('expect_column_values_to_be_decreasing', { column: 'x', strictly: true }, { x: [3, 2, 1] }).success).toBe(true);
    const ts = { t: [new Date(2000), new Date(1000)] };
    expect(run('expect_column_values_to_be_increasing', { column: 't' }, ts).result.unexpected_list).toEqual([
      '1970-01-01T00:00:01',
    ]);
  });
  it('raises on strings, as pandas diff does', () => {
    expect(run('expect_column_values_to_be_increasing', { column: 's' }, { s: ['a', 'b'] }).exception_info.raised_exception).toBe(
      true,
    );
  });
});

describe('expect_column_values_to_be_unique', () => {
  it('marks every occurrence of a repeated value, the first included', () => {
    const r = run('expect_column_values_to_be_unique', { column: 'x' }, { x: [3, 1, 3, null, 2, 1, 3] });
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({
      element_count: 7,
      missing_count: 1,
      unexpected_count: 5,
      unexpected_list: [3, 1, 3, 1, 3],
      unexpected_index_list: [0, 1, 2, 5, 6],
      partial_unexpected_counts: [
        { value: 3, count: 3 },
        { value: 1, count: 2 },
      ],
    });
    expect(run('expect_column_values_to_be_unique', { column: 'x', mostly: 0.16 }, { x: [3, 1, 3, null, 2, 1, 3] }).success).toBe(
      true,
    );
  });
  it('strings, and distinct values pass', () => {
    expect(
      run('expect_column_values_to_be_unique', { column: 's' }, { s: ['a', 'b', 'a'] }).result.unexpected_index_list,
    ).toEqual([0, 2]);
    expect(run('expect_column_values_to_be_unique', { column: 's' }, { s: ['a', 'b', null, null] }).success).toBe(true);
  });
  it('Python equality in object columns: 1 and 1.0 and True are one value', () => {
    const t = table({ m: [1, true, 'x'] }, { m: 'mixed' });
    expect(run('expect_column_values_to_be_unique', { column: 'm' }, t).result.unexpected_list).toEqual([1, true]);
  });
});

describe('expect_column_value_z_scores_to_be_less_than', () => {
  const d = { x: [1, 2, 3, 4, 100, null] };
  it('uses the sample stdev (ddof=1) and |z| < threshold when double_sided', () => {
    const r = run('expect_column_value_z_scores_to_be_less_than', { column: 'x', threshold: 1.5, double_sided: true }, d);
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({
      element_count: 6,
      missing_count: 1,
      unexpected_count: 1,
      unexpected_list: [100],
      unexpected_index_list: [4],
    });
    expect(
      run('expect_column_value_z_scores_to_be_less_than', { column: 'x', threshold: 2, double_sided: true }, d).success,
    ).toBe(true);
  });
  it('one-sided: only large positive z-scores are unexpected', () => {
    const r = run('expect_column_value_z_scores_to_be_less_than', { column: 'x', threshold: -0.3, double_sided: false }, d);
    expect(r.result.unexpected_list).toEqual([100]);
  });
});
