/**
 * Shared by this folder's payload-log and feedback tests only (not exported from index.ts):
 * deterministic served requests and the rows they must log, computed independently of payload-rows.ts.
 */
import type { PayloadFormat, PayloadRecord, PayloadRole, PayloadRow } from './payload-rows.js';

export const T0 = 1_700_000_000_000;
const COLORS = ['red', 'green', 'blue'];
const ROLES: PayloadRole[] = ['primary', 'primary', 'canary', 'shadow'];

export interface RecordOptions {
  readonly deployment?: string;
  /** @default (i % 4) + 1 */
  readonly rows?: number;
  readonly time?: number;
  readonly role?: PayloadRole;
}

/** Request `i`: x1/color inputs, label + flat 3-class probabilities (a Float32Array, as the runtime gives). */
export function servedRecord(i: number, options: RecordOptions = {}): PayloadRecord {
  const n = options.rows ?? (i % 4) + 1;
  const x1 = Array.from({ length: n }, (_, j) => i + j / 10);
  const color = Array.from({ length: n }, (_, j) => COLORS[(i + j) % 3] as string);
  const label = color.map((c) => `class-${c}`);
  const probabilities = new Float32Array(n * 3).map((_, j) => ((i * 7 + j) % 10) / 10);
  return {
    requestId: `req-${i}`,
    time: options.time ?? T0 + i * 10,
    deployment: options.deployment ?? 'churn',
    model: 'churn-model',
    version: i % 2 === 0 ? '1' : '2',
    role: options.role ?? (ROLES[i % ROLES.length] as PayloadRole),
    inputs: { x1, color },
    outputs: { label, probabilities },
    latencyMs: 0.25 + i,
    status: 200,
  };
}

/** A request rejected before its inputs were read. */
export function failedRecord(i: number, options: RecordOptions = {}): PayloadRecord {
  return {
    requestId: `bad-${i}`,
    time: options.time ?? T0 + i * 10 + 5,
    deployment: options.deployment ?? 'churn',
    model: 'churn-model',
    version: '1',
    role: 'primary',
    inputs: {},
    outputs: {},
    latencyMs: 0.5,
    status: 400,
    error: `input 'x1' is missing (${i})`,
  };
}

/**
 * The rows `r` must read back as. Parquet has a column for every input/output name in its file
 * (`columns`), null where a record lacks it; JSON Lines holds only the record's own keys.
 */
export function expectedRows(
  r: PayloadRecord,
  format: PayloadFormat,
  columns = { inputs: ['x1', 'color'], outputs: ['label', 'probabilities'] },
): PayloadRow[] {
  const n = Object.values(r.inputs)[0]?.length ?? 0;
  const rows: PayloadRow[] = [];
  for (let i = 0; i < Math.max(1, n); i++) {
    const inputs: Record<string, unknown> = {};
    const outputs: Record<string, unknown> = {};
    if (format === 'parquet') {
      for (const name of columns.inputs) inputs[name] = null;
      for (const name of columns.outputs) outputs[name] = null;
    }
    if (n > 0) for (const [name, values] of Object.entries(r.inputs)) inputs[name] = values[i];
    for (const [name, values] of Object.entries(r.outputs)) {
      const k = values.length / n;
      outputs[name] = k === 1 ? values[i] : Array.from(values).slice(i * k, (i + 1) * k);
    }
    rows.push({
      requestId: r.requestId,
      row: i,
      time: r.time,
      deployment: r.deployment,
      model: r.model,
      version: r.version,
      role: r.role,
      latencyMs: r.latencyMs,
      status: r.status,
      error: r.error ?? null,
      inputs,
      outputs,
    });
  }
  return rows;
}

export const byRequestAndRow = (a: PayloadRow, b: PayloadRow) =>
  a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : a.row - b.row;
