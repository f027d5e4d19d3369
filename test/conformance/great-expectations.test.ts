/**
 * Conformance with Great Expectations' own test definitions (release 1.2.0, in ../shared): every case
 * that applies to pandas and to an implemented expectation runs as its harness runs it (a `pk_index`
 * column for row-level expectations, result_format COMPLETE unless the case sets one) and is compared
 * by its rules with a tight float tolerance. A case expecting an error passes on a load-time error or
 * an exception_info whose message contains the expected text (or our wording of it, listed below).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildSuite,
  lookupExpectation,
  validateTable,
  type ExpectationValidationResult,
} from '../../src/data/expectations/index.js';
import type { Table } from '../../src/data/table.js';
import { sharedFolder } from '../../src/shared-folder.js';
import { compareResult, type GeTest } from './ge-compare.js';
import { pandasTable, parsePythonJson } from './pandas-frame.js';

const shared = sharedFolder();
const ROOT = shared ? join(shared, 'conformance', 'great-expectations') : '';
const MAP_CATEGORIES = ['column_map_expectations', 'column_pair_map_expectations', 'multicolumn_map_expectations'];

/**
 * GE's error texts that are Python's own wording, and the words our message uses for the same error.
 * (GE's own harness does not check the texts of cases whose `error` sits outside `out` at all.)
 */
const OUR_WORDING: Record<string, string> = {
  'must be integers': 'must be an integer',
  'Minimum Threshold cannot be larger than Maximum Threshold': 'min_value cannot be greater than max_value',
  'ValueError: min_value cannot be greater than max_value': 'min_value cannot be greater than max_value',
  "argument of type 'NoneType' is not iterable": "kwarg 'value_set' must be a list",
};

interface Case extends GeTest {
  readonly title: string;
  readonly in: Record<string, unknown>;
  readonly only_for?: string[];
  readonly suppress_test_for?: string[];
  readonly error?: { traceback_substring?: string };
}
interface Dataset {
  readonly data: Record<string, unknown[]> | unknown[];
  readonly schemas?: Record<string, Record<string, string>>;
  readonly only_for?: string[];
  readonly suppress_test_for?: string[];
  readonly tests: Case[];
}

const PANDAS = ['pandas', 'pandas_v3_api', 'pandas>=024'];
const forPandas = (only?: string[], suppress?: string[]) =>
  !(suppress ?? []).some((b) => b === 'pandas' || b === 'pandas_v3_api') &&
  (!only || only.length === 0 || only.some((b) => PANDAS.includes(b)));

const counts = { passed: 0, applicable: 0, skipped: new Map<string, number>() };
const skip = (reason: string) => counts.skipped.set(reason, (counts.skipped.get(reason) ?? 0) + 1);

function errorMatches(expected: string, message: string): boolean {
  const ours = OUR_WORDING[expected];
  return message.includes(expected) || (ours !== undefined && message.includes(ours));
}

function runCase(type: string, test: Case, table: Table, pk: boolean): void {
  const expectedError = (test.out.traceback_substring as string | undefined) ?? test.error?.traceback_substring;
  let r: ExpectationValidationResult;
  try {
    const suite = buildSuite([{ expectation_type: type, kwargs: test.in }]);
    const resultFormat = pk
      ? { result_format: 'COMPLETE' as const, unexpected_index_column_names: ['pk_index'] }
      : ('COMPLETE' as const);
    r = validateTable(suite, table, { resultFormat }).results[0] as ExpectationValidationResult;
  } catch (err) {
    if (expectedError === undefined) throw err;
    const message = (err as Error).message;
    expect(errorMatches(expectedError, message), `error '${message}' should mention '${expectedError}'`).toBe(true);
    return;
  }
  if (expectedError !== undefined) {
    expect(
      r.exception_info.raised_exception,
      `expected an error mentioning '${expectedError}', got ${JSON.stringify(r.result)}`,
    ).toBe(true);
    const message = `${r.exception_info.exception_traceback ?? ''} ${r.exception_info.exception_message ?? ''}`;
    expect(errorMatches(expectedError, message), `error '${message}' should mention '${expectedError}'`).toBe(true);
    return;
  }
  expect(r.exception_info.exception_message ?? null).toBeNull();
  expect(compareResult(test, r, pk)).toEqual([]);
}

const files = ROOT && existsSync(ROOT)
  ? readdirSync(ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        readdirSync(join(ROOT, d.name))
          .filter((f) => f.endsWith('.json'))
          .map((f) => ({ category: d.name, path: join(ROOT, d.name, f) })),
      )
      .sort((a, b) => a.path.localeCompare(b.path))
  : [];

describe.skipIf(files.length === 0)('Great Expectations conformance (../shared/conformance/great-expectations)', () => {
  for (const { category, path } of files) {
    const def = parsePythonJson(readFileSync(path, 'utf8')) as { expectation_type: string; datasets: Dataset[] };
    const type = def.expectation_type;
    const pk = MAP_CATEGORIES.includes(category);
    const seen = new Set<string>();
    def.datasets.forEach((ds, d) => {
      const datasetApplies = forPandas(ds.only_for, ds.suppress_test_for);
      let table: Table | undefined;
      for (const test of ds.tests) {
        if (!datasetApplies || !forPandas(test.only_for, test.suppress_test_for)) {
          skip('not for pandas (only_for / suppress_test_for)');
          continue;
        }
        if (Array.isArray(ds.data)) {
          skip('multi-table dataset');
          continue;
        }
        if (!lookupExpectation(type)) {
          skip(`not implemented: ${type}`);
          continue;
        }
        counts.applicable++;
        let name = `${type} / ${test.title}`;
        if (seen.has(name)) name = `${name} (dataset ${d + 1})`;
        seen.add(name);
        const data = ds.data;
        it(name, () => {
          table ??= pandasTable(data, ds.schemas?.pandas, pk);
          runCase(type, test, table, pk);
          counts.passed++;
        });
      }
    });
  }

  afterAll(() => {
    const skipped = [...counts.skipped].map(([reason, n]) => `${n} ${reason}`).join('; ');
    const total = [...counts.skipped.values()].reduce((a, b) => a + b, 0);
    console.log(
      `great-expectations conformance: ${counts.passed} passed of ${counts.applicable} applicable (${total} skipped: ${skipped || 'none'})`,
    );
  });
});

describe.skipIf(files.length > 0)('Great Expectations conformance', () => {
  it.skip(`skipped: no test definitions at ${ROOT}`, () => undefined);
});
