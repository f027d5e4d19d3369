import { createServer } from 'node:http';
import { tableFromColumns } from '../src/data/index.js';
import { createInferenceModel, createModelServer } from '../src/serve/index.js';
import { exportOnnx, trainModel } from '../src/train/index.js';
import { httpLoad } from './http-load.js';
import type { BenchResult } from './report.js';

const CONNECTIONS = 64;
const DURATION_MS = 4000;

const load = (port: number, path: string, body: string) => httpLoad({ port, path, body, connections: CONNECTIONS, durationMs: DURATION_MS });

/**
 * Issue 6: one-row V2 infer on a small tabular ONNX model at 64 connections must reach at least 0.8×
 * the requests per second of a bare node:http server answering a fixed JSON body, with p99 at most 2×.
 * The load generator runs in the same process (bounded in time), so both sides share the 2 cores alike.
 */
export async function serveBench(): Promise<BenchResult[]> {
  const rows = 200;
  const table = tableFromColumns({
    x: Array.from({ length: rows }, (_, i) => i / 10),
    color: Array.from({ length: rows }, (_, i) => ['red', 'green', 'blue'][i % 3]),
    y: Array.from({ length: rows }, (_, i) => (i / 10 + (i % 3) > 10 ? 'high' : 'low')),
  });
  const model = await createInferenceModel({ name: 'clf', source: exportOnnx(trainModel(table, { target: 'y', algorithm: 'gbdt', params: { max_iter: 20 } })) });
  const server = createModelServer({ models: [model] });
  const { port } = await server.listen();
  const fixed = JSON.stringify({ model_name: 'clf', outputs: [{ name: 'label', shape: [1], datatype: 'BYTES', data: ['low'] }] });
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(fixed) });
      res.end(fixed);
    });
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const barePort = (bare.address() as { port: number }).port;
  try {
    const body = JSON.stringify({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [3.5] }, { name: 'color', shape: [1, 1], datatype: 'BYTES', data: ['red'] }] });
    const baseline = await load(barePort, '/', body);
    const ours = await load(port, '/v2/models/clf/infer', body);
    return [
      {
        name: `one-row V2 infer, ${CONNECTIONS} connections, ${DURATION_MS / 1000} s (errors: ${ours.errors})`,
        value: ours.rps, unit: 'req/s', baseline: { value: baseline.rps, what: 'bare node:http answering a fixed JSON body' },
        ratio: ours.rps / baseline.rps, target: '>= 0.8x, no errors', pass: ours.rps / baseline.rps >= 0.8 && ours.errors === 0,
      },
      {
        name: 'p99 latency of the same load', value: ours.p99, unit: 'ms', baseline: { value: baseline.p99, what: 'bare node:http p99' },
        ratio: ours.p99 / baseline.p99, target: '<= 2x', pass: ours.p99 / baseline.p99 <= 2,
      },
    ];
  } finally {
    await server.close();
    await new Promise((r) => bare.close(r));
  }
}
