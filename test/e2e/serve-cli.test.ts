import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromColumns } from '../../src/data/index.js';
import { predict, trainModel, writeModelOnnx } from '../../src/train/index.js';
import { ensureBuilt, ROOT } from '../helpers/ensure-dist.js';

let dir: string;
let child: ChildProcess | undefined;
const rows = 120;
const table = tableFromColumns({
  x: Array.from({ length: rows }, (_, i) => i / 10),
  color: Array.from({ length: rows }, (_, i) => ['red', 'green', 'blue'][i % 3]),
  y: Array.from({ length: rows }, (_, i) => (i / 10 + (i % 3) > 6 ? 'high' : 'low')),
});
const model = trainModel(table, { target: 'y', algorithm: 'logistic' });

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'slipway-serve-cli-'));
  await writeModelOnnx(model, join(dir, 'clf.onnx'));
}, 200_000);
afterAll(async () => {
  child?.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

describe('slipway serve', () => {
  it('serves a model file on 127.0.0.1 over both protocols and stops on SIGTERM', async () => {
    child = spawn(process.execPath, [join(ROOT, 'bin', 'slipway.js'), 'serve', '--model', join(dir, 'clf.onnx'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      child?.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      });
      child?.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    expect((await fetch(`${base}/v2/health/live`)).status).toBe(200);
    const rowsIn = [{ x: 1, color: 'red' }, { x: 9, color: 'blue' }];
    const expected = predict(model, tableFromColumns({ x: [1, 9], color: ['red', 'blue'] })).labels;
    const mlflow = await fetch(`${base}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: rowsIn }) });
    expect(await mlflow.json()).toEqual({ predictions: expected });
    const oip = await fetch(`${base}/v2/models/clf/infer`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'req-42' },
      body: JSON.stringify({ inputs: [{ name: 'x', shape: [2, 1], datatype: 'FP32', data: [1, 9] }, { name: 'color', shape: [2, 1], datatype: 'BYTES', data: ['red', 'blue'] }] }),
    });
    expect(oip.headers.get('x-request-id')).toBe('req-42');
    const body = (await oip.json()) as { outputs: { name: string; data: unknown[] }[] };
    expect(body.outputs.find((o) => o.name === 'label')?.data).toEqual(expected);
    const bad = await fetch(`${base}/v2/models/clf/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [' });
    expect(bad.status).toBe(400);
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child?.on('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGTERM');
    // stderr is in the comparison so a crash on the way out says what it was.
    expect({ ...(await exited), stderr: stderr.includes('"level":"error"') || /Error|Abort/.test(stderr) ? stderr : '' }).toEqual({ code: 0, signal: null, stderr: '' });
    child = undefined;
  }, 60_000);
});
