import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../errors.js';
import { loadSuite } from './suite.js';
import { table } from './test-helpers.js';
import { validateTable } from './validate.js';

const geJson = `{
  "expectation_suite_name": "orders",
  "expectations": [
    {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}, "meta": {"owner": "me"}},
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "qty", "min_value": 1, "mostly": 0.5}}
  ],
  "meta": {"great_expectations_version": "1.2.0"}
}`;

const errorOf = (text: string) => {
  try {
    loadSuite(text, { file: 'suite.yaml' });
  } catch (e) {
    expect(e).toBeInstanceOf(SlipwayError);
    return (e as Error).message;
  }
  throw new Error('expected a load error');
};

describe('loadSuite', () => {
  it("reads GE's JSON suite unchanged (0.x and 1.x spellings)", () => {
    const suite = loadSuite(geJson);
    expect(suite.name).toBe('orders');
    expect(suite.expectations.map((e) => e.config.expectation_type)).toEqual([
      'expect_column_values_to_not_be_null',
      'expect_column_values_to_be_between',
    ]);
    expect(suite.expectations[0]?.config.meta).toEqual({ owner: 'me' });
    const r = validateTable(suite, table({ id: [1, null], qty: [0, 5] }));
    expect(r.results.map((x) => x.success)).toEqual([false, true]);
  });
  it('reads the short form in YAML, with or without the expect_ prefix', () => {
    const suite = loadSuite(
      [
        'name: s',
        'expectations:',
        '  - expect_column_values_to_not_be_null: {column: id}',
        '  - table_row_count_to_be_between:',
        '      min_value: 1',
        '    meta: {note: x}',
        '  - expect_table_column_count_to_equal: {value: 1}',
      ].join('\n'),
    );
    expect(suite.expectations.map((e) => e.config.expectation_type)).toEqual([
      'expect_column_values_to_not_be_null',
      'expect_table_row_count_to_be_between',
      'expect_table_column_count_to_equal',
    ]);
    expect(suite.expectations[1]?.config).toEqual({
      expectation_type: 'expect_table_row_count_to_be_between',
      kwargs: { min_value: 1 },
      meta: { note: 'x' },
    });
    expect(validateTable(suite, table({ id: [1] })).success).toBe(true);
  });
  it('accepts a bare list and suite parameters', () => {
    const suite = loadSuite(
      '- expect_column_max_to_be_between: {column: t, min_value: {$PARAMETER: "now() - timedelta(weeks=52)"}}\n- expect_column_min_to_be_between: {column: n, min_value: {$PARAMETER: low}}',
      {
        suiteParameters: { low: 3 },
        now: new Date('2024-01-01T00:00:00Z'),
      },
    );
    const r = validateTable(suite, table({ t: [new Date('2023-06-01T00:00:00Z')], n: [2] }));
    expect(r.results.map((x) => x.success)).toEqual([true, false]);
  });
});

describe('load errors carry file:line:col', () => {
  it('unknown expectation, with the closest name', () => {
    const text = 'expectations:\n  - expectation_type: expect_colum_values_to_be_null\n    kwargs: {column: a}\n';
    expect(errorOf(text)).toBe(
      "suite.yaml:2:5: unknown expectation 'expect_colum_values_to_be_null' (did you mean 'expect_column_values_to_be_null'?)",
    );
    expect(errorOf('expectations:\n  - expect_nothing_like_this: {}\n')).toBe(
      "suite.yaml:2:5: unknown expectation 'expect_nothing_like_this'",
    );
  });
  it('bad kwargs name the kwarg at its line', () => {
    const between =
      'expectations:\n  - expect_column_values_to_be_between:\n      column: a\n      min_value: 5\n      max_value: 1\n';
    expect(errorOf(between)).toBe(
      'suite.yaml:4:7: expect_column_values_to_be_between: min_value cannot be greater than max_value',
    );
    const mostly = 'expectations:\n  - expect_column_values_to_not_be_null: {column: a, mostly: 1.5}\n';
    expect(errorOf(mostly)).toBe(
      "suite.yaml:2:54: expect_column_values_to_not_be_null: kwarg 'mostly' must be less than or equal to 1",
    );
    const missing = 'expectations:\n  - expectation_type: expect_column_values_to_be_in_set\n    kwargs:\n      value_set: [1]\n';
    expect(errorOf(missing)).toBe("suite.yaml:4:7: expect_column_values_to_be_in_set: kwarg 'column' is required");
    const typo = 'expectations:\n  - expect_column_values_to_be_in_set: {column: a, value_set: [1], mostyl: 0.5}\n';
    expect(errorOf(typo)).toBe("suite.yaml:2:68: expect_column_values_to_be_in_set: unknown kwarg 'mostyl'");
    const wrongType = 'expectations:\n  - expect_column_values_to_be_in_set: {column: 7, value_set: [1]}\n';
    expect(errorOf(wrongType)).toBe("suite.yaml:2:41: expect_column_values_to_be_in_set: kwarg 'column' must be a string");
  });
  it('invalid regex, strftime format, row_condition and condition_parser', () => {
    expect(errorOf('expectations:\n  - expect_column_values_to_match_regex: {column: a, regex: "(ab"}\n')).toMatch(
      /^suite\.yaml:2:54: expect_column_values_to_match_regex: kwarg 'regex' is not a valid regular expression: /,
    );
    expect(
      errorOf('expectations:\n  - expect_column_values_to_match_strftime_format: {column: a, strftime_format: "%Y-%Q"}\n'),
    ).toBe(
      "suite.yaml:2:64: expect_column_values_to_match_strftime_format: kwarg 'strftime_format' is not usable: 'Q' is a bad directive in format '%Y-%Q'",
    );
    const cond = 'expectations:\n  - expect_column_values_to_not_be_null:\n      column: a\n      row_condition: "b >"\n';
    expect(errorOf(cond)).toBe(
      "suite.yaml:4:7: expect_column_values_to_not_be_null: invalid row_condition 'b >': expected a column, a value or ( at column 4 (end of condition)",
    );
    const parser =
      'expectations:\n  - expect_column_values_to_not_be_null: {column: a, row_condition: "b > 1", condition_parser: sql}\n';
    expect(errorOf(parser)).toBe(
      "suite.yaml:2:78: expect_column_values_to_not_be_null: condition_parser 'sql' is not a valid enumeration member (use 'pandas')",
    );
  });
  it('structure and syntax', () => {
    expect(errorOf('name: x\n')).toBe("suite.yaml:1:1: a suite needs an 'expectations' list");
    expect(errorOf('expectations:\n  - {a: 1, b: 2}\n')).toBe(
      'suite.yaml:2:5: an expectation in the short form has exactly one key, its type (plus an optional meta)',
    );
    expect(errorOf('expectations: [\n')).toMatch(/^suite\.yaml:\d+:\d+: invalid YAML\/JSON: /);
    expect(errorOf('{"expectations": [{"expectation_type": "expect_column_to_exist", "kwargs": {}, "kwarg": 1}]}')).toBe(
      "suite.yaml:1:80: unknown key 'kwarg' in an expectation (expected expectation_type, kwargs, meta)",
    );
  });
});
