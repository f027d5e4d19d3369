import { describe, expect, it } from 'vitest';
import { parseRowCondition } from './row-condition-parse.js';
import { evaluateCondition } from './row-condition.js';
import { run, table } from './test-helpers.js';

const t = table({
  age: [25, 35, null, 45, 31],
  city: ['Oslo', 'Rome', 'Oslo', null, 'Paris'],
  vip: [true, false, true, false, true],
  ts: [
    new Date('2020-01-01T00:00:00Z'),
    new Date('2021-01-01T00:00:00Z'),
    new Date('2022-01-01T00:00:00Z'),
    new Date('2023-01-01T00:00:00Z'),
    new Date('2024-01-01T00:00:00Z'),
  ],
});
const mask = (cond: string) => [...evaluateCondition(parseRowCondition(cond), t)];

describe('row_condition (pandas query syntax)', () => {
  it('comparisons; nulls satisfy only !=', () => {
    expect(mask('age > 30')).toEqual([0, 1, 0, 1, 1]);
    expect(mask('age != 35')).toEqual([1, 0, 1, 1, 1]);
    expect(mask("city == 'Oslo'")).toEqual([1, 0, 1, 0, 0]);
    expect(mask('city == 1')).toEqual([0, 0, 0, 0, 0]);
    expect(mask('30 < age <= 45')).toEqual([0, 1, 0, 1, 1]);
    expect(mask("ts >= '2022-01-01'")).toEqual([0, 0, 1, 1, 1]);
  });
  it('& and | bind more loosely than comparisons; parentheses, ~ and not', () => {
    expect(mask('age > 30 & city != "Rome"')).toEqual([0, 0, 0, 1, 1]);
    expect(mask('age < 30 | city == "Paris"')).toEqual([1, 0, 0, 0, 1]);
    expect(mask('~(age > 30) and vip')).toEqual([1, 0, 1, 0, 0]);
    expect(mask('not vip or age == 45')).toEqual([0, 1, 0, 1, 0]);
  });
  it('isin, in / not in, isnull / notnull', () => {
    expect(mask("city.isin(['Rome', 'Paris'])")).toEqual([0, 1, 0, 0, 1]);
    expect(mask("city not in ['Oslo']")).toEqual([0, 1, 0, 1, 1]);
    expect(mask('age.isnull()')).toEqual([0, 0, 1, 0, 0]);
    expect(mask('city.notnull() & age.notna()')).toEqual([1, 1, 0, 0, 1]);
  });
  it('filters the rows an expectation considers; row numbers stay global', () => {
    const r = run(
      'expect_column_values_to_be_between',
      { column: 'age', min_value: 40, row_condition: 'vip == True', condition_parser: 'pandas' },
      t,
    );
    expect(r.result).toMatchObject({
      element_count: 3,
      missing_count: 1,
      unexpected_count: 2,
      unexpected_list: [25, 31],
      unexpected_index_list: [0, 4],
    });
  });
  it('ordering a string column against a number is a TypeError at validation', () => {
    const r = run('expect_column_values_to_not_be_null', { column: 'age', row_condition: 'city > 3' }, t);
    expect(r.exception_info.exception_message).toContain("'>' not supported");
  });
  it('rejects bad syntax with the position', () => {
    expect(() => parseRowCondition('age >')).toThrow(/at column 6 \(end of condition\)/);
    expect(() => parseRowCondition('age.mean() > 3')).toThrow(/unsupported method 'mean'/);
    expect(() => parseRowCondition("city == 'Oslo")).toThrow(/unterminated string/);
  });
});
