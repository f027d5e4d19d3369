/** Writers: Slipway tables out to CSV, JSON Lines and Parquet, chunk by chunk and atomically. */
export { openTableWriter, writeFormatOf } from './table-writer.js';
export type { TableWriter, WriteFormat, WriteOptions } from './table-writer.js';
