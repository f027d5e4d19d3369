import { describe, expect, it } from 'vitest';
import { run, table } from './test-helpers.js';

const d = { x: [1, 3, 2, null, 10], s: ['b', 'a', 'c', null, 'a'] };

describe('min / max', () => {
  it('observed values and bounds', () => {
    expect(run('expect_column_min_to_be_between', { column: 'x', min_value: 1, max_value: 2 }, d)).toMatchObject({
      success: true,
      result: { observed_value: 1 },
    });
    expect(run('expect_column_min_to_be_between', { column: 'x', min_value: 1, strict_min: true }, d).success).toBe(false);
    expect(run('expect_column_max_to_be_between', { column: 'x', max_value: 9 }, d)).toMatchObject({
      success: false,
      result: { observed_value: 10 },
    });
    expect(run('expect_column_max_to_be_between', { column: 's', min_value: 'c' }, d)).toMatchObject({
      success: true,
      result: { observed_value: 'c' },
    });
  });
  it('timestamps compare with date strings and report ISO strings', () => {
    const t = { t: [new Date('2001-01-01T12:00:01Z'), new Date('1999-01-01T00:00:00Z')] };
    expect(
      run('expect_column_max_to_be_between', { column: 't', min_value: '2000-06-01', max_value: 'Jan 2 2001' }, t),
    ).toMatchObject({ success: true, result: { observed_value: '2001-01-01T12:00:01' } });
  });
  it('an empty column fails with observed_value null', () => {
    expect(run('expect_column_max_to_be_between', { column: 'e', min_value: 0 }, { e: [] })).toMatchObject({
      success: false,
      result: { observed_value: null },
    });
  });
});

describe('mean / sum / stdev / median', () => {
  it('mean', () => {
    expect(run('expect_column_mean_to_be_between', { column: 'x', min_value: 4, max_value: 4 }, d)).toMatchObject({
      success: true,
      result: { observed_value: 4 },
    });
    expect(run('expect_column_mean_to_be_between', { column: 'x', max_value: 3 }, d).success).toBe(false);
    expect(run('expect_column_mean_to_be_between', { column: 's', max_value: 3 }, d).exception_info.exception_message).toContain(
      'not numeric',
    );
  });
  it('sum', () => {
    expect(run('expect_column_sum_to_be_between', { column: 'x', min_value: 16, max_value: 16 }, d)).toMatchObject({
      success: true,
      result: { observed_value: 16 },
    });
    expect(run('expect_column_sum_to_be_between', { column: 'x', max_value: 15 }, d).success).toBe(false);
  });
  it('stdev is the sample standard deviation', () => {
    const r = run('expect_column_stdev_to_be_between', { column: 'x', min_value: 4, max_value: 4.1 }, d);
    expect(r.success).toBe(true);
    expect(r.result.observed_value).toBeCloseTo(Math.sqrt(((1 - 4) ** 2 + 1 + 4 + 36) / 3), 12);
    expect(run('expect_column_stdev_to_be_between', { column: 'x', max_value: 1 }, d).success).toBe(false);
  });
  it('median averages the two middle values', () => {
    expect(run('expect_column_median_to_be_between', { column: 'x', min_value: 2.5, max_value: 2.5 }, d)).toMatchObject({
      success: true,
      result: { observed_value: 2.5 },
    });
    expect(run('expect_column_median_to_be_between', { column: 'x', min_value: 3 }, d).success).toBe(false);
  });
  it('booleans count as 0/1', () => {
    expect(
      run('expect_column_mean_to_be_between', { column: 'b', min_value: 0.5, max_value: 0.5 }, table({ b: [true, false] }))
        .success,
    ).toBe(true);
  });
});

describe('expect_column_quantile_values_to_be_between', () => {
  const q = { x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
  it("uses pandas' nearest interpolation by default", () => {
    const r = run(
      'expect_column_quantile_values_to_be_between',
      {
        column: 'x',
        quantile_ranges: {
          quantiles: [0, 0.25, 0.5, 1],
          value_ranges: [
            [null, 1],
            [3, 3],
            [5, 5],
            [10, null],
          ],
        },
      },
      q,
    );
    expect(r).toMatchObject({
      success: true,
      result: {
        observed_value: { quantiles: [0, 0.25, 0.5, 1], values: [1, 3, 5, 10] },
        details: { success_details: [true, true, true, true] },
      },
    });
  });
  it('fails a quantile out of its range; allow_relative_error picks another interpolation', () => {
    const r = run(
      'expect_column_quantile_values_to_be_between',
      { column: 'x', quantile_ranges: { quantiles: [0.5], value_ranges: [[6, 7]] } },
      q,
    );
    expect(r.success).toBe(false);
    expect(r.result.details).toEqual({ success_details: [false] });
    const lin = run(
      'expect_column_quantile_values_to_be_between',
      { column: 'x', allow_relative_error: 'linear', quantile_ranges: { quantiles: [0.5], value_ranges: [[5.5, 5.5]] } },
      q,
    );
    expect(lin.success).toBe(true);
  });
});
