/**
 * Parquet → column chunks via hyparquet. The schema comes from the file's metadata, not from inference.
 * Reading goes one row group at a time (hyparquet decodes whole pages, so asking for 65,536-row slices of a
 * large group would decode it again and again); each group is then cut into `chunkRows` chunks. Memory is
 * therefore bounded by the largest row group, which the writer chose (commonly ≤ 128 MB).
 */
import { stat } from 'node:fs/promises';
import {
  asyncBufferFromFile,
  type ColumnData,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type FileMetaData,
  type SchemaTree,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { invalid, notFound } from '../../errors.js';
import { type Table } from '../table.js';
import { type ResolvedOptions } from './read-options.js';
import { BadRows, type ReadColumnType, type ReadStats, type Schema } from './read-stats.js';
import { selectColumns } from './select-columns.js';
import { ValueChunkBuilder, type ValuePlan } from './value-columns.js';

/** Physical + logical Parquet type → column type. Nested and repeated fields become JSON text. */
function typeOf(node: SchemaTree): ReadColumnType {
  const el = node.element;
  if (node.children.length > 0 || el.repetition_type === 'REPEATED') return 'string';
  const logical = el.logical_type?.type;
  const converted = el.converted_type;
  if (
    logical === 'TIMESTAMP' ||
    logical === 'DATE' ||
    converted === 'DATE' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS'
  ) {
    return 'timestamp';
  }
  if (el.type === 'INT96') return 'timestamp';
  if (logical === 'DECIMAL' || converted === 'DECIMAL' || logical === 'FLOAT16') return 'float';
  switch (el.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
    case 'INT64':
      return 'integer';
    case 'FLOAT':
    case 'DOUBLE':
      return 'float';
    default:
      return 'string';
  }
}

async function open(path: string): Promise<{ file: Awaited<ReturnType<typeof asyncBufferFromFile>>; metadata: FileMetaData }> {
  try {
    await stat(path);
  } catch {
    throw notFound(`${path}: no such file`, { file: path });
  }
  const file = await asyncBufferFromFile(path);
  if (file.byteLength === 0) throw invalid(`${path} is empty`, { file: path });
  try {
    return { file, metadata: await parquetMetadataAsync(file) };
  } catch (err) {
    throw invalid(`${path}: not a readable Parquet file (${(err as Error).message})`, { file: path });
  }
}

function plansOf(path: string, metadata: FileMetaData, opts: ResolvedOptions): ValuePlan[] {
  const top = parquetSchema(metadata).children;
  return selectColumns(
    path,
    top.map((c) => c.element.name),
    top.map(typeOf),
    opts,
  );
}

export async function inferParquetSchema(path: string, opts: ResolvedOptions): Promise<Schema> {
  const { metadata } = await open(path);
  return { columns: plansOf(path, metadata, opts).map(({ name, type }) => ({ name, type })) };
}

export async function* parquetChunks(path: string, opts: ResolvedOptions, stats: ReadStats): AsyncGenerator<Table> {
  const { file, metadata } = await open(path);
  const plans = plansOf(path, metadata, opts);
  const columns = plans.map((p) => p.name);
  const bad = new BadRows(path, opts.onBadRow, stats, 'row');
  let chunk = new ValueChunkBuilder(plans, opts.chunkRows);
  let offset = 0;
  let emitted = false;
  const emit = (): Table => {
    const table = chunk.finish(offset);
    table.columns.forEach((c, i) => {
      if (c.type === 'float') (plans[i] as ValuePlan).type = 'float';
    });
    offset += table.rowCount;
    stats.rows += table.rowCount;
    emitted = true;
    chunk = new ValueChunkBuilder(plans, opts.chunkRows);
    return table;
  };
  let groupStart = 0;
  const row: unknown[] = plans.map(() => null);
  for (const group of metadata.row_groups) {
    const groupRows = Number(group.num_rows);
    const groupEnd = groupStart + groupRows;
    // Column pieces as hyparquet decodes them (typed arrays where it can), walked with one cursor per
    // column, so no per-row arrays are built on top of the decoded group (rowFormat 'array' would).
    const pieces: ColumnData[][] = plans.map(() => []);
    await parquetRead({
      file,
      metadata,
      columns,
      compressors,
      rowStart: groupStart,
      rowEnd: groupEnd,
      onChunk: (c) => pieces[columns.indexOf(c.columnName)]?.push(c),
    });
    const cursors = pieces.map((list) => ({ list: list.sort((a, b) => a.rowStart - b.rowStart), at: 0 }));
    for (let r = groupStart; r < groupEnd; r++) {
      for (let j = 0; j < cursors.length; j++) {
        const cur = cursors[j] as (typeof cursors)[number];
        let piece = cur.list[cur.at];
        while (piece && piece.rowEnd <= r) piece = cur.list[++cur.at];
        row[j] = piece && piece.rowStart <= r ? piece.columnData[r - piece.rowStart] : null;
      }
      const problem = chunk.add(row);
      if (problem) bad.report(r + 1, problem.reason, problem.column);
      else if (chunk.rows === opts.chunkRows) yield emit();
    }
    groupStart = groupEnd;
  }
  if (chunk.rows > 0 || !emitted) yield emit();
}
