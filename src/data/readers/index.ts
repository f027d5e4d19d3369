/**
 * Readers: CSV, JSON Lines and Parquet files into Slipway's columnar Table, streamed in chunks so a file
 * larger than memory can still be profiled and validated.
 */
export { inferSchema, readChunks, readTable, concatTables } from './read-table.js';
export type { TableStream } from './read-table.js';
export { DEFAULT_CHUNK_ROWS, DEFAULT_NULL_VALUES, INFER_SAMPLE_ROWS } from './read-options.js';
export type { ReadOptions, ReadFormat } from './read-options.js';
export { MAX_BAD_ROW_EXAMPLES } from './read-stats.js';
export type { BadRowExample, ReadColumnType, ReadStats, Schema, SchemaColumn } from './read-stats.js';
export { fromArrow, toArrow } from './to-arrow.js';
export { knownRowCount } from './row-count.js';
