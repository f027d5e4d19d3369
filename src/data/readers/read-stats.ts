/**
 * What every reader reports besides the rows: the schema it settled on, and the bad rows it met. One
 * place decides what a bad row does, so all formats word and count them alike.
 */
import { SlipwayError } from '../../errors.js';
import { type ColumnType } from '../table.js';

/** Types a reader produces ('mixed' is never inferred from a file). */
export type ReadColumnType = Exclude<ColumnType, 'mixed'>;

export interface SchemaColumn {
  readonly name: string;
  readonly type: ReadColumnType;
}

export interface Schema {
  readonly columns: readonly SchemaColumn[];
}

export interface BadRowExample {
  /** 1-based physical line where the row starts (for Parquet, the 1-based row number). */
  readonly line: number;
  /** E.g. "column 'age' (integer): cannot read 'abc' as a number". */
  readonly reason: string;
}

export interface ReadStats {
  /** Rows read into tables so far (bad rows excluded). */
  rows: number;
  badRows: number;
  /** The first MAX_BAD_ROW_EXAMPLES bad rows. */
  badRowExamples: BadRowExample[];
}

export const MAX_BAD_ROW_EXAMPLES = 20;

export function newStats(): ReadStats {
  return { rows: 0, badRows: 0, badRowExamples: [] };
}

/** Applies onBadRow: throws on the first bad row, or counts it and keeps the first examples. */
export class BadRows {
  constructor(
    private readonly file: string,
    private readonly mode: 'error' | 'skip',
    private readonly stats: ReadStats,
    /** How a location reads in messages: 'line' for text files, 'row' for Parquet. */
    private readonly unit: 'line' | 'row' = 'line',
  ) {}

  report(line: number, reason: string, column?: string): void {
    if (this.mode === 'error') {
      const where = this.unit === 'line' ? `${this.file}:${line}` : `${this.file}: row ${line}`;
      throw new SlipwayError('INVALID_PARAMETER_VALUE', `${where}: ${reason}`, { file: this.file, line, column, reason });
    }
    this.stats.badRows++;
    if (this.stats.badRowExamples.length < MAX_BAD_ROW_EXAMPLES) this.stats.badRowExamples.push({ line, reason });
  }
}

/** "column 'age' (integer): cannot read 'abc' as a number" */
export function typeReason(column: string, type: ReadColumnType, shownValue: string): string {
  const what =
    type === 'integer' || type === 'float' ? 'a number' : type === 'boolean' ? 'a boolean (true/false)' : 'an ISO-8601 timestamp';
  return `column '${column}' (${type}): cannot read ${shownValue} as ${what}`;
}
