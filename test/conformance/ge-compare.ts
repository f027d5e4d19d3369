/**
 * Great Expectations' `check_json_test_result` rules, with a tight float tolerance: relative 1e-9
 * (instead of GE's rtol 1e-7 with an absolute 0.05), or the case's own `tolerance` where it sets one
 * (GE then uses rtol=tolerance and numpy's default atol 1e-8). Returns a list of differences.
 */
import type { ExpectationValidationResult } from '../../src/data/expectations/index.js';

export const RTOL = 1e-9;

interface Tol {
  readonly rtol: number;
  readonly atol: number;
}

/** Deep equality where numbers compare with isclose and 1 == 1.0 == true, as Python's == would. */
export function near(actual: unknown, expected: unknown, tol: Tol): boolean {
  const a = typeof actual === 'boolean' && typeof expected === 'number' ? Number(actual) : actual;
  if (typeof a === 'number' && typeof expected === 'number') {
    if (Number.isNaN(a) || Number.isNaN(expected)) return Number.isNaN(a) && Number.isNaN(expected);
    if (!Number.isFinite(expected)) return a === expected;
    return Math.abs(a - expected) <= tol.atol + tol.rtol * Math.abs(expected);
  }
  if (Array.isArray(a) && Array.isArray(expected))
    return a.length === expected.length && a.every((x, i) => near(x, expected[i], tol));
  if (
    a !== null &&
    expected !== null &&
    typeof a === 'object' &&
    typeof expected === 'object' &&
    !Array.isArray(a) &&
    !Array.isArray(expected)
  ) {
    const ka = Object.keys(a).sort();
    const ke = Object.keys(expected).sort();
    return (
      ka.length === ke.length &&
      ka.every((k, i) => k === ke[i] && near((a as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], tol))
    );
  }
  return a === expected;
}

/** GE sorts unexpected lists before comparing (records by their values in the first record's key order). */
function sortedList(list: readonly unknown[], keys?: readonly string[]): unknown[] {
  const key = (v: unknown) =>
    JSON.stringify(
      keys && v !== null && typeof v === 'object' && !Array.isArray(v) ? keys.map((k) => (v as Record<string, unknown>)[k]) : v,
    ) ?? '';
  return [...list].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

export interface GeTest {
  readonly exact_match_out: boolean;
  readonly out: Record<string, unknown>;
  readonly tolerance?: number;
}

export function compareResult(test: GeTest, r: ExpectationValidationResult, pk: boolean): string[] {
  const diffs: string[] = [];
  const tight: Tol = { rtol: RTOL, atol: 0 };
  const res = r.result;
  const show = (v: unknown) => JSON.stringify(v);
  if (test.exact_match_out) {
    const expected = (test.out.result ?? {}) as Record<string, unknown>;
    const observed = res.observed_value;
    if ('observed_value' in res && typeof observed === 'number' && !Number.isInteger(observed)) {
      // GE compares only observed_value (allclose) when it is a float; success is checked too here.
      if (!near(observed, expected.observed_value, tight))
        diffs.push(`observed_value ${show(observed)} != ${show(expected.observed_value)}`);
      if (r.success !== test.out.success) diffs.push(`success ${r.success} != ${show(test.out.success)}`);
      return diffs;
    }
    if (r.success !== test.out.success) diffs.push(`success ${r.success} != ${show(test.out.success)}`);
    const bothEmpty = Object.keys(res).length === 0 && Object.keys(expected).length === 0;
    if (!bothEmpty) {
      if (Object.keys(res).length === 0 || Object.keys(expected).length === 0)
        diffs.push(`result ${show(res)} != ${show(expected)}`);
      for (const k of Object.keys(expected))
        if (k in res && !near(res[k], expected[k], tight)) diffs.push(`result.${k} ${show(res[k])} != ${show(expected[k])}`);
    }
    if (r.exception_info.raised_exception) diffs.push(`raised ${r.exception_info.exception_message}`);
    return diffs;
  }
  for (const [key, value] of Object.entries(test.out)) {
    switch (key) {
      case 'success':
        if (r.success !== value) diffs.push(`success ${r.success} != ${show(value)}`);
        break;
      case 'observed_value': {
        const tol = test.tolerance !== undefined ? { rtol: test.tolerance, atol: 1e-8 } : tight;
        if (!near(res.observed_value, value, tol))
          diffs.push(`observed_value ${show(res.observed_value)} != ${show(value)} (rtol ${tol.rtol})`);
        break;
      }
      case 'unexpected_index_list': {
        if (!pk) break;
        const byPk = (l: unknown) =>
          [...((l as Record<string, number>[] | undefined) ?? [])].sort((x, y) => (x.pk_index ?? 0) - (y.pk_index ?? 0));
        if (!near(byPk(res.unexpected_index_list), byPk(value), tight))
          diffs.push(`unexpected_index_list ${show(res.unexpected_index_list)} != ${show(value)}`);
        break;
      }
      case 'unexpected_list':
      case 'partial_unexpected_list': {
        const list = (value as unknown[]) ?? [];
        const keys =
          list[0] !== null && typeof list[0] === 'object' && !Array.isArray(list[0]) ? Object.keys(list[0] as object) : undefined;
        const ours = res[key];
        if (!Array.isArray(ours) || !near(sortedList(ours, keys), sortedList(list, keys), tight))
          diffs.push(`${key} ${show(ours)} != ${show(value)}`);
        break;
      }
      case 'unexpected_count':
        break;
      case 'details':
        if (!near(res.details, value, tight)) diffs.push(`details ${show(res.details)} != ${show(value)}`);
        break;
      case 'value_counts': {
        const counts = ((res.details as Record<string, unknown> | undefined)?.value_counts ?? []) as unknown[];
        for (const vc of value as unknown[])
          if (!counts.some((c) => near(c, vc, tight))) diffs.push(`value_counts lacks ${show(vc)}`);
        break;
      }
      case 'expected_partition':
      case 'observed_partition': {
        const ours = ((res.details as Record<string, unknown> | undefined)?.[key] ?? {}) as Record<string, unknown>;
        const exp = value as Record<string, unknown>;
        const parts = ['bins', 'weights', ...('tail_weights' in ours ? ['tail_weights'] : [])];
        for (const part of parts)
          if (!near(ours[part], exp[part], tight)) diffs.push(`${key}.${part} ${show(ours[part])} != ${show(exp[part])}`);
        break;
      }
      case 'traceback_substring':
        break;
      default:
        diffs.push(`unknown out key ${key}`);
    }
  }
  return diffs;
}
