/**
 * Table chunks → CSV (RFC 4180): comma-separated, '\n' line ends, a header row, and a field quoted only
 * when it holds a comma, a quote, CR or LF (quotes doubled inside). A null is an empty field, which the
 * readers' default null tokens read back as null; so does an empty string, which CSV cannot tell apart
 * from a missing value.
 */
import { type Table } from '../table.js';
import { cellTexts, type Spelling } from './cell-text.js';
import { type ChunkEncoder } from './table-writer.js';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV: Spelling = {
  null: '',
  number: (v) => String(v), // digits, '.', '-', 'e', '+': never needs quotes
  boolean: (v) => (v ? 'true' : 'false'),
  text: csvField,
};

export class CsvEncoder implements ChunkEncoder {
  private wroteHeader = false;

  encode(table: Table): Uint8Array {
    const n = table.rowCount;
    const lines: string[] = [];
    if (!this.wroteHeader) {
      lines.push(table.columns.map((c) => csvField(c.name)).join(','));
      this.wroteHeader = true;
    }
    const cells = table.columns.map((c) => cellTexts(c, n, CSV));
    for (let i = 0; i < n; i++) {
      let line = cells.length ? ((cells[0] as string[])[i] as string) : '';
      for (let j = 1; j < cells.length; j++) line += `,${(cells[j] as string[])[i] as string}`;
      lines.push(line);
    }
    return lines.length ? Buffer.from(`${lines.join('\n')}\n`, 'utf8') : new Uint8Array(0);
  }

  finish(): Uint8Array {
    return new Uint8Array(0);
  }
}
