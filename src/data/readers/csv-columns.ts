/**
 * Turns tokenized CSV rows into typed column chunks. Conversion runs column by column over a batch of rows
 * (one tight loop per column, reading one column's offsets with a fixed stride). Columns that can reject a
 * value go first, so by the time string columns run every
 * bad row of the batch is known and no bad row's value enters a dictionary; values already written for a
 * row found bad later are squeezed out afterwards.
 */
import { type Column, type Table } from '../table.js';
import { ByteDict } from './byte-dict.js';
import { type CsvTokenizer, ESCAPED, ROW_BAD_QUOTE, ROW_OK, unescapeQuotes } from './csv-tokenizer.js';
import { lastWasInteger, looksLikeTimestamp, parseBoolean, parseNumber, parseTimestamp, showValue } from './parse-text.js';
import { type ReadColumnType, typeReason } from './read-stats.js';

/** One column to read: where it is in the row, and what it becomes. */
export interface ColumnPlan {
  readonly name: string;
  readonly field: number;
  type: ReadColumnType;
  /** A forced 'integer': a fractional value is a bad row instead of a promotion to float. */
  readonly strictInteger: boolean;
}

/** Exact-match null tokens, bucketed by byte length so most fields are ruled out by one lookup. */
export class NullTokens {
  private readonly byLength: (Buffer[] | undefined)[] = [];
  constructor(tokens: readonly string[]) {
    for (const t of tokens) {
      const b = Buffer.from(t, 'utf8');
      (this.byLength[b.length] ??= []).push(b);
    }
  }
  test(b: Uint8Array, s: number, e: number): boolean {
    const candidates = this.byLength[e - s];
    if (candidates === undefined) return false;
    for (const c of candidates) {
      let i = 0;
      while (i < c.length && c[i] === b[s + i]) i++;
      if (i === c.length) return true;
    }
    return false;
  }
}

interface Slot {
  readonly plan: ColumnPlan;
  /** number/timestamp: Float64Array; boolean: Uint8Array; string: Int32Array codes. */
  readonly data: Float64Array | Uint8Array | Int32Array;
  /** 1 = present; unused for strings (code -1 is null). */
  readonly valid: Uint8Array;
  hasNull: boolean;
  readonly dict: ByteDict | undefined;
}

let scratch = Buffer.allocUnsafe(1 << 16);

/** A quoted field with doubled quotes, unescaped into a shared scratch buffer (valid until the next call). */
function unescaped(buf: Buffer, s: number, e: number): [Buffer, number, number] {
  if (scratch.length < e - s) scratch = Buffer.allocUnsafe(e - s);
  return [scratch, 0, unescapeQuotes(buf, s, e, scratch)];
}

/** One chunk under construction: fixed capacity, filled batch by batch. */
export class ChunkBuilder {
  rows = 0;
  private readonly slots: Slot[];
  /** Per batch row: 1 when the row is bad. */
  private bad = new Uint8Array(0);
  private reasons = new Map<number, { reason: string; column: string | undefined }>();

  constructor(
    plans: readonly ColumnPlan[],
    readonly capacity: number,
    private readonly nulls: NullTokens,
  ) {
    // Failable columns first (see the file comment); string columns last.
    const ordered = [...plans.filter((p) => p.type !== 'string'), ...plans.filter((p) => p.type === 'string')];
    this.slots = ordered.map((plan) => ({
      plan,
      data:
        plan.type === 'string'
          ? new Int32Array(capacity)
          : plan.type === 'boolean'
            ? new Uint8Array(capacity)
            : new Float64Array(capacity),
      valid: plan.type === 'string' ? new Uint8Array(0) : new Uint8Array(capacity).fill(1),
      hasNull: false,
      dict: plan.type === 'string' ? new ByteDict() : undefined,
    }));
    this.order = plans.map((p) => this.slots.findIndex((s) => s.plan === p));
  }
  private readonly order: number[];

  /**
   * Converts `n` tokenized rows. Calls `onBad(line, reason, column)` for each bad row in file order (it
   * may throw); returns how many rows were kept.
   */
  add(
    t: CsvTokenizer,
    buf: Buffer,
    n: number,
    width: number,
    onBad: (line: number, reason: string, column?: string) => void,
  ): number {
    if (this.bad.length < n) this.bad = new Uint8Array(t.capacity);
    const bad = this.bad;
    bad.fill(0, 0, n);
    this.reasons.clear();
    for (let r = 0; r < n; r++) {
      const count = t.counts[r] as number;
      const rowError = t.rowErrors[r] as number;
      if (rowError !== ROW_OK) {
        const msg =
          rowError === ROW_BAD_QUOTE ? 'text after a closing quote' : 'quoted field not closed before the end of the file';
        this.markBad(r, `malformed row: ${msg}`, undefined);
      } else if (count !== width) {
        this.markBad(r, `expected ${width} fields, found ${count}`, undefined);
      }
    }
    for (const slot of this.slots) this.convert(slot, t, buf, n);
    if (this.reasons.size === 0) {
      this.rows += n;
      return n;
    }
    for (const r of [...this.reasons.keys()].sort((a, b) => a - b)) {
      const { reason, column } = this.reasons.get(r) as { reason: string; column: string | undefined };
      onBad(t.lines[r] as number, reason, column);
    }
    this.squeeze(n);
    const kept = n - this.reasons.size;
    this.rows += kept;
    return kept;
  }

  /** Finishes the chunk; an inferred integer column holding a fractional value comes out as float. */
  finish(rowOffset: number): Table {
    const n = this.rows;
    const columns = this.order.map((i) => finishSlot(this.slots[i] as Slot, n, n === this.capacity));
    return { columns, rowCount: n, rowOffset };
  }

  private markBad(r: number, reason: string, column: string | undefined): void {
    this.bad[r] = 1;
    this.reasons.set(r, { reason, column });
  }

  /** One loop per column kind, each with its own element type, so every loop stays monomorphic. */
  private convert(slot: Slot, t: CsvTokenizer, buf: Buffer, n: number): void {
    const { plan } = slot;
    if (plan.type === 'string') this.convertStrings(slot, t, buf, n);
    else if (plan.type === 'integer' || plan.type === 'float') this.convertNumbers(slot, t, buf, n);
    else this.convertOthers(slot, t, buf, n);
  }

  private convertNumbers(slot: Slot, t: CsvTokenizer, buf: Buffer, n: number): void {
    const { starts, ends, flags, stride } = t;
    const { plan, valid } = slot;
    const data = slot.data as Float64Array;
    const { nulls, bad } = this;
    const at = this.rows;
    const j = plan.field;
    const strict = plan.strictInteger;
    for (let r = 0; r < n; r++) {
      if (bad[r] === 1) continue;
      const k = r * stride + j;
      let src = buf;
      let s = starts[k] as number;
      let e = ends[k] as number;
      if ((flags[k] as number) & ESCAPED) [src, s, e] = unescaped(buf, s, e);
      if (nulls.test(src, s, e)) {
        valid[at + r] = 0;
        data[at + r] = 0;
        slot.hasNull = true;
        continue;
      }
      const v = parseNumber(src, s, e);
      if (v !== v) this.markBad(r, typeReason(plan.name, plan.type, showValue(src.toString('utf8', s, e))), plan.name);
      else if (strict && !lastWasInteger) {
        this.markBad(
          r,
          `column '${plan.name}' (integer): cannot read ${showValue(src.toString('utf8', s, e))} as an integer`,
          plan.name,
        );
      } else data[at + r] = v;
    }
  }

  private convertStrings(slot: Slot, t: CsvTokenizer, buf: Buffer, n: number): void {
    const { starts, ends, flags, stride } = t;
    const codes = slot.data as Int32Array;
    const dict = slot.dict as ByteDict;
    const { nulls, bad } = this;
    const at = this.rows;
    const j = slot.plan.field;
    for (let r = 0; r < n; r++) {
      if (bad[r] === 1) continue;
      const k = r * stride + j;
      let src = buf;
      let s = starts[k] as number;
      let e = ends[k] as number;
      if ((flags[k] as number) & ESCAPED) [src, s, e] = unescaped(buf, s, e);
      codes[at + r] = nulls.test(src, s, e) ? -1 : dict.code(src, s, e);
    }
  }

  /** Booleans and timestamps: rarer, so one loop serves both. */
  private convertOthers(slot: Slot, t: CsvTokenizer, buf: Buffer, n: number): void {
    const { starts, ends, flags, stride } = t;
    const { plan, valid, data } = slot;
    const { nulls, bad } = this;
    const at = this.rows;
    const j = plan.field;
    const isBoolean = plan.type === 'boolean';
    for (let r = 0; r < n; r++) {
      if (bad[r] === 1) continue;
      const k = r * stride + j;
      let src = buf;
      let s = starts[k] as number;
      let e = ends[k] as number;
      if ((flags[k] as number) & ESCAPED) [src, s, e] = unescaped(buf, s, e);
      if (nulls.test(src, s, e)) {
        valid[at + r] = 0;
        data[at + r] = 0;
        slot.hasNull = true;
        continue;
      }
      let v: number;
      if (isBoolean) v = parseBoolean(src, s, e);
      else v = looksLikeTimestamp(src, s, e) ? parseTimestamp(src.toString('latin1', s, e)) : NaN;
      if (v !== v || v < 0) this.markBad(r, typeReason(plan.name, plan.type, showValue(src.toString('utf8', s, e))), plan.name);
      else data[at + r] = v;
    }
  }

  /** Drops the batch's bad rows from every column, keeping the good ones in order. */
  private squeeze(n: number): void {
    const at = this.rows;
    for (const slot of this.slots) {
      const { data, valid } = slot;
      const isString = slot.plan.type === 'string';
      let w = at;
      for (let r = 0; r < n; r++) {
        if (this.bad[r] === 1) continue;
        data[w] = data[at + r] as number;
        if (!isString) valid[w] = valid[at + r] as number;
        w++;
      }
      // Later batches only write 0 for nulls, so the freed tail must read "present" again.
      if (!isString) valid.fill(1, w, at + n);
    }
  }
}

function finishSlot(slot: Slot, n: number, full: boolean): Column {
  const { plan, hasNull } = slot;
  // A full chunk owns exactly-sized arrays; a short last chunk is copied so it does not pin the capacity.
  const data = full ? slot.data : slot.data.slice(0, n);
  const valid = hasNull ? (full ? slot.valid : slot.valid.slice(0, n)) : undefined;
  const name = plan.name;
  switch (plan.type) {
    case 'string':
      return { kind: 'string', name, type: 'string', codes: data as Int32Array, dictionary: (slot.dict as ByteDict).values };
    case 'boolean':
      return { kind: 'boolean', name, type: 'boolean', values: data as Uint8Array, valid };
    case 'timestamp':
      return { kind: 'timestamp', name, type: 'timestamp', values: data as Float64Array, valid };
    default: {
      const values = data as Float64Array;
      let type = plan.type;
      if (type === 'integer') {
        for (let i = 0; i < n; i++) {
          if (!Number.isInteger(values[i])) {
            type = 'float';
            break;
          }
        }
      }
      return { kind: 'number', name, type, values, valid };
    }
  }
}
