/**
 * Shared by this folder's tests only (not exported from index.ts): a small classifier trained on a
 * synthetic table and a real server for it on 127.0.0.1, port 0.
 */
import { tableFromColumns, type Table } from '../data/index.js';
import { exportOnnx, predict, type Predictions, trainModel, type TrainedModel } from '../train/index.js';
import { createInferenceModel } from './inference-model.js';
import { createModelServer, type ModelServer, type ModelServerOptions } from './server.js';

export interface Fixture {
  readonly model: TrainedModel;
  readonly table: Table;
  readonly rows: { x1: number[]; x2: number[]; color: string[] };
  readonly expected: Predictions;
  readonly server: ModelServer;
  readonly base: string;
}

const COLORS = ['red', 'green', 'blue'];

export function syntheticRows(n: number, seed: number): { x1: number[]; x2: number[]; color: string[] } {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const x1 = Array.from({ length: n }, () => Math.round(r() * 1000) / 100);
  const x2 = Array.from({ length: n }, () => Math.round(r() * 1000) / 100 - 5);
  const color = Array.from({ length: n }, () => COLORS[Math.floor(r() * 3)] as string);
  return { x1, x2, color };
}

export async function startFixture(options: Partial<ModelServerOptions> = {}): Promise<Fixture> {
  const train = syntheticRows(120, 7);
  const y = train.x1.map((a, i) => (a + (train.color[i] === 'red' ? 3 : 0) > 6 ? 'high' : (train.x2[i] as number) > 0 ? 'mid' : 'low'));
  const model = trainModel(tableFromColumns({ ...train, y }), { target: 'y', algorithm: 'logistic' });
  const rows = syntheticRows(20, 99);
  const table = tableFromColumns(rows);
  const inference = await createInferenceModel({ name: 'iris', version: '3', source: exportOnnx(model) });
  const server = createModelServer({ models: [inference], ...options });
  const { port } = await server.listen();
  return { model, table, rows, expected: predict(model, table), server, base: `http://127.0.0.1:${port}` };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

export async function get(url: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url);
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // plain-text answers (/version, /ping) stay text
  }
  return { status: res.status, json };
}

/** The OIP inputs for rows [from, to) of the fixture's rows. */
export function oipInputs(rows: Fixture['rows'], from = 0, to = rows.x1.length) {
  const n = to - from;
  return [
    { name: 'x1', datatype: 'FP32', shape: [n, 1], data: rows.x1.slice(from, to) },
    { name: 'x2', datatype: 'FP32', shape: [n], data: rows.x2.slice(from, to).map((v) => [v]) },
    { name: 'color', datatype: 'BYTES', shape: [n, 1], data: rows.color.slice(from, to) },
  ];
}
