/**
 * Value helpers with pandas/Python meaning: how a cell reads as a JSON result value (timestamps as
 * Python's isoformat), how Python would print it (`str()`, for regexes and lengths on non-strings),
 * Python equality (1 == 1.0 == True) and a total order for sorting mixed values deterministically.
 */
import type { Column } from '../table.js';

/** Python's `datetime.isoformat()` of a naive UTC timestamp given in epoch milliseconds. */
export function isoFromMs(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const milli = d.getUTCMilliseconds();
  return milli === 0 ? base : `${base}.${pad(milli, 3)}000`;
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expPart] = x.toExponential().split('e') as [string, string];
  const exp = Number(expPart);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const sign = x < 0 ? '-' : '';
  const digits = mant.replace(/[-.]/g, '');
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac === '' ? '0' : frac}`;
}

/** Python's `str()` of a JSON-like value (what pandas' `astype(str)` produces). */
export function pyStr(v: unknown, integer = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return integer && Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return v;
  if (v instanceof Date) return isoFromMs(v.getTime()).replace('T', ' ');
  return JSON.stringify(v);
}

/** A cell as it appears in results: number, boolean, string, ISO string for timestamps, or null. */
export function valueReader(col: Column): (i: number) => unknown {
  switch (col.kind) {
    case 'number': {
      const { values, valid } = col;
      return (i) => ((valid !== undefined && valid[i] === 0) || Number.isNaN(values[i]) ? null : values[i]);
    }
    case 'boolean': {
      const { values, valid } = col;
      return (i) => (valid !== undefined && valid[i] === 0 ? null : values[i] === 1);
    }
    case 'timestamp': {
      const { values, valid } = col;
      return (i) => ((valid !== undefined && valid[i] === 0) || Number.isNaN(values[i]) ? null : isoFromMs(values[i] as number));
    }
    case 'string': {
      const { codes, dictionary } = col;
      return (i) => {
        const c = codes[i] as number;
        return c < 0 ? null : dictionary[c];
      };
    }
    case 'mixed': {
      const { values } = col;
      return (i) => jsonValue(values[i]);
    }
  }
}

/** A JS value in result form (Dates as ISO strings, NaN as null). */
export function jsonValue(v: unknown): unknown {
  if (v === undefined || (typeof v === 'number' && Number.isNaN(v))) return null;
  if (v instanceof Date) return isoFromMs(v.getTime());
  return v;
}

/** Row-is-null test; NaN in a number column counts as null, as in pandas. */
export function nullTester(col: Column): (i: number) => boolean {
  switch (col.kind) {
    case 'number':
    case 'timestamp': {
      const { values, valid } = col;
      if (valid === undefined) return (i) => Number.isNaN(values[i]);
      return (i) => valid[i] === 0 || Number.isNaN(values[i]);
    }
    case 'boolean': {
      const { valid } = col;
      return valid === undefined ? () => false : (i) => valid[i] === 0;
    }
    case 'string': {
      const { codes } = col;
      return (i) => (codes[i] as number) < 0;
    }
    case 'mixed': {
      const { values } = col;
      return (i) => {
        const v = values[i];
        return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
      };
    }
  }
}

/** Python `==` on JSON-like values: numbers and booleans compare numerically, containers deeply. */
export function pyEquals(a: unknown, b: unknown): boolean {
  const na = typeof a === 'boolean' ? Number(a) : a;
  const nb = typeof b === 'boolean' ? Number(b) : b;
  if (typeof na === 'number' && typeof nb === 'number') return na === nb;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => k in (b as object) && pyEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** A Map/Set key with Python hashing's equalities for the common cases (true ≡ 1, 1 ≡ 1.0). */
export function valueKey(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v !== null && typeof v === 'object') return `\u0000${JSON.stringify(jsonValue(v))}`;
  return v;
}

const rank = (v: unknown): number =>
  v === null || v === undefined ? 0 : typeof v === 'number' || typeof v === 'boolean' ? 1 : typeof v === 'string' ? 2 : 3;

/** A total order: nulls, then numbers, then strings (by code point), then anything else by JSON. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) return Number(a) - Number(b);
  if (ra === 2) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  if (ra === 3) return compareValues(JSON.stringify(a), JSON.stringify(b));
  return 0;
}

/** Python's `len(str)`: code points, not UTF-16 units. */
export function pyLen(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
