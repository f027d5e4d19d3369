import { SlipwayError, exitCodeOf } from '../errors.js';

/** Everything the CLI prints goes through here, so `--json` output stays one parseable document. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

/** NaN and infinities are not JSON; MLflow's JSON writes them as strings, and so do we. */
function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** A plain aligned table; columns are as wide as their widest cell. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  if (rows.length === 0) {
    printLine('(none)');
    return;
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  printLine(line(headers));
  printLine(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) printLine(line(r));
}

export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/**
 * DESIGN's error convention: one line saying what is wrong, then what to do; exit 1 for a failed
 * check, 2 for bad input, 3 for an internal error.
 */
export function reportError(err: unknown, json: boolean): number {
  const code = exitCodeOf(err);
  if (json) {
    const body = err instanceof SlipwayError
      ? { error_code: err.code, message: err.message }
      : { error_code: 'INTERNAL_ERROR', message: String((err as Error)?.message ?? err) };
    process.stderr.write(`${JSON.stringify(body)}\n`);
    return code;
  }
  if (err instanceof SlipwayError) {
    process.stderr.write(`slipway: ${err.message}\n`);
    const hint = hintFor(err);
    if (hint) process.stderr.write(`  ${hint}\n`);
  } else {
    process.stderr.write(`slipway: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  return code;
}

function hintFor(err: SlipwayError): string | undefined {
  switch (err.code) {
    case 'RESOURCE_DOES_NOT_EXIST':
      return 'Check the name or id (list commands show what exists).';
    case 'DATA_CORRUPTION':
      return 'The stored data failed verification; nothing was changed. Restore the store from a backup or re-create the object.';
    default:
      return undefined;
  }
}
