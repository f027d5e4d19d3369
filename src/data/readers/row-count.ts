/**
 * A file's row count when the file states it without being read: Parquet's footer does; CSV and JSON
 * Lines do not (counting their rows is a full read), so progress on those shows rows, not a percentage.
 */
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { type ReadOptions, resolveOptions } from './read-options.js';

/** Rows in the file per its metadata, or undefined when the format has none or the file cannot be opened. */
export async function knownRowCount(path: string, options: ReadOptions = {}): Promise<number | undefined> {
  if (resolveOptions(path, options).format !== 'parquet') return undefined;
  try {
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
    return Number(metadata.num_rows);
  } catch {
    return undefined; // the reader itself says what is wrong with the file
  }
}
