/** Shared by this folder's tests: run one expectation over a small table and get its GE-shaped result. */
import { tableFromColumns, type ColumnType, type Table } from '../table.js';
import { buildSuite } from './compile.js';
import type { ResultFormatInput } from './result-format.js';
import type { ExpectationValidationResult, SuiteValidationResult } from './types.js';
import { createValidator, validateTable } from './validate.js';

export function table(
  data: Readonly<Record<string, readonly unknown[]>>,
  types: Readonly<Record<string, ColumnType>> = {},
): Table {
  return tableFromColumns(data, types);
}

export function run(
  type: string,
  kwargs: Record<string, unknown>,
  data: Table | Readonly<Record<string, readonly unknown[]>>,
  resultFormat: ResultFormatInput = 'COMPLETE',
): ExpectationValidationResult {
  const t = 'columns' in data && 'rowCount' in data ? (data as Table) : table(data as Record<string, unknown[]>);
  return validateTable(buildSuite([{ expectation_type: type, kwargs }]), t, { resultFormat })
    .results[0] as ExpectationValidationResult;
}

/** The same table cut into chunks of `size` rows, each with its rowOffset (and its own string dictionaries). */
export function chunks(t: Table, size: number): Table[] {
  const out: Table[] = [];
  for (let start = 0; start < t.rowCount || (start === 0 && t.rowCount === 0); start += size) {
    const end = Math.min(t.rowCount, start + size);
    const columns = t.columns.map((c) => {
      switch (c.kind) {
        case 'string': {
          const values = Array.from(c.codes.subarray(start, end), (k) => (k < 0 ? null : (c.dictionary[k] as string)));
          return tableFromColumns({ [c.name]: values }, { [c.name]: 'string' }).columns[0] as typeof c;
        }
        case 'mixed':
          return { ...c, values: c.values.slice(start, end) };
        default:
          return { ...c, values: c.values.slice(start, end), valid: c.valid?.slice(start, end) } as typeof c;
      }
    });
    out.push({ columns, rowCount: end - start, rowOffset: start });
    if (t.rowCount === 0) break;
  }
  return out;
}

export function runChunked(
  kwargsList: { expectation_type: string; kwargs: Record<string, unknown> }[],
  parts: readonly Table[],
  resultFormat: ResultFormatInput = 'COMPLETE',
): SuiteValidationResult {
  const v = createValidator(buildSuite(kwargsList), { resultFormat });
  for (const p of parts) v.consume(p);
  return v.finish();
}
