import { tableFromColumns } from '../src/data/index.js';
import { createInferenceModel, createModelServer, DEFAULT_OFFLOAD_ROWS } from '../src/serve/index.js';
import { exportOnnx, trainModel } from '../src/train/index.js';
import { httpLoad } from './http-load.js';
import type { BenchResult } from './report.js';

const DURATION_MS = 4000;
const BIG_ROWS = 20_000;

/**
 * Issue 6: inference off the event loop where it pays. One-row requests (32 connections) share the
 * server with 2 connections sending 20,000-row requests; the one-row p99 is measured with big runs in
 * a worker thread (the default, from 1,024 rows) and with every run on the event loop (the baseline).
 */
export async function serveOffloadBench(): Promise<BenchResult[]> {
  const rows = 2000;
  const table = tableFromColumns({
    x: Array.from({ length: rows }, (_, i) => (i % 200) / 10),
    z: Array.from({ length: rows }, (_, i) => (i * 7919) % 1000),
    color: Array.from({ length: rows }, (_, i) => ['red', 'green', 'blue'][i % 3]),
    y: Array.from({ length: rows }, (_, i) => ((i % 200) / 10 + (i % 3) + ((i * 7919) % 1000) / 300 > 12 ? 'high' : 'low')),
  });
  const source = exportOnnx(trainModel(table, { target: 'y', algorithm: 'gbdt', params: { max_iter: 100, max_leaf_nodes: 31 } }));
  const one = JSON.stringify({ inputs: [
    { name: 'x', shape: [1, 1], datatype: 'FP32', data: [3.5] }, { name: 'z', shape: [1, 1], datatype: 'FP32', data: [10] },
    { name: 'color', shape: [1, 1], datatype: 'BYTES', data: ['red'] },
  ] });
  const big = JSON.stringify({ inputs: [
    { name: 'x', shape: [BIG_ROWS, 1], datatype: 'FP32', data: Array.from({ length: BIG_ROWS }, (_, i) => (i % 200) / 10) },
    { name: 'z', shape: [BIG_ROWS, 1], datatype: 'FP32', data: Array.from({ length: BIG_ROWS }, (_, i) => i % 1000) },
    { name: 'color', shape: [BIG_ROWS, 1], datatype: 'BYTES', data: Array.from({ length: BIG_ROWS }, (_, i) => ['red', 'green', 'blue'][i % 3]) },
  ] });
  const measure = async (offloadMinRows: number | false) => {
    const model = await createInferenceModel({ name: 'clf', source, offloadMinRows });
    const server = createModelServer({ models: [model], maxBodyBytes: 64 * 1024 * 1024 });
    const { port } = await server.listen();
    try {
      const path = '/v2/models/clf/infer';
      const [small, heavy] = await Promise.all([
        httpLoad({ port, path, body: one, connections: 32, durationMs: DURATION_MS }),
        httpLoad({ port, path, body: big, connections: 2, durationMs: DURATION_MS }),
      ]);
      return { small, heavy };
    } finally {
      await server.close();
    }
  };
  const inline = await measure(false);
  const offloaded = await measure(DEFAULT_OFFLOAD_ROWS);
  const errors = inline.small.errors + inline.heavy.errors + offloaded.small.errors + offloaded.heavy.errors;
  return [
    {
      name: `one-row p99 beside 20,000-row requests, big runs in a worker (${offloaded.heavy.requests} big, ${offloaded.small.requests} small requests; errors: ${errors})`,
      value: offloaded.small.p99, unit: 'ms', baseline: { value: inline.small.p99, what: `every run on the event loop (${inline.heavy.requests} big, ${inline.small.requests} small)` },
      ratio: offloaded.small.p99 / inline.small.p99, target: '<= 1x (lower is better), no errors', pass: offloaded.small.p99 <= inline.small.p99 && errors === 0,
    },
    {
      name: 'one-row throughput beside the big requests, big runs in a worker', value: offloaded.small.rps, unit: 'req/s',
      baseline: { value: inline.small.rps, what: 'every run on the event loop' }, ratio: offloaded.small.rps / inline.small.rps, target: 'informational', pass: true,
    },
  ];
}
