/**
 * The readers' entry points: stream a file as column chunks (bounded memory, for files larger than memory)
 * or read a small file whole. The format comes from the options or the extension.
 */
import { invalid } from '../../errors.js';
import { type Column, type Table } from '../table.js';
import { csvChunks, inferCsvSchema } from './csv-reader.js';
import { inferJsonlSchema, jsonlChunks } from './jsonl-reader.js';
import { inferParquetSchema, parquetChunks } from './parquet-reader.js';
import { type ReadOptions, resolveOptions } from './read-options.js';
import { newStats, type ReadStats, type Schema } from './read-stats.js';

/**
 * Chunks of a file, read lazily as they are iterated (once). `stats` fills in as reading goes and is final
 * when the iteration ends.
 *
 * Every chunk has the same columns in the same order, with the same kinds. Two things may differ between
 * chunks: each string column has its own dictionary per chunk (codes are only comparable within a chunk;
 * compare `dictionary[code]` across chunks), and an inferred integer column becomes float from the first
 * chunk holding a fractional value on. `rowOffset` counts rows kept before the chunk, so skipped bad rows
 * do not leave gaps; bad rows are located by line in `stats.badRowExamples`.
 */
export interface TableStream extends AsyncIterable<Table> {
  readonly stats: ReadStats;
}

/**
 * The columns and types `readChunks` will produce, from the file's first 10,000 rows (CSV, JSON Lines) or
 * its metadata (Parquet), with `options.types` and `options.columns` applied. Deterministic: it depends
 * on the file and the options only.
 */
export async function inferSchema(path: string, options: ReadOptions = {}): Promise<Schema> {
  const opts = resolveOptions(path, options);
  switch (opts.format) {
    case 'csv':
      return inferCsvSchema(path, opts);
    case 'jsonl':
      return inferJsonlSchema(path, opts);
    case 'parquet':
      return inferParquetSchema(path, opts);
  }
}

export function readChunks(path: string, options: ReadOptions = {}): TableStream {
  const opts = resolveOptions(path, options);
  const stats = newStats();
  let started = false;
  return {
    stats,
    [Symbol.asyncIterator]() {
      if (started) throw invalid(`${path}: a chunk stream can be iterated only once; call readChunks again`);
      started = true;
      switch (opts.format) {
        case 'csv':
          return csvChunks(path, opts, stats);
        case 'jsonl':
          return jsonlChunks(path, opts, stats);
        case 'parquet':
          return parquetChunks(path, opts, stats);
      }
    },
  };
}

/** A whole (small) file as one table, with one dictionary per string column. */
export async function readTable(path: string, options: ReadOptions = {}): Promise<Table & { badRows: number; stats: ReadStats }> {
  const stream = readChunks(path, options);
  const chunks: Table[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { ...concatTables(chunks), badRows: stream.stats.badRows, stats: stream.stats };
}

/**
 * Concatenates chunks that share columns (as `readChunks` yields them). Dictionaries are merged in
 * order of first appearance; a number column is float if any chunk's is.
 */
export function concatTables(chunks: readonly Table[]): Table {
  const first = chunks[0];
  if (!first) return { columns: [], rowCount: 0, rowOffset: 0 };
  if (chunks.length === 1) return { ...first, rowOffset: 0 };
  const rowCount = chunks.reduce((n, c) => n + c.rowCount, 0);
  const columns = first.columns.map((col, j) =>
    concatColumn(
      col,
      chunks.map((c) => c.columns[j] as Column),
      rowCount,
    ),
  );
  return { columns, rowCount, rowOffset: 0 };
}

function concatColumn(head: Column, parts: readonly Column[], n: number): Column {
  if (head.kind === 'string') {
    const codes = new Int32Array(n);
    const dictionary: string[] = [];
    const index = new Map<string, number>();
    let at = 0;
    for (const part of parts as readonly Extract<Column, { kind: 'string' }>[]) {
      const remap = part.dictionary.map((v) => {
        let code = index.get(v);
        if (code === undefined) index.set(v, (code = dictionary.push(v) - 1));
        return code;
      });
      for (let i = 0; i < part.codes.length; i++) {
        const c = part.codes[i] as number;
        codes[at++] = c < 0 ? -1 : (remap[c] as number);
      }
    }
    return { kind: 'string', name: head.name, type: 'string', codes, dictionary };
  }
  if (head.kind === 'mixed') {
    return { ...head, values: parts.flatMap((p) => (p as typeof head).values) };
  }
  const typed = parts as readonly Exclude<Column, { kind: 'string' | 'mixed' }>[];
  const values = head.kind === 'boolean' ? new Uint8Array(n) : new Float64Array(n);
  const anyNull = typed.some((p) => p.valid !== undefined);
  const valid = anyNull ? new Uint8Array(n).fill(1) : undefined;
  let at = 0;
  for (const p of typed) {
    values.set(p.values, at);
    if (valid && p.valid) valid.set(p.valid, at);
    at += p.values.length;
  }
  if (head.kind === 'boolean') return { kind: 'boolean', name: head.name, type: 'boolean', values: values as Uint8Array, valid };
  if (head.kind === 'timestamp')
    return { kind: 'timestamp', name: head.name, type: 'timestamp', values: values as Float64Array, valid };
  const type = typed.some((p) => p.type === 'float') ? 'float' : 'integer';
  return { kind: 'number', name: head.name, type, values: values as Float64Array, valid };
}
