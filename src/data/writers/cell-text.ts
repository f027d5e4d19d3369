/**
 * A column's values as text, one column at a time (so each loop handles one kind, and a string column's
 * dictionary is converted once per chunk, not once per row). The forms are those the readers parse back
 * to the same value: shortest round-trip decimals, 'true'/'false', ISO-8601 UTC timestamps.
 */
import { type Column } from '../table.js';
import { jsonText } from '../readers/value-columns.js';

/** How a writer spells one non-null value of each kind, and a null. */
export interface Spelling {
  readonly null: string;
  /** A finite number (non-finite numbers are nulls in every format written). */
  number(v: number): string;
  boolean(v: boolean): string;
  /** A timestamp's ISO-8601 text, or any string value. */
  text(s: string): string;
}

/** The column's `rows` cells spelled out; strings are spelled once per dictionary entry. */
export function cellTexts(col: Column, rows: number, spell: Spelling): string[] {
  const out = new Array<string>(rows);
  switch (col.kind) {
    case 'string': {
      const dict = col.dictionary.map((s) => spell.text(s));
      for (let i = 0; i < rows; i++) {
        const c = col.codes[i] as number;
        out[i] = c < 0 ? spell.null : (dict[c] as string);
      }
      return out;
    }
    case 'number': {
      const { values, valid } = col;
      for (let i = 0; i < rows; i++) {
        const v = values[i] as number;
        out[i] = (valid !== undefined && valid[i] === 0) || !Number.isFinite(v) ? spell.null : spell.number(v);
      }
      return out;
    }
    case 'boolean': {
      const { values, valid } = col;
      const [no, yes] = [spell.boolean(false), spell.boolean(true)];
      for (let i = 0; i < rows; i++) out[i] = valid !== undefined && valid[i] === 0 ? spell.null : values[i] === 1 ? yes : no;
      return out;
    }
    case 'timestamp': {
      const { values, valid } = col;
      for (let i = 0; i < rows; i++) {
        const v = values[i] as number;
        out[i] = (valid !== undefined && valid[i] === 0) || Number.isNaN(v) ? spell.null : spell.text(new Date(v).toISOString());
      }
      return out;
    }
    case 'mixed':
      for (let i = 0; i < rows; i++) {
        const v = col.values[i];
        if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) out[i] = spell.null;
        else if (typeof v === 'number') out[i] = spell.number(v);
        else if (typeof v === 'boolean') out[i] = spell.boolean(v);
        else out[i] = spell.text(mixedText(v));
      }
      return out;
  }
}

/** A non-number, non-boolean value of a mixed column as text: strings as they are, Dates in ISO, the rest as JSON. */
export function mixedText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  return jsonText(v);
}
