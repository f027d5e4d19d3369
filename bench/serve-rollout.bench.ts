import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromColumns } from '../src/data/index.js';
import { createModelVersion, createRegisteredModel } from '../src/registry/index.js';
import { createDeploymentEndpoint, createModelServer, startRollout } from '../src/serve/index.js';
import { exportOnnx, trainModel } from '../src/train/index.js';
import { benchStore } from './bench-store.js';
import { httpLoad } from './http-load.js';
import type { BenchResult } from './report.js';

const CONNECTIONS = 64;
const DURATION_MS = 4000;

/**
 * Issue 6: a blue/green switch under the one-row load must fail zero requests. The same load runs
 * twice against a server following a deployment: once steady (the baseline), once with v2 deployed
 * half-way through (loaded beside v1, then one assignment switches).
 */
export async function serveRolloutBench(): Promise<BenchResult[]> {
  const b = await benchStore();
  try {
    const rows = 200;
    const x = Array.from({ length: rows }, (_, i) => i / 10);
    const color = Array.from({ length: rows }, (_, i) => ['red', 'green', 'blue'][i % 3]);
    await createRegisteredModel(b.store, 'clf');
    for (const [v, cut] of [[1, 10], [2, 12]] as const) {
      const y = x.map((xi, i) => (xi + (i % 3) > cut ? 'high' : 'low'));
      const path = join(b.dir, `v${v}.onnx`);
      await writeFile(path, exportOnnx(trainModel(tableFromColumns({ x, color, y }), { target: 'y', algorithm: 'gbdt', params: { max_iter: 20 } })));
      await createModelVersion(b.store, 'clf', { source: path });
    }
    await startRollout(b.store, 'clf', { ref: { model: 'clf', version: '1' }, strategy: 'bluegreen' });
    const endpoint = createDeploymentEndpoint({ store: b.store, name: 'clf', pollMs: 60_000 });
    await endpoint.start();
    const server = createModelServer({ endpoints: [endpoint] });
    const { port } = await server.listen();
    const body = JSON.stringify({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [3.5] }, { name: 'color', shape: [1, 1], datatype: 'BYTES', data: ['red'] }] });
    const load = () => httpLoad({ port, path: '/v2/models/clf/infer', body, connections: CONNECTIONS, durationMs: DURATION_MS });
    try {
      const steady = await load();
      const during = load();
      await new Promise((r) => setTimeout(r, DURATION_MS / 2));
      const t = performance.now();
      await startRollout(b.store, 'clf', { ref: { model: 'clf', version: '2' }, strategy: 'bluegreen' });
      await endpoint.sync();
      const switchMs = performance.now() - t;
      const switched = await during;
      const ok = switched.errors === 0 && endpoint.revision() === 2;
      return [
        {
          name: `blue/green switch to v2 under ${CONNECTIONS} connections (${switched.requests} requests, errors: ${switched.errors}; v2 loaded and switched in ${switchMs.toFixed(0)} ms)`,
          value: switched.rps, unit: 'req/s', baseline: { value: steady.rps, what: 'the same load with no switch' },
          ratio: switched.rps / steady.rps, target: 'zero failed requests', pass: ok,
        },
      ];
    } finally {
      await server.close();
    }
  } finally {
    await b.dispose();
  }
}
