import { invalid } from '../errors.js';

/** Parsers for repeatable CLI options, each failing with a message that names the flag and the bad value. */

/** `key=value` → {key, value}; the value may itself contain '='. */
export function parseKeyValue(flag: string, text: string): { key: string; value: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw invalid(`${flag} expects KEY=VALUE, got '${text}'.`);
  return { key: text.slice(0, eq), value: text.slice(eq + 1) };
}

/** `key=value` or `key=value@step` for metrics. */
export function parseMetric(text: string): { key: string; value: number; step?: number } {
  const { key, value } = parseKeyValue('--metric', text);
  const at = value.lastIndexOf('@');
  const num = at === -1 ? value : value.slice(0, at);
  const n = parseNumber(num);
  if (n === undefined) throw invalid(`--metric ${key}: '${num}' is not a number.`);
  if (at === -1) return { key, value: n };
  const step = Number(value.slice(at + 1));
  if (!Number.isSafeInteger(step)) throw invalid(`--metric ${key}: step '${value.slice(at + 1)}' is not an integer.`);
  return { key, value: n, step };
}

function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (/^nan$/i.test(t)) return Number.NaN;
  if (/^[+]?inf(inity)?$/i.test(t)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(t)) return Number.NEGATIVE_INFINITY;
  if (t === '' || Number.isNaN(Number(t))) return undefined;
  return Number(t);
}

export function parsePositiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw invalid(`${flag} expects a positive integer, got '${text}'.`);
  return n;
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
