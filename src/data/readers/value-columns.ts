/**
 * Column chunks built from JS values, row by row: the path for JSON Lines and Parquet, whose decoders
 * hand out values rather than bytes. A row is converted whole before anything is written, so a bad row
 * leaves no trace (not even a dictionary entry).
 */
import { type Column, type Table } from '../table.js';
import { parseBoolean, parseNumber, parseTimestamp, showValue } from './parse-text.js';
import { type ReadColumnType, typeReason } from './read-stats.js';

export interface ValuePlan {
  readonly name: string;
  type: ReadColumnType;
  readonly strictInteger: boolean;
}

const FAIL = Symbol('fail');
type Converted = number | string | null | typeof FAIL;

/** JSON text of a nested value; bigints (Parquet INT64 inside a struct) become numbers' text. */
export function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
}

function numberFromText(text: string): number {
  const b = Buffer.from(text, 'utf8');
  return parseNumber(b, 0, b.length);
}

function convert(type: ReadColumnType, strictInteger: boolean, v: unknown): Converted {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'integer':
    case 'float': {
      let n: number;
      if (typeof v === 'number') n = v;
      else if (typeof v === 'bigint') n = Number(v);
      else if (typeof v === 'string') n = numberFromText(v);
      else return FAIL;
      if (Number.isNaN(n)) return typeof v === 'number' ? null : FAIL; // a NaN float is Parquet's null-ish
      return strictInteger && !Number.isInteger(n) ? FAIL : n;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string') {
        const b = parseBoolean(Buffer.from(v, 'latin1'), 0, v.length);
        return b < 0 ? FAIL : b;
      }
      return FAIL;
    case 'timestamp': {
      const t =
        v instanceof Date
          ? v.getTime()
          : typeof v === 'string'
            ? parseTimestamp(v)
            : typeof v === 'number' || typeof v === 'bigint'
              ? Number(v)
              : NaN;
      return Number.isNaN(t) ? FAIL : t;
    }
    case 'string':
      if (typeof v === 'string') return v;
      if (v instanceof Date) return v.toISOString();
      if (typeof v === 'object') return jsonText(v);
      return String(v as number | boolean | bigint);
  }
}

interface Slot {
  readonly plan: ValuePlan;
  readonly data: Float64Array | Uint8Array | Int32Array;
  readonly valid: Uint8Array;
  hasNull: boolean;
  readonly index: Map<string, number>;
  readonly dictionary: string[];
}

export class ValueChunkBuilder {
  rows = 0;
  private readonly slots: Slot[];
  private readonly pending: Converted[];

  constructor(
    plans: readonly ValuePlan[],
    readonly capacity: number,
  ) {
    this.slots = plans.map((plan) => ({
      plan,
      data:
        plan.type === 'string'
          ? new Int32Array(capacity)
          : plan.type === 'boolean'
            ? new Uint8Array(capacity)
            : new Float64Array(capacity),
      valid: new Uint8Array(plan.type === 'string' ? 0 : capacity),
      hasNull: false,
      index: new Map(),
      dictionary: [],
    }));
    this.pending = plans.map(() => null);
  }

  /** Adds a row (values in plan order), or returns why it is bad and leaves the chunk untouched. */
  add(values: readonly unknown[]): { reason: string; column: string } | undefined {
    const { slots, pending } = this;
    for (let j = 0; j < slots.length; j++) {
      const { plan } = slots[j] as Slot;
      const v = values[j];
      const c = convert(plan.type, plan.strictInteger, v);
      if (c === FAIL) {
        const shown = showValue(typeof v === 'string' ? v : v instanceof Date ? String(v) : jsonText(v));
        const reason =
          plan.strictInteger && typeof v === 'number'
            ? `column '${plan.name}' (integer): cannot read ${shown} as an integer`
            : typeReason(plan.name, plan.type, shown);
        return { reason, column: plan.name };
      }
      pending[j] = c;
    }
    const r = this.rows++;
    for (let j = 0; j < slots.length; j++) {
      const slot = slots[j] as Slot;
      const c = pending[j] as number | string | null;
      if (slot.plan.type === 'string') {
        let code = -1;
        if (c !== null) {
          const text = c as string;
          code = slot.index.get(text) ?? -1;
          if (code < 0) {
            code = slot.dictionary.push(text) - 1;
            slot.index.set(text, code);
          }
        }
        slot.data[r] = code;
      } else if (c === null) {
        slot.hasNull = true;
      } else {
        slot.data[r] = c as number;
        slot.valid[r] = 1;
      }
    }
    return undefined;
  }

  finish(rowOffset: number): Table {
    const n = this.rows;
    const columns = this.slots.map((slot): Column => {
      const { plan } = slot;
      const data = n === this.capacity ? slot.data : slot.data.slice(0, n);
      const valid = slot.hasNull ? slot.valid.slice(0, n) : undefined;
      const name = plan.name;
      if (plan.type === 'string')
        return { kind: 'string', name, type: 'string', codes: data as Int32Array, dictionary: slot.dictionary };
      if (plan.type === 'boolean') return { kind: 'boolean', name, type: 'boolean', values: data as Uint8Array, valid };
      if (plan.type === 'timestamp') return { kind: 'timestamp', name, type: 'timestamp', values: data as Float64Array, valid };
      const values = data as Float64Array;
      const type = plan.type === 'integer' && values.every((x) => Number.isInteger(x)) ? 'integer' : 'float';
      return { kind: 'number', name, type, values, valid };
    });
    return { columns, rowCount: n, rowOffset };
  }
}
