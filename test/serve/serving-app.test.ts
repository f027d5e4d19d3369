import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createJsonLogger, joinFeedback, listPayloadBatches, readPayloadBatch, type ServingApp, startRollout, startServingApp,
} from '../../src/serve/index.js';
import { BACKENDS } from '../backends.js';
import { type DeploymentFixture, deploymentFixture } from './deployment-fixture.js';

const sqlite = BACKENDS[0] as (typeof BACKENDS)[number];

describe('slipway serve as a whole: deployment, payload log, feedback, metrics, logs', () => {
  let f: DeploymentFixture;
  let app: ServingApp | undefined;
  let lines: Record<string, unknown>[];

  beforeEach(async () => {
    f = await deploymentFixture(sqlite);
    lines = [];
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await f.dispose();
  });

  async function start(format: 'jsonl' | 'parquet' = 'jsonl') {
    await startRollout(f.t.store, 'web', { ref: { model: 'iris', version: '1' }, strategy: 'bluegreen' });
    const log = createJsonLogger({ stream: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) } });
    app = await startServingApp({
      store: f.t.store, deployments: ['web'], log, accessLog: true, payloadLog: { sampleRate: 1, format, flushIntervalMs: 50, maxBatchRecords: 7 },
    });
    return app;
  }

  /** Rows [from, from + n) of the fixture through MLflow's dataframe_split. */
  async function invocations(a: ServingApp, from: number, n: number, id: string) {
    const idx = Array.from({ length: n }, (_, k) => from + k);
    const body = { dataframe_split: { columns: ['x1', 'x2', 'color'], data: idx.map((i) => [f.rows.x1[i], f.rows.x2[i], f.rows.color[i]]) } };
    const res = await fetch(`${a.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { predictions: string[] }).predictions;
  }

  for (const format of ['jsonl', 'parquet'] as const) {
    it(`logs every served row at sample rate 1 (${format}), and feedback joins them by request id`, async () => {
      const a = await start(format);
      const sizes = [1, 3, 2, 5, 1, 4, 2, 6, 1, 3]; // 28 rows over 10 requests, several batches of 7 records
      let at = 0;
      for (const [k, n] of sizes.entries()) {
        expect(await invocations(a, at, n, `req-${k}`)).toEqual(f.expected['1'].labels?.slice(at, at + n));
        at += n;
      }
      await a.payloadLog?.flush();
      const batches = await listPayloadBatches(f.t.store, { deployment: 'web' });
      expect(batches.every((b) => b.format === format)).toBe(true);
      const rows = (await Promise.all(batches.map((b) => readPayloadBatch(f.t.store, b)))).flat();
      expect(rows).toHaveLength(28);
      expect(batches.reduce((s, b) => s + b.records, 0)).toBe(28);
      let i = 0;
      for (const [k, n] of sizes.entries()) {
        for (let r = 0; r < n; r++, i++) {
          const row = rows.find((x) => x.requestId === `req-${k}` && x.row === r);
          expect(row).toMatchObject({ deployment: 'web', model: 'iris', version: '1', role: 'primary', status: 200 });
          expect(row?.inputs).toEqual({ x1: f.rows.x1[i], x2: f.rows.x2[i], color: f.rows.color[i] });
          expect(row?.outputs.label).toBe(f.expected['1'].labels?.[i]);
        }
      }

      // ground truth for requests 0, 3 and 7 (one label per row), posted in one call
      const truth = (k: number) => {
        const start = sizes.slice(0, k).reduce((s, n) => s + n, 0);
        return Array.from({ length: sizes[k] as number }, (_, r) => (r % 2 === 0 ? 'high' : 'low') + String(start + r));
      };
      const fb = await fetch(`${a.url}/v1/feedback`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ feedback: [0, 3, 7].map((k) => ({ request_id: `req-${k}`, label: truth(k) })) }),
      });
      expect(await fb.json()).toEqual({ accepted: 3 });
      const joined = await joinFeedback(f.t.store, { deployment: 'web' });
      expect({ predictions: joined.predictions, labelled: joined.labelled }).toEqual({ predictions: 28, labelled: 1 + 5 + 6 });
      expect(joined.rows.filter((r) => r.requestId === 'req-3').map((r) => [r.row, r.label, r.outputs.label])).toEqual(
        truth(3).map((label, r) => [r, label, f.expected['1'].labels?.[6 + r]]),
      );
    });
  }

  it('answers bad feedback with 400 naming the item, and stores none of it', async () => {
    const a = await start();
    const res = await fetch(`${a.url}/v1/feedback`, { method: 'POST', body: JSON.stringify({ feedback: [{ request_id: 'a', label: 1 }, { label: 2 }] }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/feedback\[1\]\.request_id/);
    expect((await f.t.store.db.selectFrom('feedback').select('request_id').execute()).length).toBe(0);
  });

  it('exposes Prometheus metrics per deployment and version, and logs each request as JSON with its id', async () => {
    const a = await start();
    await invocations(a, 0, 3, 'm-1');
    await invocations(a, 3, 2, 'm-2');
    const bad = await fetch(`${a.url}/v2/models/web/infer`, { method: 'POST', body: '{"inputs": [}' });
    expect(bad.status).toBe(400);
    const res = await fetch(`${a.url}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('slipway_requests_total{deployment="web",model="iris",version="1",protocol="mlflow",status="200"} 2');
    expect(text).toContain('slipway_request_duration_seconds_count{deployment="web",model="iris",version="1",protocol="mlflow"} 2');
    expect(text).toContain('slipway_requests_total{deployment="",model="",version="",protocol="v2",status="400"} 1');
    expect(text).toMatch(/slipway_batch_size_rows_count\{model="iris",version="1"\} [1-9]/);
    expect(text).toContain('slipway_queue_depth_rows{model="iris",version="1"} 0');
    expect(text).toContain('process_resident_memory_bytes');
    const access = lines.filter((l) => l.msg === 'request');
    expect(access.find((l) => l.request_id === 'm-1')).toMatchObject({ level: 'info', path: '/invocations', status: 200, deployment: 'web', version: '1' });
    expect(access.find((l) => l.status === 400)?.error).toMatch(/invalid JSON body/);
    expect(lines.find((l) => l.msg === 'deployment revision serving')).toMatchObject({ deployment: 'web', revision: 1 });
  });
});
