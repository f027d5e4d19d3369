/**
 * Python's `datetime.strptime(value, format)` acceptance, for expect_column_values_to_match_strftime_format:
 * the format becomes one case-insensitive regular expression with Python's own pattern per directive
 * (so "%m" takes 1 or 2 digits, "%Y" exactly 4, "%d" 1–31 with optional leading space), the whole value
 * must match (Python's "unconverted data remains" otherwise), and the parsed fields must form a real
 * date (no February 30; a year defaults to 1900, so "%m-%d" rejects 02-29). Locale-dependent directives
 * use the C locale (English month and weekday names, AM/PM). %c, %x and %X are not supported.
 */
import { daysIn } from './date-fields.js';

const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december';
const MONTHS_ABBR = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec';
const DAYS = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday';
const DAYS_ABBR = 'mon|tue|wed|thu|fri|sat|sun';

/** Python's _strptime patterns (TimeRE), with the group each directive fills. */
const DIRECTIVES: Record<string, [group: string, pattern: string]> = {
  d: ['d', '3[01]|[12]\\d|0[1-9]|[1-9]| [1-9]'],
  f: ['f', '[0-9]{1,6}'],
  H: ['H', '2[0-3]|[0-1]\\d|\\d'],
  I: ['I', '1[0-2]|0[1-9]|[1-9]'],
  G: ['G', '\\d\\d\\d\\d'],
  j: ['j', '36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9]'],
  m: ['m', '1[0-2]|0[1-9]|[1-9]'],
  M: ['M', '[0-5]\\d|\\d'],
  S: ['S', '6[0-1]|[0-5]\\d|\\d'],
  U: ['U', '5[0-3]|[0-4]\\d|\\d'],
  w: ['w', '[0-6]'],
  u: ['u', '[1-7]'],
  V: ['V', '5[0-3]|0[1-9]|[1-4]\\d|\\d'],
  W: ['W', '5[0-3]|[0-4]\\d|\\d'],
  y: ['y', '\\d\\d'],
  Y: ['Y', '\\d\\d\\d\\d'],
  z: ['z', '[+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|Z'],
  A: ['A', DAYS],
  a: ['a', DAYS_ABBR],
  B: ['B', MONTHS],
  b: ['b', MONTHS_ABBR],
  h: ['b', MONTHS_ABBR],
  p: ['p', 'am|pm'],
  Z: ['Z', 'utc|gmt'],
};

export interface StrptimeMatcher {
  (value: string): boolean;
}

/** Compiles a format; throws an Error naming a bad directive, as Python's ValueError does. */
export function compileStrftime(format: string): StrptimeMatcher {
  let source = '';
  const used = new Map<string, number>();
  let n = 0;
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch !== '%') {
      source += /\s/.test(ch) ? '\\s+' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      continue;
    }
    const d = format[++i];
    if (d === '%') {
      source += '%';
      continue;
    }
    const spec = d === undefined ? undefined : DIRECTIVES[d];
    if (d === undefined || spec === undefined) throw new Error(`'${d ?? ''}' is a bad directive in format '${format}'`);
    const [group, pattern] = spec;
    if (used.has(group)) throw new Error(`redefinition of group name '${group}' in format '${format}'`);
    used.set(group, n);
    source += `(?<g${n++}>${pattern})`;
  }
  const re = new RegExp(`^(?:${source})$`, 'i');
  const groupOf = new Map([...used].map(([g, k]) => [g, `g${k}`]));
  return (value) => {
    const m = re.exec(value);
    if (!m?.groups) return m !== null && used.size === 0;
    const get = (g: string) => {
      const k = groupOf.get(g);
      return k === undefined ? undefined : m.groups?.[k];
    };
    return validDate(get);
  };
}

function validDate(get: (g: string) => string | undefined): boolean {
  let year = 1900;
  const Y = get('Y');
  const y = get('y');
  if (Y !== undefined) year = Number(Y);
  else if (y !== undefined) year = Number(y) + (Number(y) <= 68 ? 2000 : 1900);
  const monthName = get('B') ?? get('b');
  const month = get('m') !== undefined ? Number(get('m')) : monthName !== undefined ? monthIndex(monthName) : 1;
  const day = get('d') !== undefined ? Number((get('d') as string).trim()) : 1;
  // A day of year (%j) may run past December: Python counts it on into the next year.
  if (get('j') !== undefined && get('m') === undefined && get('d') === undefined) return true;
  const second = get('S');
  if (second !== undefined && Number(second) > 59) return false;
  return day <= daysIn(year, month);
}

function monthIndex(name: string): number {
  const n = name.toLowerCase().slice(0, 3);
  return MONTHS_ABBR.split('|').indexOf(n) + 1;
}
