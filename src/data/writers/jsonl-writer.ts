/**
 * Table chunks → JSON Lines: one object per row, keys in column order, nulls written as null, timestamps
 * as ISO-8601 strings. Lines are assembled from per-column key prefixes rather than through objects, so key
 * order is the column order even for integer-like names (which JS objects would move first) and a column
 * named '__proto__' is kept.
 */
import { type Table } from '../table.js';
import { cellTexts, type Spelling } from './cell-text.js';
import { type ChunkEncoder } from './table-writer.js';

const JSON_VALUE: Spelling = {
  null: 'null',
  number: (v) => String(v), // finite numbers only, whose String() is valid JSON
  boolean: (v) => (v ? 'true' : 'false'),
  text: (s) => JSON.stringify(s),
};

export class JsonlEncoder implements ChunkEncoder {
  encode(table: Table): Uint8Array {
    const n = table.rowCount;
    const keys = table.columns.map((c, j) => `${j === 0 ? '{' : ','}${JSON.stringify(c.name)}:`);
    const cells = table.columns.map((c) => cellTexts(c, n, JSON_VALUE));
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      let line = '';
      for (let j = 0; j < cells.length; j++) line += (keys[j] as string) + ((cells[j] as string[])[i] as string);
      lines.push(cells.length ? `${line}}` : '{}');
    }
    return lines.length ? Buffer.from(`${lines.join('\n')}\n`, 'utf8') : new Uint8Array(0);
  }

  finish(): Uint8Array {
    return new Uint8Array(0);
  }
}
