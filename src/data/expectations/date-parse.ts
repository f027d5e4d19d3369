/**
 * An approximation of `dateutil.parser.parse` (defaults: dayfirst=False, yearfirst=False, not fuzzy),
 * used by expect_column_values_to_be_dateutil_parseable and to read date strings as timestamps (bounds,
 * value sets, row conditions). Accepted: ISO 8601 dates and date-times ("2018-01-02T00:34:01.5Z",
 * "20180102", "20180102T003401"); numeric dates with '-', '/' or '.' ("1/2/2016" is January 2, a part
 * over 31 or with 3+ digits is the year); month names and abbreviations in any position ("Jan 01 1970",
 * "1 January 2000", "March 3rd, 2001"); weekday names (ignored); times "12:00", "12:00:01.25", with
 * AM/PM ("5pm", "5:30 PM"); time zones Z, UTC, GMT, other upper-case names of up to five letters after a
 * time, and offsets "+05:30", "-0800"; the filler words dateutil skips (at, on, of, and, the ordinal
 * suffixes). Missing fields default to today's date at midnight. Rejected: anything else (unknown words,
 * empty strings), out-of-range fields ("2018-13-01", "Feb 30 2019", "25:00"). Known differences from
 * dateutil: its rarer forms ("10h36m28s", Julian dates, two-digit years with dayfirst) are not accepted.
 */
import { isoMs, resolve, type Parts } from './date-fields.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_FULL = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const WEEKDAYS = [
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'tues',
  'wednes',
  'thur',
  'thurs',
];
const JUMP = new Set([' ', '.', ',', ';', '-', '/', "'", 'at', 'on', 'and', 'ad', 'm', 't', 'of', 'st', 'nd', 'rd', 'th', 'the']);

function monthOf(word: string): number | undefined {
  const w = word.toLowerCase();
  const full = MONTH_FULL.indexOf(w);
  if (full >= 0) return full + 1;
  if (w === 'sept') return 9;
  const abbr = MONTHS.indexOf(w);
  return abbr >= 0 ? abbr + 1 : undefined;
}

const isDigits = (t: string | undefined): boolean => t !== undefined && /^\d+$/.test(t);
const isWord = (t: string | undefined): boolean => t !== undefined && /^[A-Za-z]+$/.test(t);

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses like dateutil; returns epoch milliseconds (UTC for naive times) or undefined if rejected. */
export function parseDateutil(input: string, now: Date = new Date()): number | undefined {
  const iso = ISO.exec(input);
  if (iso) return isoMs(iso);
  if (/[^0-9A-Za-z\s.,;:/'+-]/.test(input)) return undefined; // a character no date token uses
  const tokens = input.match(/\d+|[A-Za-z]+|\s+|./g);
  if (!tokens) return undefined;
  const p: Parts = { ymd: [] };
  let i = 0;
  const next = (k = 1) => tokens[i + k];
  while (i < tokens.length) {
    const t = tokens[i] as string;
    if (/^\s+$/.test(t)) {
      i++;
      continue;
    }
    if (isDigits(t)) {
      const used = number(tokens, i, p);
      if (used === 0) return undefined;
      i += used;
      continue;
    }
    if (isWord(t)) {
      const w = t.toLowerCase();
      const month = monthOf(w);
      if (month !== undefined) p.ymd.push({ value: month, month: true, year: false });
      else if (WEEKDAYS.includes(w)) {
        /* dateutil ignores the weekday */
      } else if (w === 'am' || w === 'pm' || w === 'a' || w === 'p') {
        if (p.hour === undefined || p.hour > 12 || p.ampm) return undefined;
        p.ampm = w.startsWith('a') ? 'am' : 'pm';
      } else if (w === 'z' || w === 'utc' || w === 'gmt') p.offsetMinutes = 0;
      else if (p.hour !== undefined && t.length <= 5 && t === t.toUpperCase()) {
        /* a time-zone name dateutil would accept but cannot resolve: kept naive */
      } else if (!JUMP.has(w)) return undefined;
      i++;
      continue;
    }
    if ((t === '+' || t === '-') && p.hour !== undefined && isDigits(next())) {
      const used = offset(tokens, i, p);
      if (used === 0) return undefined;
      i += used;
      continue;
    }
    if (!JUMP.has(t)) return undefined;
    i++;
  }
  return resolve(p, now);
}

/** Reads a time "H:M[:S[.f]]" starting at tokens[i]; returns tokens used. */
function time(tokens: readonly string[], i: number, p: Parts): number {
  const h = Number(tokens[i]);
  if (!isDigits(tokens[i + 2])) return 0;
  p.hour = h;
  p.minute = Number(tokens[i + 2]);
  let used = 3;
  if (tokens[i + 3] === ':' && isDigits(tokens[i + 4])) {
    p.second = Number(tokens[i + 4]);
    used = 5;
    if ((tokens[i + 5] === '.' || tokens[i + 5] === ',') && isDigits(tokens[i + 6])) {
      p.micro = Math.round(Number(`0.${tokens[i + 6]}`) * 1e6);
      used = 7;
    }
  }
  return used;
}

function number(tokens: readonly string[], i: number, p: Parts): number {
  const t = tokens[i] as string;
  const nxt = tokens[i + 1];
  if (nxt === ':') return time(tokens, i, p);
  // Compact forms: YYYYMMDD, YYMMDD, YYYYMMDDhhmm[ss], hhmmss after a date.
  if (p.ymd.length === 0 && (t.length === 8 || t.length === 12 || t.length === 14) && nxt !== '-' && nxt !== '/' && nxt !== '.') {
    p.ymd.push(
      { value: Number(t.slice(0, 4)), month: false, year: true },
      { value: Number(t.slice(4, 6)), month: false, year: false },
      { value: Number(t.slice(6, 8)), month: false, year: false },
    );
    if (t.length >= 12) {
      p.hour = Number(t.slice(8, 10));
      p.minute = Number(t.slice(10, 12));
      if (t.length === 14) p.second = Number(t.slice(12, 14));
    }
    return 1;
  }
  if (p.ymd.length === 0 && t.length === 6 && nxt !== '-' && nxt !== '/' && nxt !== '.') {
    p.ymd.push(
      { value: Number(t.slice(0, 2)), month: false, year: true },
      { value: Number(t.slice(2, 4)), month: false, year: false },
      { value: Number(t.slice(4, 6)), month: false, year: false },
    );
    return 1;
  }
  if (p.ymd.length >= 3 && p.hour === undefined && (t.length === 4 || t.length === 6) && nxt !== '-' && nxt !== '/') {
    p.hour = Number(t.slice(0, 2));
    p.minute = Number(t.slice(2, 4));
    if (t.length === 6) p.second = Number(t.slice(4, 6));
    return 1;
  }
  if ((nxt === '-' || nxt === '/' || nxt === '.') && p.ymd.length === 0) {
    // A date triple a-b-c (a part may be a month name).
    const parts: string[] = [t];
    let k = i + 1;
    while (parts.length < 3 && tokens[k] === nxt && (isDigits(tokens[k + 1]) || isWord(tokens[k + 1]))) {
      parts.push(tokens[k + 1] as string);
      k += 2;
    }
    if (parts.length < 2) return 0;
    for (const part of parts) {
      if (isDigits(part)) p.ymd.push({ value: Number(part), month: false, year: part.length > 2 });
      else {
        const m = monthOf(part);
        if (m === undefined) return 0;
        p.ymd.push({ value: m, month: true, year: false });
      }
    }
    return k - i;
  }
  // "5pm", "5 pm": an hour.
  let k = i + 1;
  while (tokens[k] !== undefined && /^\s+$/.test(tokens[k] as string)) k++;
  const after = tokens[k]?.toLowerCase();
  if (after === 'am' || after === 'pm' || after === 'a' || after === 'p') {
    p.hour = Number(t);
    return k - i;
  }
  if (nxt === '.' && isDigits(tokens[i + 2]) && p.ymd.length > 0) return 0;
  p.ymd.push({ value: Number(t), month: false, year: t.length > 2 });
  return 1;
}

function offset(tokens: readonly string[], i: number, p: Parts): number {
  const sign = tokens[i] === '-' ? -1 : 1;
  const d = tokens[i + 1] as string;
  if (d.length === 4) {
    p.offsetMinutes = sign * (Number(d.slice(0, 2)) * 60 + Number(d.slice(2)));
    return 2;
  }
  if (d.length <= 2 && tokens[i + 2] === ':' && isDigits(tokens[i + 3])) {
    p.offsetMinutes = sign * (Number(d) * 60 + Number(tokens[i + 3]));
    return 4;
  }
  if (d.length <= 2) {
    p.offsetMinutes = sign * Number(d) * 60;
    return 2;
  }
  return 0;
}
