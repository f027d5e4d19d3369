import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFailures, loadSuite, readTable, tableFromColumns, validateTable } from '../../src/data/index.js';

const example = join(import.meta.dirname, '..', '..', 'examples', 'adult-income');
const suiteFile = join(example, 'expectations', 'adult.yaml');
const suite = loadSuite(readFileSync(suiteFile, 'utf8'), { file: 'adult.yaml' });

type Res = { expectation_config: { expectation_type: string; kwargs: Record<string, unknown> }; success: boolean; result: Record<string, unknown> };
const find = (results: readonly Res[], type: string, column: string) =>
  results.find((r) => r.expectation_config.expectation_type === type && r.expectation_config.kwargs.column === column) as Res;

describe('the Adult census expectation suite', () => {
  it("passes on the real data while reporting its '?' missing values exactly", async () => {
    const table = await readTable(join(example, 'raw', 'adult-census-income.csv'));
    const result = validateTable(suite, table);
    expect(result.success).toBe(true);
    expect(result.statistics).toEqual({ evaluated_expectations: 20, successful_expectations: 20, unsuccessful_expectations: 0, success_percent: 100 });
    const results = result.results as unknown as Res[];
    // Counted independently: awk -F, '$2=="?"' etc. over the raw file.
    expect(find(results, 'expect_column_values_to_not_be_null', 'workclass').result).toMatchObject({ element_count: 32561, unexpected_count: 1836 });
    expect(find(results, 'expect_column_values_to_not_be_null', 'occupation').result).toMatchObject({ unexpected_count: 1843 });
    expect(find(results, 'expect_column_values_to_not_be_null', 'native_country').result).toMatchObject({ unexpected_count: 583 });
  });

  it('fails a corrupted batch and says which column, which rule, how many rows and which values', () => {
    const rows = 200;
    const col = <T>(f: (i: number) => T) => Array.from({ length: rows }, (_, i) => f(i));
    const batch = tableFromColumns({
      age: col((i) => (i % 10 === 0 ? -4 : 30 + (i % 20))),
      workclass: col(() => 'Private'), fnlwgt: col(() => 1000), education: col(() => 'HS-grad'), education_num: col(() => 9),
      marital_status: col(() => 'Divorced'), occupation: col((i) => (i % 3 === 0 ? 'Sales' : null)), relationship: col(() => 'Husband'),
      race: col(() => 'White'), sex: col((i) => (i % 2 ? 'Male' : 'Female')), capital_gain: col(() => 0), capital_loss: col(() => 0),
      hours_per_week: col(() => 40), native_country: col(() => 'Peru'), income: col((i) => (i % 50 === 0 ? 'unknown' : '<=50K')),
    });
    const result = validateTable(suite, { ...batch });
    expect(result.success).toBe(false);
    const failed = (result.results as unknown as Res[]).filter((r) => !r.success).map((r) => `${r.expectation_config.expectation_type}:${String(r.expectation_config.kwargs.column ?? '')}`);
    expect(failed).toEqual([
      'expect_table_row_count_to_be_between:',
      'expect_column_values_to_be_between:age',
      'expect_column_values_to_not_be_null:occupation',
      'expect_column_values_to_be_in_set:income',
      // 2 distinct values in 200 rows is 1%: a real batch has thousands of rows.
      'expect_column_proportion_of_unique_values_to_be_between:sex',
      'expect_column_distinct_values_to_contain_set:income',
    ]);
    const lines = describeFailures(result);
    expect(lines).toContain("column 'age': expect_column_values_to_be_between failed: 20 unexpected rows (10%), e.g. -4, -4, -4, -4, -4");
    expect(lines).toContain("column 'income': expect_column_values_to_be_in_set failed: 4 unexpected rows (2%), e.g. \"unknown\", \"unknown\", \"unknown\", \"unknown\"");
  });
});
