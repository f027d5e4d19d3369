/**
 * Options every reader takes, their defaults, and the checks that turn a bad option into a clear error
 * before any byte is read.
 */
import { extname } from 'node:path';
import { invalid } from '../../errors.js';
import { type ColumnType } from '../table.js';

export type ReadFormat = 'csv' | 'jsonl' | 'parquet';

export interface ReadOptions {
  /**
   * File format.
   * @default by extension: .csv/.tsv/.txt → 'csv', .jsonl/.ndjson → 'jsonl', .parquet → 'parquet'
   */
  format?: ReadFormat;
  /**
   * CSV field delimiter (one character).
   * @default detected among `,` `;` tab `|` from the first lines (`\t` for .tsv files)
   */
  delimiter?: string;
  /**
   * CSV fields that are read as null. Matched exactly (case-sensitive, no trimming) against the raw field.
   * `'?'` is in the default because the UCI Adult census data marks missing values with it.
   * @default ['', 'NA', 'N/A', 'NaN', 'null', 'NULL', '?']
   */
  nullValues?: string[];
  /**
   * Column types that replace the inferred ones. A forced 'integer' is strict (a value like 1.5 is a bad
   * row), whereas an inferred integer column quietly becomes float when it meets one. Naming a column the
   * file lacks is an error, except in JSON Lines, where it declares a key the inference sample missed.
   * @default {} (infer every column)
   */
  types?: Record<string, ColumnType>;
  /**
   * Rows per chunk of `readChunks`; bounds memory together with the longest row.
   * @default 65536
   */
  chunkRows?: number;
  /**
   * What a malformed row does: 'error' throws naming file, line and column; 'skip' drops and counts it.
   * @default 'error'
   */
  onBadRow?: 'error' | 'skip';
  /**
   * Read only these columns (kept in file order). Unknown names are an error.
   * @default all columns
   */
  columns?: string[];
  /**
   * Whether the CSV's first row names the columns. Without it columns are named column_1, column_2, …
   * @default true
   */
  header?: boolean;
}

export const DEFAULT_NULL_VALUES: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'null', 'NULL', '?'];
export const DEFAULT_CHUNK_ROWS = 65536;
/** Rows schema inference looks at; fixed (not tied to chunkRows) so the schema never depends on chunk size. */
export const INFER_SAMPLE_ROWS = 10_000;

/** Options with defaults applied and checked. */
export interface ResolvedOptions {
  readonly format: ReadFormat;
  readonly delimiter: number | undefined;
  readonly nullValues: readonly string[];
  readonly types: Readonly<Record<string, ColumnType>>;
  readonly chunkRows: number;
  readonly onBadRow: 'error' | 'skip';
  readonly columns: readonly string[] | undefined;
  readonly header: boolean;
}

const FORMAT_BY_EXTENSION: Readonly<Record<string, ReadFormat>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
};

const READABLE_TYPES: ReadonlySet<ColumnType> = new Set(['integer', 'float', 'boolean', 'string', 'timestamp']);

export function resolveOptions(path: string, options: ReadOptions = {}): ResolvedOptions {
  const ext = extname(path).toLowerCase();
  const format = options.format ?? FORMAT_BY_EXTENSION[ext];
  if (!format) {
    throw invalid(`${path}: cannot tell the format from the extension '${ext}'; pass format: 'csv', 'jsonl' or 'parquet'`);
  }
  let delimiter: number | undefined;
  if (options.delimiter !== undefined) {
    // One byte, and not a character the tokenizer gives another meaning to.
    if (options.delimiter.length !== 1 || options.delimiter.charCodeAt(0) > 127 || '"\r\n'.includes(options.delimiter)) {
      throw invalid(`delimiter must be one ASCII character other than a quote or newline, got '${options.delimiter}'`);
    }
    delimiter = options.delimiter.charCodeAt(0);
  } else if (ext === '.tsv') {
    delimiter = 9;
  }
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw invalid(`chunkRows must be a positive integer, got ${chunkRows}`);
  for (const [name, type] of Object.entries(options.types ?? {})) {
    if (!READABLE_TYPES.has(type)) {
      throw invalid(`types.${name}: '${type}' is not one of integer, float, boolean, string, timestamp`);
    }
  }
  const onBadRow = options.onBadRow ?? 'error';
  if (onBadRow !== 'error' && onBadRow !== 'skip') throw invalid(`onBadRow must be 'error' or 'skip', got '${String(onBadRow)}'`);
  return {
    format,
    delimiter,
    nullValues: options.nullValues ?? DEFAULT_NULL_VALUES,
    types: options.types ?? {},
    chunkRows,
    onBadRow,
    columns: options.columns,
    header: options.header ?? true,
  };
}
