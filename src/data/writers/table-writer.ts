/**
 * Writing tables chunk by chunk: `openTableWriter` picks the format (from the options or the extension)
 * and writes through an `AtomicFile`, so the output appears complete on `close` or not at all.
 *
 * @example
 *   const out = await openTableWriter('scores.parquet');
 *   try {
 *     for await (const chunk of readChunks('rows.csv')) await out.write(chunk);
 *     await out.close();
 *   } catch (err) {
 *     await out.abort();
 *     throw err;
 *   }
 */
import { extname } from 'node:path';
import { invalid } from '../../errors.js';
import { type Table } from '../table.js';
import { AtomicFile } from './atomic-file.js';
import { CsvEncoder } from './csv-writer.js';
import { JsonlEncoder } from './jsonl-writer.js';
import { ParquetEncoder } from './parquet-writer.js';

export type WriteFormat = 'csv' | 'jsonl' | 'parquet';

/** One format's encoding: each chunk to bytes, then the file's tail. */
export interface ChunkEncoder {
  encode(table: Table): Uint8Array;
  finish(): Uint8Array;
}

export interface WriteOptions {
  /**
   * File format.
   * @default by extension: .csv → 'csv', .jsonl/.ndjson → 'jsonl', .parquet → 'parquet'
   */
  format?: WriteFormat;
}

export interface TableWriter {
  /** Where the file lands on `close`. */
  readonly path: string;
  /** Rows written so far. */
  readonly rows: number;
  /**
   * Appends a chunk. The first chunk fixes the columns (names, order, kinds); every later chunk must have
   * the same. Write at least one chunk, even an empty one, so the file has its columns.
   */
  write(table: Table): Promise<void>;
  /** Finishes the file and moves it into place, replacing any file there. */
  close(): Promise<void>;
  /** Drops what was written; a file already at `path` is left as it was. Safe after a failure or twice. */
  abort(): Promise<void>;
}

const FORMAT_BY_EXTENSION: Readonly<Record<string, WriteFormat>> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
};

/** The format a file name implies, or undefined when its extension says none. */
export function writeFormatOf(path: string): WriteFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
}

export async function openTableWriter(path: string, options: WriteOptions = {}): Promise<TableWriter> {
  const format = options.format ?? writeFormatOf(path);
  if (!format) {
    throw invalid(
      `${path}: cannot tell the format from the extension '${extname(path)}'; pass format: 'csv', 'jsonl' or 'parquet'`,
      {
        file: path,
      },
    );
  }
  const encoder: ChunkEncoder =
    format === 'csv' ? new CsvEncoder() : format === 'jsonl' ? new JsonlEncoder() : new ParquetEncoder();
  const file = await AtomicFile.create(path);
  let shape: string | undefined;
  let rows = 0;
  return {
    path,
    get rows() {
      return rows;
    },
    async write(table) {
      const s = table.columns.map((c) => `${c.name}:${c.kind}`).join(',');
      if (shape === undefined) shape = s;
      else if (s !== shape) throw new Error(`${path}: a chunk's columns (${s}) differ from the first chunk's (${shape})`);
      await file.append(encoder.encode(table));
      rows += table.rowCount;
    },
    async close() {
      if (shape === undefined) throw invalid(`${path}: nothing was written (not even the columns)`);
      await file.append(encoder.finish());
      await file.commit();
    },
    abort: () => file.discard(),
  };
}
