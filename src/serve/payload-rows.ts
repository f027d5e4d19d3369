/**
 * The payload log's file format: one row per predicted row (not per request), the same flat keys in
 * JSON Lines and Parquet, so a batch reads the same whatever it was written as.
 *
 * | key            | JSON Lines       | Parquet                                  |
 * |----------------|------------------|------------------------------------------|
 * | request_id     | string           | STRING, required                         |
 * | row            | number           | INT32, required: the row's index in its request |
 * | time           | epoch ms         | INT64 TIMESTAMP_MILLIS, required: when the request arrived |
 * | deployment     | string           | STRING, required                         |
 * | model          | string           | STRING, required                         |
 * | version        | string           | STRING, required                         |
 * | role           | string           | STRING, required: primary, canary or shadow |
 * | latency_ms     | number           | DOUBLE, required: the whole request's latency |
 * | status         | number           | INT32, required: the request's HTTP status |
 * | error          | string or null   | STRING, optional                         |
 * | input.<name>   | the row's value  | DOUBLE when every value in the file is a number, STRING when every one is a string, else JSON |
 * | output.<name>  | the row's value  | as inputs; a per-row vector (probabilities) is a LIST of DOUBLE |
 *
 * Outputs come per request either row-aligned (length = rows: a value per row) or flat row-major
 * (length = rows × k: `probabilities` as the runtime returns them), which becomes a k-vector per row.
 * A request that carries no rows (rejected before its inputs were read) still gives one row, row 0,
 * so errors are never invisible. A Parquet file has a column for every input and output name seen in
 * its batch; a record without one reads back as null there (JSON Lines lines hold only their own keys).
 */
import { type ColumnSource, parquetWriteBuffer } from 'hyparquet-writer';
import { parquetReadObjects } from 'hyparquet';
import type { SchemaElement } from 'hyparquet';
import { SlipwayError } from '../errors.js';
import type { Role } from './endpoint.js';

/** primary, canary or shadow (the endpoint's `Role`). */
export type PayloadRole = Role;
export type PayloadFormat = 'jsonl' | 'parquet';

/** One served request as the server hands it to the payload log. */
export interface PayloadRecord {
  readonly requestId: string;
  /** Epoch ms when the request arrived (whole milliseconds: Parquet stores it as TIMESTAMP_MILLIS). */
  readonly time: number;
  /** The deployment name, or the model name when a bare model is served. */
  readonly deployment: string;
  readonly model: string;
  readonly version: string;
  /** Which side of a rollout answered; shadow answers are mirrored and never returned. */
  readonly role: PayloadRole;
  /** Input columns as validated (one array per input, each `rows` long). */
  readonly inputs: Readonly<Record<string, readonly unknown[]>>;
  /** Output columns: row-aligned (length rows) or flat row-major (length rows × k). */
  readonly outputs: Readonly<Record<string, readonly unknown[] | ArrayLike<number>>>;
  readonly latencyMs: number;
  /** The HTTP status answered; errors are logged too, with outputs {} and `error`. */
  readonly status: number;
  readonly error?: string;
}

/** One logged prediction row, as read back from a batch. */
export interface PayloadRow {
  readonly requestId: string;
  readonly row: number;
  readonly time: number;
  readonly deployment: string;
  readonly model: string;
  readonly version: string;
  readonly role: PayloadRole;
  readonly latencyMs: number;
  readonly status: number;
  readonly error: string | null;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
}

const INPUT = 'input.';
const OUTPUT = 'output.';
/** Written into every Parquet file's key-value metadata so a reader can tell the schema's version. */
const SCHEMA_KEY = 'slipway.payload_schema';
const SCHEMA_VERSION = '1';

/** Rows a record expands to: its input columns' length, and at least one. */
export function rowsOf(r: PayloadRecord): number {
  return Math.max(1, inputRows(r));
}

/** The value of output `out` for row `i` of a request with `n` input rows (see the file comment). */
function outputAt(out: ArrayLike<unknown>, i: number, n: number): unknown {
  const len = out.length;
  if (len === n) return out[i] ?? null;
  if (n > 0 && len > n && len % n === 0) {
    const k = len / n;
    const v = new Array<unknown>(k);
    for (let j = 0; j < k; j++) v[j] = out[i * k + j];
    return v;
  }
  // Not row-shaped (or a request without rows): the whole output, on every row.
  return Array.from(out);
}

function inputRows(r: PayloadRecord): number {
  let n = 0;
  for (const name in r.inputs) n = Math.max(n, r.inputs[name]?.length ?? 0);
  return n;
}

/** JSON Lines: one object per row, fixed keys first. */
export function encodeJsonl(records: readonly PayloadRecord[]): Buffer {
  const lines: string[] = [];
  for (const r of records) {
    const n = inputRows(r);
    const total = Math.max(1, n);
    for (let i = 0; i < total; i++) {
      const line: Record<string, unknown> = {
        request_id: r.requestId,
        row: i,
        time: r.time,
        deployment: r.deployment,
        model: r.model,
        version: r.version,
        role: r.role,
        latency_ms: r.latencyMs,
        status: r.status,
        error: r.error ?? null,
      };
      if (n > 0) for (const name in r.inputs) line[INPUT + name] = r.inputs[name]?.[i] ?? null;
      for (const name in r.outputs) line[OUTPUT + name] = outputAt(r.outputs[name] as ArrayLike<unknown>, i, n);
      lines.push(JSON.stringify(line));
    }
  }
  lines.push('');
  return Buffer.from(lines.join('\n'), 'utf8');
}

type Kind = 'double' | 'string' | 'double_list' | 'json';

function kindOf(values: readonly unknown[]): Kind {
  let kind: Kind | undefined;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const k: Kind =
      typeof v === 'number'
        ? 'double'
        : typeof v === 'string'
          ? 'string'
          : Array.isArray(v) && v.every((x) => typeof x === 'number')
            ? 'double_list'
            : 'json';
    if (kind === undefined) kind = k;
    else if (kind !== k) return 'json';
    if (k === 'json') return 'json';
  }
  return kind ?? 'string';
}

function schemaFor(name: string, kind: Kind): SchemaElement[] {
  switch (kind) {
    case 'double':
      return [{ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' }];
    case 'string':
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }];
    case 'double_list':
      return [
        { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'DOUBLE', repetition_type: 'REQUIRED' },
      ];
    case 'json':
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' }];
  }
}

/** Parquet: the fixed columns, then `input.*` and `output.*` in first-seen order, one row group. */
export function encodeParquet(records: readonly PayloadRecord[]): Uint8Array {
  let total = 0;
  for (const r of records) total += rowsOf(r);
  const fixed = {
    request_id: new Array<string>(total),
    row: new Array<number>(total),
    time: new Array<bigint>(total),
    deployment: new Array<string>(total),
    model: new Array<string>(total),
    version: new Array<string>(total),
    role: new Array<string>(total),
    latency_ms: new Array<number>(total),
    status: new Array<number>(total),
    error: new Array<string | null>(total),
  };
  const variable = new Map<string, unknown[]>();
  const column = (key: string) => {
    let c = variable.get(key);
    if (!c) variable.set(key, (c = new Array<unknown>(total).fill(null)));
    return c;
  };
  let at = 0;
  for (const r of records) {
    const n = inputRows(r);
    const rows = Math.max(1, n);
    const time = BigInt(Math.round(r.time));
    for (let i = 0; i < rows; i++) {
      fixed.request_id[at + i] = r.requestId;
      fixed.row[at + i] = i;
      fixed.time[at + i] = time;
      fixed.deployment[at + i] = r.deployment;
      fixed.model[at + i] = r.model;
      fixed.version[at + i] = r.version;
      fixed.role[at + i] = r.role;
      fixed.latency_ms[at + i] = r.latencyMs;
      fixed.status[at + i] = r.status;
      fixed.error[at + i] = r.error ?? null;
    }
    if (n > 0) {
      for (const name in r.inputs) {
        const values = r.inputs[name] ?? [];
        const c = column(INPUT + name);
        for (let i = 0; i < n; i++) c[at + i] = values[i] ?? null;
      }
    }
    for (const name in r.outputs) {
      const out = r.outputs[name] as ArrayLike<unknown>;
      const c = column(OUTPUT + name);
      for (let i = 0; i < rows; i++) c[at + i] = outputAt(out, i, n);
    }
    at += rows;
  }
  const str = (name: string): SchemaElement => ({
    name,
    type: 'BYTE_ARRAY',
    converted_type: 'UTF8',
    repetition_type: 'REQUIRED',
  });
  const schema: SchemaElement[] = [
    { name: 'root', num_children: 10 + variable.size },
    str('request_id'),
    { name: 'row', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'time', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'REQUIRED' },
    str('deployment'),
    str('model'),
    str('version'),
    str('role'),
    { name: 'latency_ms', type: 'DOUBLE', repetition_type: 'REQUIRED' },
    { name: 'status', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'error', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  ];
  const columnData: ColumnSource[] = Object.entries(fixed).map(([name, data]) => ({ name, data }));
  for (const [name, data] of variable) {
    const kind = kindOf(data);
    schema.push(...schemaFor(name, kind));
    columnData.push({ name, data });
  }
  return new Uint8Array(
    parquetWriteBuffer({
      columnData,
      schema,
      rowGroupSize: Math.max(1, total),
      kvMetadata: [{ key: SCHEMA_KEY, value: SCHEMA_VERSION }],
    }),
  );
}

export function encodePayload(records: readonly PayloadRecord[], format: PayloadFormat): Uint8Array {
  return format === 'parquet' ? encodeParquet(records) : encodeJsonl(records);
}

/** Reads a batch file back into rows (the inverse of `encodePayload`). */
export async function decodePayload(bytes: Uint8Array, format: PayloadFormat): Promise<PayloadRow[]> {
  if (format === 'jsonl') {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => toRow(JSON.parse(line) as Record<string, unknown>));
  }
  if (format === 'parquet') {
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const objects = await parquetReadObjects({ file, parsers: { timestampFromMilliseconds: (v: bigint) => Number(v) } });
    return objects.map((o) => toRow(o as Record<string, unknown>));
  }
  throw new SlipwayError('INVALID_PARAMETER_VALUE', `unknown payload format '${String(format)}'`);
}

function toRow(o: Record<string, unknown>): PayloadRow {
  const inputs: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  for (const key in o) {
    const v = o[key] === undefined ? null : o[key]; // hyparquet reads a null list as undefined
    if (key.startsWith(INPUT)) inputs[key.slice(INPUT.length)] = v;
    else if (key.startsWith(OUTPUT)) outputs[key.slice(OUTPUT.length)] = v;
  }
  return {
    requestId: String(o.request_id),
    row: Number(o.row),
    time: Number(o.time),
    deployment: String(o.deployment),
    model: String(o.model),
    version: String(o.version),
    role: String(o.role) as PayloadRole,
    latencyMs: Number(o.latency_ms),
    status: Number(o.status),
    error: typeof o.error === 'string' ? o.error : null,
    inputs,
    outputs,
  };
}
