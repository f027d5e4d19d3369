import { tableFromColumns } from '../src/data/index.js';
import { startServingApp } from '../src/serve/index.js';
import { exportOnnx, trainModel } from '../src/train/index.js';
import { benchStore } from './bench-store.js';
import { httpLoad } from './http-load.js';
import type { BenchResult } from './report.js';

const CONNECTIONS = 64;
const DURATION_MS = 4000;
const MAX_BUFFERED = 10_000;

/**
 * Issue 6: payload logging at sample rate 1 keeps its buffer bounded. The one-row load runs against
 * the same model served without and with the payload log (JSON Lines batches into the embedded
 * store); the figures are the throughput cost and the most records ever held in memory.
 */
export async function servePayloadBench(): Promise<BenchResult[]> {
  const b = await benchStore();
  try {
    const rows = 200;
    const table = tableFromColumns({
      x: Array.from({ length: rows }, (_, i) => i / 10),
      color: Array.from({ length: rows }, (_, i) => ['red', 'green', 'blue'][i % 3]),
      y: Array.from({ length: rows }, (_, i) => (i / 10 + (i % 3) > 10 ? 'high' : 'low')),
    });
    const source = exportOnnx(trainModel(table, { target: 'y', algorithm: 'gbdt', params: { max_iter: 20 } }));
    const body = JSON.stringify({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [3.5] }, { name: 'color', shape: [1, 1], datatype: 'BYTES', data: ['red'] }] });
    const run = async (payloadLog: boolean) => {
      const app = await startServingApp({
        store: b.store, models: [{ name: 'clf', version: '1', source }],
        payloadLog: payloadLog ? { sampleRate: 1, maxBufferedRecords: MAX_BUFFERED } : false,
      });
      try {
        const load = await httpLoad({ port: app.port, path: '/v2/models/clf/infer', body, connections: CONNECTIONS, durationMs: DURATION_MS });
        await app.payloadLog?.flush();
        return { load, stats: app.payloadLog?.stats() };
      } finally {
        await app.close();
      }
    };
    const without = await run(false);
    const logged = await run(true);
    const s = logged.stats;
    if (!s) throw new Error('no payload log stats');
    return [
      {
        name: `one-row V2 infer with the payload log at sample rate 1 (${s.written} written in ${s.batches} batches, ${s.dropped} dropped, errors: ${logged.load.errors})`,
        value: logged.load.rps, unit: 'req/s', baseline: { value: without.load.rps, what: 'the same server without the payload log' },
        ratio: logged.load.rps / without.load.rps, target: '>= 0.7x, no errors', pass: logged.load.rps / without.load.rps >= 0.7 && logged.load.errors === 0,
      },
      {
        name: 'most payload records held in memory during that load', value: s.maxBuffered, unit: 'records',
        baseline: { value: MAX_BUFFERED, what: 'the configured bound' }, ratio: s.maxBuffered / MAX_BUFFERED, target: '<= bound, sampled = written + dropped',
        pass: s.maxBuffered <= MAX_BUFFERED && s.sampled === s.written + s.dropped + s.buffered,
      },
    ];
  } finally {
    await b.dispose();
  }
}
