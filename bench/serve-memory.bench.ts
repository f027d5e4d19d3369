import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromColumns } from '../src/data/index.js';
import { packageRoot } from '../src/package-root.js';
import { exportOnnx, trainModel } from '../src/train/index.js';
import { httpLoad } from './http-load.js';
import type { BenchResult } from './report.js';

const MIB = 1024 * 1024;
const CONNECTIONS = 32;

/** Resident set size of a process, from /proc (Linux), in bytes. */
async function rss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** `slipway serve --model FILE` in its own process, so its memory is measured alone. */
async function startServer(model: string, cwd: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'slipway.js'), 'serve', '--model', model, '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`slipway serve exited with ${code}: ${out}`)));
  });
  return { child, port };
}

/**
 * Issue 6: a server holding one small model stays under 250 MB RSS, and its RSS after 200,000
 * requests is within 10% of its RSS after 20,000 (no leak). The server runs as a child process
 * (`slipway serve`), loaded from this one.
 */
export async function serveMemoryBench(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-mem-'));
  const rows = 200;
  const table = tableFromColumns({
    x: Array.from({ length: rows }, (_, i) => i / 10),
    color: Array.from({ length: rows }, (_, i) => ['red', 'green', 'blue'][i % 3]),
    y: Array.from({ length: rows }, (_, i) => (i / 10 + (i % 3) > 10 ? 'high' : 'low')),
  });
  const model = join(dir, 'clf.onnx');
  await writeFile(model, exportOnnx(trainModel(table, { target: 'y', algorithm: 'gbdt', params: { max_iter: 20 } })));
  const { child, port } = await startServer(model, dir);
  try {
    const body = JSON.stringify({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [3.5] }, { name: 'color', shape: [1, 1], datatype: 'BYTES', data: ['red'] }] });
    const send = (requests: number) => httpLoad({ port, path: '/v2/models/clf/infer', body, connections: CONNECTIONS, requests });
    const idle = await rss(child.pid as number);
    const first = await send(20_000);
    const at20k = await rss(child.pid as number);
    const rest = await send(180_000);
    const at200k = await rss(child.pid as number);
    const errors = first.errors + rest.errors;
    return [
      {
        name: `server RSS with one small model after 200,000 requests (idle ${(idle / MIB).toFixed(0)} MB; errors: ${errors})`,
        value: at200k / MIB, unit: 'MB', baseline: { value: 250, what: 'the 250 MB bar' }, ratio: at200k / MIB / 250,
        target: '< 250 MB', pass: at200k < 250 * MIB && errors === 0,
      },
      {
        name: 'RSS after 200,000 requests vs after 20,000 (leak check)', value: at200k / MIB, unit: 'MB',
        baseline: { value: at20k / MIB, what: 'RSS after 20,000 requests' }, ratio: at200k / at20k, target: '<= 1.10x', pass: at200k / at20k <= 1.1,
      },
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }
}
