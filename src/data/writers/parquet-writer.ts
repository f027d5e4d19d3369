/**
 * Table chunks → Parquet with hyparquet-writer's incremental `ParquetWriter`: one row group per chunk,
 * each encoded into a byte buffer and handed out before the next chunk is read, so memory holds one
 * chunk's encoding, never the file (the footer's row-group list grows by a few hundred bytes a chunk).
 *
 * The schema is fixed by the first chunk. Number columns are written as DOUBLE whatever their inferred
 * type: a CSV or JSON Lines column inferred as integer from the first rows may turn float in a later chunk
 * (see readChunks), and an INT64 column written by then could not hold it. Strings are UTF-8, booleans
 * BOOLEAN, timestamps TIMESTAMP_MILLIS; every column is OPTIONAL (nullable). Codec: SNAPPY.
 */
import { type DecodedArray } from 'hyparquet';
import { type BasicType, ByteWriter, type ColumnSource, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer';
import { type Column, type Table } from '../table.js';
import { mixedText } from './cell-text.js';
import { type ChunkEncoder } from './table-writer.js';

const TYPE_OF_KIND: Readonly<Record<Column['kind'], BasicType>> = {
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  string: 'STRING',
  mixed: 'STRING',
};

function columnData(col: Column, rows: number): DecodedArray {
  const out = new Array<unknown>(rows);
  switch (col.kind) {
    case 'string':
      for (let i = 0; i < rows; i++) {
        const c = col.codes[i] as number;
        out[i] = c < 0 ? null : col.dictionary[c];
      }
      return out;
    case 'mixed':
      for (let i = 0; i < rows; i++) {
        const v = col.values[i];
        out[i] = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : mixedText(v);
      }
      return out;
    default: {
      const { values, valid } = col;
      for (let i = 0; i < rows; i++) {
        const v = values[i] as number;
        // NaN is written as null: the readers treat both as missing.
        if ((valid !== undefined && valid[i] === 0) || Number.isNaN(v)) out[i] = null;
        else out[i] = col.kind === 'number' ? v : col.kind === 'boolean' ? v === 1 : new Date(v);
      }
      return out;
    }
  }
}

export class ParquetEncoder implements ChunkEncoder {
  private readonly bytes = new ByteWriter();
  private writer: ParquetWriter | undefined;

  encode(table: Table): Uint8Array {
    const sources: ColumnSource[] = table.columns.map((col) => ({
      name: col.name,
      data: columnData(col, table.rowCount),
      type: TYPE_OF_KIND[col.kind],
      nullable: true,
    }));
    this.writer ??= new ParquetWriter({ writer: this.bytes, schema: schemaFromColumnData({ columnData: sources }) });
    if (table.rowCount > 0) {
      // No flush hook on the ByteWriter, so write() is synchronous and leaves the group in `bytes`.
      void this.writer.write({ columnData: sources, rowGroupSize: table.rowCount });
    }
    return this.drain();
  }

  finish(): Uint8Array {
    if (!this.writer) throw new Error('a Parquet file needs its schema: write at least one (possibly empty) chunk');
    void this.writer.finish();
    return this.drain();
  }

  /** The bytes encoded since the last drain (a copy: the buffer is reused). */
  private drain(): Uint8Array {
    const out = this.bytes.getBytes().slice();
    this.bytes.index = 0;
    return out;
  }
}
