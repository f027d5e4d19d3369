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

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'tues', 'wednes', 'thur', 'thurs'];
const JUMP = new Set([' ', '.', ',', ';', '-', '/', "'", 'at', 'on', 'and', 'ad', 'm', 't', 'of', 'st', 'nd', 'rd', 'th', 'the']);

function monthOf(word: string): number | undefined {
  const w = word.toLowerCase();
  const full = MONTH_FULL.indexOf(w);
  if (full >= 0) return full + 1;
  if (w === 'sept') return 9;
  const abbr = MONTHS.indexOf(w);
  return abbr >= 0 ? abbr + 1 : undefined;
}

interface Parts {
  ymd: { value: number; month: boolean; year: boolean }[];
  hour?: number;
  minute?: number;
  second?: number;
  micro?: number;
  ampm?: 'am' | 'pm';
  offsetMinutes?: number;
}

const isDigits = (t: string | undefined): boolean => t !== undefined && /^\d+$/.test(t);
const isWord = (t: string | undefined): boolean => t !== undefined && /^[A-Za-z]+$/.test(t);

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses like dateutil; returns epoch milliseconds (UTC for naive times) or undefined if rejected. */
export function parseDateutil(input: string, now: Date = new Date()): number | undefined {
  const iso = ISO.exec(input);
  if (iso) return isoMs(iso);
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
    p.ymd.push({ value: Number(t.slice(0, 4)), month: false, year: true }, { value: Number(t.slice(4, 6)), month: false, year: false }, { value: Number(t.slice(6, 8)), month: false, year: false });
    if (t.length >= 12) {
      p.hour = Number(t.slice(8, 10));
      p.minute = Number(t.slice(10, 12));
      if (t.length === 14) p.second = Number(t.slice(12, 14));
    }
    return 1;
  }
  if (p.ymd.length === 0 && t.length === 6 && nxt !== '-' && nxt !== '/' && nxt !== '.') {
    p.ymd.push({ value: Number(t.slice(0, 2)), month: false, year: true }, { value: Number(t.slice(2, 4)), month: false, year: false }, { value: Number(t.slice(4, 6)), month: false, year: false });
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

/** dateutil's ymd resolution for dayfirst=False, yearfirst=False. */
function resolve(p: Parts, now: Date): number | undefined {
  const ymd = p.ymd;
  if (ymd.length === 0 && p.hour === undefined) return undefined;
  if (ymd.length > 3) return undefined;
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  const v = ymd.map((x) => x.value);
  const mIdx = ymd.findIndex((x) => x.month);
  const yIdx = ymd.findIndex((x) => x.year);
  if (ymd.length === 1) {
    if (mIdx === 0) month = v[0];
    else if ((v[0] as number) > 31 || yIdx === 0) year = v[0];
    else day = v[0];
  } else if (ymd.length === 2) {
    const [a, b] = v as [number, number];
    if (mIdx === 0) [month, year, day] = b > 31 || yIdx === 1 ? [a, b, undefined] : [a, undefined, b];
    else if (mIdx === 1) [year, month, day] = a > 31 || yIdx === 0 ? [a, b, undefined] : [undefined, b, a];
    else if (a > 31 || yIdx === 0) [year, month] = [a, b];
    else if (b > 31 || yIdx === 1) [month, year] = [a, b];
    else [month, day] = [a, b];
  } else if (ymd.length === 3) {
    const [a, b, c] = v as [number, number, number];
    if (mIdx === 0) [month, day, year] = b > 31 || yIdx === 1 ? [a, c, b] : [a, b, c];
    else if (mIdx === 1) [year, month, day] = a > 31 || yIdx === 0 ? [a, b, c] : [c, b, a];
    else if (mIdx === 2) [day, year, month] = b > 31 || yIdx === 1 ? [a, b, c] : [b, a, c];
    else if (a > 31 || yIdx === 0) [year, month, day] = [a, b, c];
    else if (a > 12) [day, month, year] = [a, b, c];
    else [month, day, year] = [a, b, c];
  }
  if (year !== undefined && year < 100 && !ymd.some((x) => x.year && x.value === year)) {
    const century = Math.floor(now.getUTCFullYear() / 100) * 100;
    year += century;
    if (year >= now.getUTCFullYear() + 50) year -= 100;
  }
  year ??= now.getUTCFullYear();
  month ??= now.getUTCMonth() + 1;
  day ??= now.getUTCDate();
  let hour = p.hour ?? 0;
  if (p.ampm === 'pm' && hour < 12) hour += 12;
  if (p.ampm === 'am' && hour === 12) hour = 0;
  const minute = p.minute ?? 0;
  const second = p.second ?? 0;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor((p.micro ?? 0) / 1000));
  const d = new Date(ms);
  if (year < 100) d.setUTCFullYear(year);
  return d.getTime() - (p.offsetMinutes ?? 0) * 60_000;
}

/** The common ISO 8601 case, without tokenizing (most date columns are written this way). */
function isoMs(m: RegExpExecArray): number | undefined {
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k] ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  if (year < 100) d.setUTCFullYear(year);
  const tz = m[8];
  if (tz === undefined || tz === 'Z') return d.getTime();
  const sign = tz.startsWith('-') ? -1 : 1;
  const digits = tz.slice(1).replace(':', '');
  return d.getTime() - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

export function daysIn(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}
