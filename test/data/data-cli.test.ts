import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-data-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CSV = 'id,city,temp,when\n1,Oslo,3.5,2024-01-01\n2,Lima,19.25,2024-01-02\n3,<script>alert(1)</script>,?,2024-01-03\n4,Oslo,-1,2024-01-04\n';

async function files() {
  const data = join(dir, 'weather.csv');
  await writeFile(data, CSV);
  const suite = join(dir, 'suite.yaml');
  await writeFile(suite, `expectation_suite_name: weather
expectations:
  - expectation_type: expect_column_values_to_not_be_null
    kwargs: {column: temp}
  - expectation_type: expect_column_values_to_be_between
    kwargs: {column: temp, min_value: -50, max_value: 50}
  - expectation_type: expect_column_values_to_be_in_set
    kwargs: {column: city, value_set: [Oslo, Lima]}
`);
  return { data, suite };
}

describe('slipway validate', () => {
  it("exits 1 on a failed suite, prints GE's result JSON and a self-contained, escaped HTML report", async () => {
    const { data, suite } = await files();
    const html = join(dir, 'report.html');
    const res = await runCli(['validate', data, '--suite', suite, '--json', '--html', html]);
    expect(res.code).toBe(1);
    const out = res.json<{ success: boolean; statistics: Record<string, number>; results: { success: boolean; result: Record<string, unknown> }[] }>();
    expect(out.success).toBe(false);
    expect(out.statistics).toEqual({ evaluated_expectations: 3, successful_expectations: 1, unsuccessful_expectations: 2, success_percent: (1 / 3) * 100 });
    expect(out.results.map((r) => r.success)).toEqual([false, true, false]);
    expect(out.results[0]?.result).toMatchObject({ element_count: 4, unexpected_count: 1, unexpected_percent: 25 });
    expect(out.results[2]?.result).toMatchObject({ unexpected_count: 1, partial_unexpected_list: ['<script>alert(1)</script>'] });
    const page = await readFile(html, 'utf8');
    expect(page).toContain('Validation FAILED');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).not.toMatch(/(src|href)=/);
  });

  it('exits 0 when every expectation passes, and names file, line and column for bad input', async () => {
    const { data, suite } = await files();
    await writeFile(suite, 'expectations:\n  - expectation_type: expect_column_to_exist\n    kwargs: {column: city}\n');
    const ok = await runCli(['validate', data, '--suite', suite]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`PASSED: 1 of 1 expectations met on 4 rows of ${data}`);

    await writeFile(suite, 'expectations:\n  - expectation_type: expect_column_values_to_be_betwen\n    kwargs: {column: temp}\n');
    const badSuite = await runCli(['validate', data, '--suite', suite]);
    expect(badSuite.code).toBe(2);
    expect(badSuite.stderr).toContain(`${suite}:2:5: unknown expectation 'expect_column_values_to_be_betwen'`);

    await writeFile(data, 'a,b\n1,2\n3\n');
    await writeFile(suite, 'expectations: []\n');
    const ragged = await runCli(['validate', data, '--suite', suite]);
    expect(ragged.code).toBe(2);
    expect(ragged.stderr).toContain(`${data}:3: expected 2 fields, found 1`);
    const skipped = await runCli(['validate', data, '--suite', suite, '--skip-bad-rows']);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('(1 malformed rows skipped)');
  });
});

describe('slipway data profile and suggest', () => {
  it('profiles with exact figures and writes HTML', async () => {
    const { data } = await files();
    const html = join(dir, 'profile.html');
    const res = await runCli(['data', 'profile', data, '--json', '--html', html]);
    expect(res.code).toBe(0);
    const p = res.json<{ rowCount: number; columns: { name: string; type: string; nulls: number; distinct: number; min?: number; max?: number; mean?: number }[] }>();
    expect(p.rowCount).toBe(4);
    const temp = p.columns.find((c) => c.name === 'temp');
    expect(temp).toMatchObject({ type: 'float', nulls: 1, distinct: 3, min: -1, max: 19.25 });
    expect(temp?.mean).toBeCloseTo((3.5 + 19.25 - 1) / 3, 12);
    expect(p.columns.find((c) => c.name === 'when')?.type).toBe('timestamp');
    const page = await readFile(html, 'utf8');
    expect(page).not.toContain('<script>');
  });

  it('suggests a suite that loads and passes on the file it came from', async () => {
    const { data } = await files();
    const res = await runCli(['data', 'suggest', data, '--name', 'weather']);
    expect(res.code).toBe(0);
    const suite = parse(res.stdout) as { expectation_suite_name: string; expectations: { expectation_type: string; kwargs: Record<string, unknown> }[] };
    expect(suite.expectation_suite_name).toBe('weather');
    const types = suite.expectations.map((e) => `${e.expectation_type}:${String(e.kwargs.column ?? '')}`);
    expect(types).toContain('expect_column_values_to_not_be_null:id');
    expect(types).toContain('expect_column_values_to_be_unique:id');
    expect(suite.expectations.find((e) => e.expectation_type === 'expect_column_values_to_be_in_set' && e.kwargs.column === 'city')?.kwargs.value_set).toEqual(['<script>alert(1)</script>', 'Lima', 'Oslo']);
    expect(suite.expectations.find((e) => e.expectation_type === 'expect_column_values_to_not_be_null' && e.kwargs.column === 'temp')?.kwargs.mostly).toBe(0.71);
    const suiteFile = join(dir, 'suggested.yaml');
    await writeFile(suiteFile, res.stdout);
    const check = await runCli(['validate', data, '--suite', suiteFile]);
    expect(check.stdout).toContain('PASSED');
    expect(check.code).toBe(0);
  });
});
