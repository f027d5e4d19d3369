/**
 * Row-level expectations on text: regexes (Python syntax), lengths, JSON, dateutil dates and strftime
 * formats. On a dictionary-encoded column each distinct string is judged once per chunk. Non-string
 * values follow pandas: regexes see Python's `str()` of them (`astype(str)`), JSON parsing rejects them,
 * and lengths, dateutil and strftime raise a TypeError as GE does.
 */
import { z } from 'zod';
import type { Column } from '../table.js';
import { parseDateutil } from './date-parse.js';
import { column, commonKwargs, define, flag, integer, mostly } from './define.js';
import { columnMap, dictionaryTest, type RowTest } from './map-kernel.js';
import { compilePythonRegex } from './py-regex.js';
import { compileStrftime } from './strftime.js';
import { ExpectationError, type ExpectationDefinition } from './types.js';
import { isoFromMs, pyLen, pyStr } from './values.js';

type NonString = 'stringify' | 'unexpected' | { error: string };

/** A row test from a judgement on strings (`true` = unexpected). */
export function stringTest(col: Column, judge: (s: string) => boolean, nonString: NonString): RowTest {
  const other = (v: unknown, text: () => string): boolean => {
    if (nonString === 'stringify') return judge(text());
    if (nonString === 'unexpected') return true;
    throw new ExpectationError(nonString.error.replace('{type}', pyTypeName(v)), 'TypeError');
  };
  switch (col.kind) {
    case 'string':
      return dictionaryTest(col, judge);
    case 'mixed': {
      const { values } = col;
      const memo = new Map<string, boolean>();
      return (i) => {
        const v = values[i];
        if (typeof v !== 'string') return other(v, () => pyStr(v));
        let r = memo.get(v);
        if (r === undefined) memo.set(v, (r = judge(v)));
        return r;
      };
    }
    case 'number': {
      const { values, type } = col;
      return (i) => other(values[i], () => pyStr(values[i], type === 'integer'));
    }
    case 'boolean': {
      const { values } = col;
      return (i) => other(values[i] === 1, () => (values[i] === 1 ? 'True' : 'False'));
    }
    case 'timestamp': {
      const { values } = col;
      return (i) => other(new Date(values[i] as number), () => pyTimestampStr(values[i] as number));
    }
  }
}

/**
 * pandas' `astype(str)` of a timestamp: the date alone at midnight, else date and time. (pandas decides
 * for the whole column — dates only if every value is at midnight; a stream decides per value.)
 */
function pyTimestampStr(ms: number): string {
  const iso = isoFromMs(ms);
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : iso.replace('T', ' ');
}

function pyTypeName(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Date) return 'Timestamp';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'dict' : typeof v;
}

/** Python's json.loads acceptance: standard JSON plus the NaN, Infinity and -Infinity literals. */
export function pyJsonParseable(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    if (!/NaN|Infinity/.test(s)) return false;
    const replaced = s.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (m) => (m.startsWith('"') ? m : '0'));
    try {
      JSON.parse(replaced);
      return true;
    } catch {
      return false;
    }
  }
}

const regex = z.string().superRefine((s, ctx) => {
  try {
    compilePythonRegex(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${(e as Error).message}` });
  }
});
const regexList = z.array(regex).min(1, 'must list at least one regex');
const base = { column, mostly, ...commonKwargs };
const int = integer
  .nullable()
  .optional()
  .transform((v) => v ?? null);
const LEN_ERROR = { error: "object of type '{type}' has no len(): value lengths need string values" };

function lengthTest(col: Column, ok: (n: number) => boolean): RowTest {
  return stringTest(col, (s) => !ok(pyLen(s)), LEN_ERROR);
}

export const columnMapStringDefinitions: ExpectationDefinition[] = [
  define({
    type: 'expect_column_values_to_match_regex',
    kind: 'map',
    schema: z.object({ ...base, regex }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) => {
      const re = compilePythonRegex(a.regex);
      return columnMap(a.column, a.mostly, ctx.resultFormat, (col) => stringTest(col, (s) => !re.test(s), 'stringify'));
    },
  }),
  define({
    type: 'expect_column_values_to_not_match_regex',
    kind: 'map',
    schema: z.object({ ...base, regex }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) => {
      const re = compilePythonRegex(a.regex);
      return columnMap(a.column, a.mostly, ctx.resultFormat, (col) => stringTest(col, (s) => re.test(s), 'stringify'));
    },
  }),
  define({
    type: 'expect_column_values_to_match_regex_list',
    kind: 'map',
    schema: z.object({ ...base, regex_list: regexList, match_on: z.enum(['any', 'all']).nullable().optional() }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) => {
      const res = a.regex_list.map(compilePythonRegex);
      const all = a.match_on === 'all';
      const judge = (s: string) => (all ? !res.every((r) => r.test(s)) : !res.some((r) => r.test(s)));
      return columnMap(a.column, a.mostly, ctx.resultFormat, (col) => stringTest(col, judge, 'stringify'));
    },
  }),
  define({
    type: 'expect_column_values_to_not_match_regex_list',
    kind: 'map',
    schema: z.object({ ...base, regex_list: regexList }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) => {
      const res = a.regex_list.map(compilePythonRegex);
      return columnMap(a.column, a.mostly, ctx.resultFormat, (col) =>
        stringTest(col, (s) => res.some((r) => r.test(s)), 'stringify'),
      );
    },
  }),
  define({
    type: 'expect_column_value_lengths_to_be_between',
    kind: 'map',
    schema: z
      .object({ ...base, min_value: int, max_value: int, strict_min: flag, strict_max: flag })
      .strict()
      .superRefine((v, ctx) => {
        if (v.min_value === null && v.max_value === null)
          ctx.addIssue({ code: 'custom', path: ['min_value'], message: 'min_value and max_value cannot both be None (null)' });
      }),
    columns: (a) => [a.column],
    create: (a, ctx) => {
      const { min_value: lo, max_value: hi, strict_min: sMin, strict_max: sMax } = a;
      const ok = (n: number) => (lo === null || (sMin ? n > lo : n >= lo)) && (hi === null || (sMax ? n < hi : n <= hi));
      return columnMap(a.column, a.mostly, ctx.resultFormat, (col) => lengthTest(col, ok));
    },
  }),
  define({
    type: 'expect_column_value_lengths_to_equal',
    kind: 'map',
    schema: z.object({ ...base, value: integer }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) => columnMap(a.column, a.mostly, ctx.resultFormat, (col) => lengthTest(col, (n) => n === a.value)),
  }),
  define({
    type: 'expect_column_values_to_be_json_parseable',
    kind: 'map',
    schema: z.object(base).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) =>
      columnMap(a.column, a.mostly, ctx.resultFormat, (col) => stringTest(col, (s) => !pyJsonParseable(s), 'unexpected')),
  }),
  define({
    type: 'expect_column_values_to_be_dateutil_parseable',
    kind: 'map',
    schema: z.object(base).strict(),
    columns: (a) => [a.column],
    // A timestamp column passes: Slipway's readers only make timestamps of text that parsed as dates
    // (GE, given pandas datetime64 values, raises a TypeError instead).
    create: (a, ctx) =>
      columnMap(a.column, a.mostly, ctx.resultFormat, (col) =>
        col.kind === 'timestamp'
          ? () => false
          : stringTest(col, (s) => parseDateutil(s) === undefined, {
              error: 'Values passed to expect_column_values_to_be_dateutil_parseable must be of type string (got {type})',
            }),
      ),
  }),
  define({
    type: 'expect_column_values_to_match_strftime_format',
    kind: 'map',
    schema: z
      .object({ ...base, strftime_format: z.string() })
      .strict()
      .superRefine((v, ctx) => {
        try {
          compileStrftime(v.strftime_format);
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: ['strftime_format'], message: `is not usable: ${(e as Error).message}` });
        }
      }),
    columns: (a) => [a.column],
    create: (a, ctx) => {
      const matches = compileStrftime(a.strftime_format);
      return columnMap(a.column, a.mostly, ctx.resultFormat, (col) =>
        stringTest(col, (s) => !matches(s), {
          error: 'Values passed to expect_column_values_to_match_strftime_format must be of type string (got {type})',
        }),
      );
    },
  }),
];
