import { describe, expect, it } from 'vitest';
import { expectationTypes } from './registry.js';
import { chunks, runChunked, table } from './test-helpers.js';

const n = 23;
const t = table({
  id: Array.from({ length: n }, (_, i) => i),
  x: Array.from({ length: n }, (_, i) => (i % 5 === 4 ? null : ((i * 7) % 11) - 2)),
  y: Array.from({ length: n }, (_, i) => (i % 6 === 0 ? null : (i * 3) % 7)),
  s: Array.from({ length: n }, (_, i) =>
    i % 7 === 3 ? null : ['ab', 'cd', 'ab', 'xyz', '{"k":1}', '2020-01-0' + ((i % 9) + 1)][i % 6],
  ),
  ts: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2020, 0, 1 + ((i * 5) % 17)))),
  b: Array.from({ length: n }, (_, i) => i % 3 === 0),
});

const col = (type: string, kwargs: Record<string, unknown>) => ({ expectation_type: type, kwargs });
const suite = [
  col('expect_column_values_to_not_be_null', { column: 'x', mostly: 0.7 }),
  col('expect_column_values_to_be_null', { column: 'y' }),
  col('expect_column_values_to_be_between', { column: 'x', min_value: 0, max_value: 5 }),
  col('expect_column_values_to_be_between', { column: 'x', min_value: 0, row_condition: 'y > 2' }),
  col('expect_column_values_to_be_in_set', { column: 's', value_set: ['ab', 'cd'] }),
  col('expect_column_values_to_not_be_in_set', { column: 'y', value_set: [1, 2] }),
  col('expect_column_values_to_match_regex', { column: 's', regex: '^[a-c]' }),
  col('expect_column_values_to_not_match_regex', { column: 's', regex: 'b' }),
  col('expect_column_values_to_match_regex_list', { column: 's', regex_list: ['a', 'd'], match_on: 'any' }),
  col('expect_column_values_to_not_match_regex_list', { column: 's', regex_list: ['x', 'k'] }),
  col('expect_column_values_to_be_unique', { column: 'y' }),
  col('expect_column_values_to_be_unique', { column: 's' }),
  col('expect_column_values_to_be_of_type', { column: 's', type_: 'int' }),
  col('expect_column_values_to_be_in_type_list', { column: 'x', type_list: ['int64'] }),
  col('expect_column_values_to_be_increasing', { column: 'x' }),
  col('expect_column_values_to_be_decreasing', { column: 'ts', strictly: true }),
  col('expect_column_values_to_be_dateutil_parseable', { column: 's' }),
  col('expect_column_values_to_be_json_parseable', { column: 's' }),
  col('expect_column_values_to_match_strftime_format', { column: 's', strftime_format: '%Y-%m-%d' }),
  col('expect_column_value_lengths_to_be_between', { column: 's', min_value: 2, max_value: 2 }),
  col('expect_column_value_lengths_to_equal', { column: 's', value: 3 }),
  col('expect_column_value_z_scores_to_be_less_than', { column: 'x', threshold: 1.2, double_sided: true }),
  col('expect_column_min_to_be_between', { column: 'ts', min_value: '2020-01-02' }),
  col('expect_column_max_to_be_between', { column: 's', max_value: 'b' }),
  col('expect_column_mean_to_be_between', { column: 'x', min_value: 2 }),
  col('expect_column_median_to_be_between', { column: 'y', max_value: 3 }),
  col('expect_column_stdev_to_be_between', { column: 'x', max_value: 3 }),
  col('expect_column_sum_to_be_between', { column: 'y', min_value: 100 }),
  col('expect_column_quantile_values_to_be_between', {
    column: 'x',
    quantile_ranges: {
      quantiles: [0.1, 0.5, 0.9],
      value_ranges: [
        [null, 0],
        [1, 3],
        [7, null],
      ],
    },
  }),
  col('expect_column_unique_value_count_to_be_between', { column: 's', max_value: 3 }),
  col('expect_column_proportion_of_unique_values_to_be_between', { column: 'y', min_value: 0.5 }),
  col('expect_column_most_common_value_to_be_in_set', { column: 's', value_set: ['cd'] }),
  col('expect_column_distinct_values_to_be_in_set', { column: 'y', value_set: [0, 1, 2, 3] }),
  col('expect_column_distinct_values_to_contain_set', { column: 's', value_set: ['ab', 'zz'] }),
  col('expect_column_distinct_values_to_equal_set', { column: 'b', value_set: [true, false] }),
  col('expect_column_kl_divergence_to_be_less_than', {
    column: 'x',
    partition_object: { bins: [-2, 0, 4, 9], weights: [0.2, 0.5, 0.3] },
    threshold: 0.1,
  }),
  col('expect_column_kl_divergence_to_be_less_than', { column: 'x', partition_object: null, threshold: null }),
  col('expect_column_chisquare_test_p_value_to_be_greater_than', {
    column: 's',
    partition_object: { values: ['ab', 'cd'], weights: [0.5, 0.5] },
    tail_weight_holdout: 0.2,
  }),
  col('expect_column_pair_values_a_to_be_greater_than_b', { column_A: 'x', column_B: 'y', or_equal: true }),
  col('expect_column_pair_values_to_be_equal', { column_A: 'x', column_B: 'y', ignore_row_if: 'either_value_is_missing' }),
  col('expect_compound_columns_to_be_unique', { column_list: ['y', 'b'] }),
  col('expect_table_row_count_to_be_between', { min_value: 30, row_condition: 'b == True' }),
  col('expect_table_row_count_to_equal', { value: n }),
  col('expect_table_column_count_to_equal', { value: 6 }),
  col('expect_table_column_count_to_be_between', { min_value: 7 }),
  col('expect_table_columns_to_match_set', { column_set: ['id', 'x'] }),
  col('expect_table_columns_to_match_ordered_list', { column_list: ['id', 'x', 'y'] }),
  col('expect_column_to_exist', { column: 'b' }),
];

describe('chunked validation', () => {
  it('covers every registered expectation', () => {
    expect(new Set(suite.map((e) => e.expectation_type))).toEqual(new Set(expectationTypes()));
  });
  for (const format of ['COMPLETE', { result_format: 'COMPLETE', unexpected_index_column_names: ['id'] }, 'SUMMARY'] as const) {
    it(`gives identical results whole and in chunks of 1, 3 and 7 rows (${JSON.stringify(format)})`, () => {
      const whole = runChunked(suite, [t], format);
      expect(whole.results.filter((r) => r.exception_info.raised_exception)).toEqual([]);
      for (const size of [1, 3, 7]) expect(runChunked(suite, chunks(t, size), format)).toEqual(whole);
    });
  }
  it('reports unexpected rows by their global row number', () => {
    const r = runChunked([col('expect_column_values_to_be_between', { column: 'id', max_value: 19 })], chunks(t, 7));
    expect(r.results[0]?.result.unexpected_index_list).toEqual([20, 21, 22]);
  });
});
