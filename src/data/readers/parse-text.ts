/**
 * Field parsers over raw bytes. Inference and conversion share them, so a column inferred as integer
 * always converts without surprises. They work on bytes because building a JS string per numeric field
 * just to call Number() on it cost 5x the parse itself (see csv-reader.ts for the numbers).
 */

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];
const SPACE = 32;
const latin1 = new TextDecoder('latin1');

/** Set by `parseNumber`: whether the last number parsed was written as an integer (no '.', no exponent). */
export let lastWasInteger = false;

/**
 * Parses a decimal number (optional sign, digits, optional fraction, optional exponent; surrounding spaces
 * allowed) from b[s, e). Returns NaN when the text is not such a number: 'NaN', 'Infinity', hex and empty
 * text are not numbers here (Number() would accept several of them).
 *
 * Fast path: up to 15 significant digits and no exponent give mantissa / 10^k with both operands exact,
 * which IEEE division rounds correctly, so the result equals Number(text). Anything else falls back to
 * Number() on a validated string.
 */
export function parseNumber(b: Uint8Array, s: number, e: number): number {
  while (s < e && b[s] === SPACE) s++;
  while (e > s && b[e - 1] === SPACE) e--;
  let i = s;
  let neg = false;
  let c = b[i];
  if (c === 45 /* - */) {
    neg = true;
    i++;
  } else if (c === 43 /* + */) i++;
  let mant = 0;
  let digits = 0;
  let frac = 0;
  while (i < e) {
    const d = (b[i] as number) - 48;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    digits++;
    i++;
  }
  let integer = true;
  if (i < e && b[i] === 46 /* . */) {
    integer = false;
    i++;
    while (i < e) {
      const d = (b[i] as number) - 48;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      digits++;
      frac++;
      i++;
    }
  }
  if (digits === 0) return NaN;
  if (i < e) {
    c = b[i];
    if (c !== 101 && c !== 69 /* e E */) return NaN;
    i++;
    if (b[i] === 43 || b[i] === 45) i++;
    const expStart = i;
    while (i < e && (b[i] as number) >= 48 && (b[i] as number) <= 57) i++;
    if (i !== e || i === expStart) return NaN;
    lastWasInteger = false;
    return Number(latin1.decode(b.subarray(s, e)));
  }
  lastWasInteger = integer;
  if (digits > 15) return Number(latin1.decode(b.subarray(s, e)));
  const v = frac === 0 ? mant : mant / (POW10[frac] as number);
  return neg ? -v : v;
}

const lower = (b: Uint8Array, i: number): number => (b[i] as number) | 32;

/** 1 for true, 0 for false (ASCII case-insensitive), -1 for anything else. 0/1 are deliberately not booleans. */
export function parseBoolean(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  // `| 32` lowercases ASCII letters; the other bytes compared are letters, so no false matches.
  if (len === 4 && lower(b, s) === 116 && lower(b, s + 1) === 114 && lower(b, s + 2) === 117 && lower(b, s + 3) === 101) return 1;
  if (
    len === 5 &&
    lower(b, s) === 102 &&
    lower(b, s + 1) === 97 &&
    lower(b, s + 2) === 108 &&
    lower(b, s + 3) === 115 &&
    lower(b, s + 4) === 101
  ) {
    return 0;
  }
  return -1;
}

// ISO-8601 date or date-time; 'T' or one space between; offset optional. Nothing looser (no '1/2/2011'),
// because a guessed day/month order silently corrupts data.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch milliseconds of an ISO-8601 date or date-time, or NaN. A value without an offset is read as UTC,
 * so the result never depends on the machine's time zone.
 */
export function parseTimestamp(text: string): number {
  const m = ISO.exec(text);
  if (!m) return NaN;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', fraction = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] as number))) return NaN;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return NaN;
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  let t = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(sec), ms);
  if (year < 100) t = new Date(t).setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000;
  }
  return t;
}

/** Byte-level shortcut that rejects most non-timestamps before a string is built. */
export function looksLikeTimestamp(b: Uint8Array, s: number, e: number): boolean {
  return e - s >= 10 && b[s + 4] === 45 && b[s + 7] === 45;
}

/** The text of a bad value for an error message: quoted, and shortened so a 10 MB field stays readable. */
export function showValue(text: string): string {
  return text.length > 60 ? `'${text.slice(0, 57)}...'` : `'${text}'`;
}
