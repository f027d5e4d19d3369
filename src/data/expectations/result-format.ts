/**
 * GE's result_format levels and the map-expectation result builder (its `_format_map_output`): which
 * counts, percents and unexpected lists each level carries. Unexpected values are collected while
 * streaming, but only as many as the level shows: 20 (partial_unexpected_count) for BASIC and SUMMARY,
 * all of them for COMPLETE, whose memory therefore grows with the number of unexpected rows.
 */
import { z } from 'zod';
import type { ResultFormat, ResultFormatLevel } from './types.js';

const LEVELS = ['BOOLEAN_ONLY', 'BASIC', 'SUMMARY', 'COMPLETE'] as const;

export const resultFormatSchema = z.union([
  z.enum(LEVELS),
  z
    .object({
      result_format: z.enum(LEVELS),
      partial_unexpected_count: z.number().int().gte(0).optional(),
      unexpected_index_column_names: z.array(z.string()).optional(),
      include_unexpected_rows: z.boolean().optional(),
      exclude_unexpected_values: z.boolean().optional(),
      return_unexpected_index_query: z.boolean().optional(),
    })
    .strict(),
]);
/** A result_format as GE takes it: a level, or a dict with options. */
export type ResultFormatInput =
  | ResultFormatLevel
  | {
      readonly result_format: ResultFormatLevel;
      readonly partial_unexpected_count?: number;
      readonly unexpected_index_column_names?: readonly string[];
      readonly include_unexpected_rows?: boolean;
      readonly exclude_unexpected_values?: boolean;
      readonly return_unexpected_index_query?: boolean;
    };

export const DEFAULT_RESULT_FORMAT: ResultFormat = parseResultFormat('SUMMARY');

export function parseResultFormat(input: ResultFormatInput): ResultFormat {
  if (typeof input === 'string') {
    return { level: input, partialUnexpectedCount: 20, unexpectedIndexColumnNames: undefined, excludeUnexpectedValues: false };
  }
  return {
    level: input.result_format,
    partialUnexpectedCount: input.partial_unexpected_count ?? 20,
    unexpectedIndexColumnNames: input.unexpected_index_column_names,
    excludeUnexpectedValues: input.exclude_unexpected_values ?? false,
  };
}

/**
 * Keeps the unexpected values and their row identities in row order, up to the limit the result format
 * needs. An identity is the global row number, or a record of the index columns and domain values.
 */
export class UnexpectedCollector {
  readonly limit: number;
  readonly values: unknown[] = [];
  readonly indexes: unknown[] = [];
  constructor(readonly format: ResultFormat) {
    this.limit = format.level === 'BOOLEAN_ONLY' ? 0 : format.level === 'COMPLETE' ? Infinity : format.partialUnexpectedCount;
  }
  get full(): boolean {
    return this.values.length >= this.limit;
  }
  add(value: unknown, index: unknown): void {
    if (this.values.length >= this.limit) return;
    this.values.push(value);
    this.indexes.push(index);
  }
}

export interface MapCounts {
  readonly success: boolean;
  readonly elementCount: number;
  /** undefined for the null expectations, which report no missing_* fields. */
  readonly nonnullCount: number | undefined;
  readonly unexpectedCount: number;
}

/** GE's `_format_map_output`. */
export function formatMapResult(
  counts: MapCounts,
  collected: UnexpectedCollector,
): { success: boolean; result: Record<string, unknown> } {
  const rf = collected.format;
  const { success, elementCount, nonnullCount, unexpectedCount } = counts;
  if (rf.level === 'BOOLEAN_ONLY') return { success, result: {} };
  const missingCount = nonnullCount === undefined ? undefined : elementCount - nonnullCount;
  let missingPercent: number | null = null;
  let percentTotal: number | null = null;
  let percentNonmissing: number | null = null;
  if (elementCount > 0) {
    percentTotal = (unexpectedCount / elementCount) * 100;
    if (missingCount !== undefined && nonnullCount !== undefined) {
      missingPercent = (missingCount / elementCount) * 100;
      percentNonmissing = nonnullCount > 0 ? (unexpectedCount / nonnullCount) * 100 : null;
    } else {
      percentNonmissing = percentTotal;
    }
  }
  const result: Record<string, unknown> = {
    element_count: elementCount,
    unexpected_count: unexpectedCount,
    unexpected_percent: percentNonmissing,
  };
  const showValues = !rf.excludeUnexpectedValues;
  const partial = rf.partialUnexpectedCount;
  if (showValues) result.partial_unexpected_list = collected.values.slice(0, partial);
  if (rf.unexpectedIndexColumnNames !== undefined) result.unexpected_index_column_names = [...rf.unexpectedIndexColumnNames];
  if (missingCount !== undefined) {
    result.missing_count = missingCount;
    result.missing_percent = missingPercent;
    result.unexpected_percent_total = percentTotal;
    result.unexpected_percent_nonmissing = percentNonmissing;
  }
  if (rf.level === 'BASIC') return { success, result };
  const valueCounts = showValues && partial > 0 ? partialCounts(collected.values, partial) : undefined;
  if (valueCounts) result.partial_unexpected_counts = valueCounts;
  if (partial > 0) result.partial_unexpected_index_list = collected.indexes.slice(0, partial);
  if (rf.level === 'SUMMARY') return { success, result };
  if (showValues) result.unexpected_list = collected.values;
  result.unexpected_index_list = collected.indexes;
  return { success, result };
}

/**
 * GE's partial_unexpected_counts: `Counter(values).most_common(n)` (ties keep first appearance), then
 * sorted by count descending and value ascending; records count as tuples of their values. Where
 * Python's sort would meet a string and a number at equal counts it raises, and GE then leaves the
 * key out, so this returns undefined. (Nulls are counted as one value; GE counts each NaN apart.)
 */
export function partialCounts(values: readonly unknown[], n: number): { value: unknown; count: number }[] | undefined {
  const counts = new Map<string, { value: unknown; count: number }>();
  for (const v of values) {
    const value = v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.values(v) : v;
    const key = JSON.stringify(value) ?? 'undefined';
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { value, count: 1 });
  }
  const top = [...counts.values()].sort((a, b) => b.count - a.count).slice(0, n);
  try {
    return top.sort((a, b) => b.count - a.count || pyCompare(a.value, b.value));
  } catch {
    return undefined;
  }
}

/** Python's `<` ordering for the values results hold; throws where Python raises a TypeError. */
function pyCompare(a: unknown, b: unknown): number {
  if (a === null || b === null) return 0; // NaN-like: neither is less
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (Array.isArray(x) && Array.isArray(y)) {
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = pyCompare(x[i], y[i]);
      if (c !== 0 || x[i] !== y[i]) return c;
    }
    return x.length - y.length;
  }
  throw new TypeError('unorderable values');
}
