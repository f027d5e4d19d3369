import { describe, expect, it } from 'vitest';
import { run } from './test-helpers.js';

const data = { s: ['apple', 'banana', null, 'cherry', 'apple'], n: [1, 22, 333, null, 4444] };

describe('regex expectations (Python syntax, re.search semantics)', () => {
  it('match_regex', () => {
    const r = run('expect_column_values_to_match_regex', { column: 's', regex: '^(?P<first>a|b)' }, data);
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({
      unexpected_count: 1,
      unexpected_list: ['cherry'],
      unexpected_index_list: [3],
      missing_count: 1,
    });
    expect(run('expect_column_values_to_match_regex', { column: 's', regex: 'an|pp|rr' }, data).success).toBe(true);
  });
  it('applies to str() of numbers, as pandas astype(str)', () => {
    expect(run('expect_column_values_to_match_regex', { column: 'n', regex: '^\\d{1,3}$' }, data).result.unexpected_list).toEqual(
      [4444],
    );
  });
  it('not_match_regex', () => {
    const r = run('expect_column_values_to_not_match_regex', { column: 's', regex: 'pp' }, data);
    expect(r.success).toBe(false);
    expect(r.result.unexpected_list).toEqual(['apple', 'apple']);
    expect(r.result.unexpected_index_list).toEqual([0, 4]);
    expect(run('expect_column_values_to_not_match_regex', { column: 's', regex: '^z' }, data).success).toBe(true);
  });
  it('match_regex_list with match_on any / all', () => {
    expect(
      run('expect_column_values_to_match_regex_list', { column: 's', regex_list: ['^a', '^b'] }, data).result.unexpected_list,
    ).toEqual(['cherry']);
    expect(
      run('expect_column_values_to_match_regex_list', { column: 's', regex_list: ['a', 'n'], match_on: 'all' }, data).result
        .unexpected_list,
    ).toEqual(['apple', 'cherry', 'apple']);
    expect(run('expect_column_values_to_match_regex_list', { column: 's', regex_list: ['.'] }, data).success).toBe(true);
  });
  it('not_match_regex_list', () => {
    expect(
      run('expect_column_values_to_not_match_regex_list', { column: 's', regex_list: ['^c', 'z'] }, data).result.unexpected_list,
    ).toEqual(['cherry']);
    expect(run('expect_column_values_to_not_match_regex_list', { column: 's', regex_list: ['z'] }, data).success).toBe(true);
  });
});

describe('value lengths', () => {
  it('between (code points; min > max makes every row unexpected, as in GE)', () => {
    const r = run('expect_column_value_lengths_to_be_between', { column: 's', min_value: 5, max_value: 5 }, data);
    expect(r.result).toMatchObject({
      unexpected_list: ['banana', 'cherry'],
      unexpected_index_list: [1, 3],
      unexpected_percent: 50,
    });
    expect(run('expect_column_value_lengths_to_be_between', { column: 's', min_value: 5 }, data).success).toBe(true);
    expect(
      run('expect_column_value_lengths_to_be_between', { column: 's', min_value: 9, max_value: 1 }, data).result.unexpected_count,
    ).toBe(4);
    expect(run('expect_column_value_lengths_to_be_between', { column: 'e', max_value: 1 }, { e: ['é', '😀'] }).success).toBe(
      true,
    );
  });
  it('equal', () => {
    expect(run('expect_column_value_lengths_to_equal', { column: 's', value: 6 }, data).result.unexpected_list).toEqual([
      'apple',
      'apple',
    ]);
    expect(run('expect_column_value_lengths_to_equal', { column: 'e', value: 2 }, { e: ['ab', 'cd'] }).success).toBe(true);
  });
  it('raise a TypeError on numbers', () => {
    const r = run('expect_column_value_lengths_to_equal', { column: 'n', value: 1 }, data);
    expect(r.exception_info.exception_message).toContain("object of type 'int' has no len()");
  });
});

describe('parseability', () => {
  it('json_parseable (Python json.loads: NaN and Infinity accepted)', () => {
    const d = { j: ['{"a": 1}', '[1, 2]', 'NaN', '{bad}', '"s"', '{"x": Infinity}'] };
    const r = run('expect_column_values_to_be_json_parseable', { column: 'j' }, d);
    expect(r.result).toMatchObject({ unexpected_list: ['{bad}'], unexpected_index_list: [3] });
    expect(run('expect_column_values_to_be_json_parseable', { column: 'j', mostly: 0.8 }, d).success).toBe(true);
  });
  it('dateutil_parseable', () => {
    const d = { d: ['2020-01-01', 'Jan 5 2019 10:00', '1/2/2016', 'not a date', '2019-02-30', '5pm'] };
    const r = run('expect_column_values_to_be_dateutil_parseable', { column: 'd' }, d);
    expect(r.success).toBe(false);
    expect(r.result.unexpected_list).toEqual(['not a date', '2019-02-30']);
    expect(run('expect_column_values_to_be_dateutil_parseable', { column: 'd', mostly: 0.6 }, d).success).toBe(true);
    expect(run('expect_column_values_to_be_dateutil_parseable', { column: 'n' }, data).exception_info.raised_exception).toBe(
      true,
    );
  });
  it('match_strftime_format (strptime rules: full match, real dates)', () => {
    const d = { d: ['2020-01-31', '2020-1-5', '2020-02-30', '20-01-01', '2020-01-01 '] };
    const r = run('expect_column_values_to_match_strftime_format', { column: 'd', strftime_format: '%Y-%m-%d' }, d);
    expect(r.result.unexpected_list).toEqual(['2020-02-30', '20-01-01', '2020-01-01 ']);
    expect(
      run(
        'expect_column_values_to_match_strftime_format',
        { column: 'd', strftime_format: '%d %b %Y %H:%M' },
        { d: ['05 Jan 2020 13:45'] },
      ).success,
    ).toBe(true);
  });
});
