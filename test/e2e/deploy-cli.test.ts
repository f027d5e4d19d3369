import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromColumns } from '../../src/data/index.js';
import { predict, trainModel, writeModelOnnx } from '../../src/train/index.js';
import { ensureBuilt, ROOT } from '../helpers/ensure-dist.js';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
let env: Record<string, string>;
let server: ChildProcess | undefined;
let serverErr = '';

const n = 120;
const x = Array.from({ length: n }, (_, i) => i / 10);
const color = Array.from({ length: n }, (_, i) => ['red', 'green', 'blue'][i % 3] as string);
const models = {
  '1': trainModel(tableFromColumns({ x, color, y: x.map((v, i) => (v + (i % 3) > 6 ? 'high' : 'low')) }), { target: 'y', algorithm: 'logistic' }),
  '2': trainModel(tableFromColumns({ x, color, y: x.map((v) => (v > 9 ? 'high' : 'low')) }), { target: 'y', algorithm: 'logistic' }),
};
const probe = { x: [1, 7.5, 10, 11.5], color: ['red', 'blue', 'green', 'red'] };

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'slipway-deploy-cli-'));
  env = { SLIPWAY_HOME: join(dir, '.slipway'), SLIPWAY_USER: 'ops' };
  for (const v of ['1', '2'] as const) {
    await writeModelOnnx(models[v], join(dir, `v${v}.onnx`));
    const labels = predict(models[v], tableFromColumns(probe)).labels ?? [];
    await writeFile(join(dir, `smoke-v${v}.json`), JSON.stringify({ inputs: probe, expected: labels }));
    await writeFile(join(dir, `smoke-v${v}-lie.json`), JSON.stringify({ inputs: probe, expected: labels.map((l) => (l === 'high' ? 'low' : 'high')) }));
  }
}, 200_000);
afterAll(async () => {
  server?.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

async function startServer(): Promise<string> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'slipway.js'), 'serve', '--deployment', 'web', '--port', '0', '--poll-ms', '50'], {
    cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  child.stderr?.on('data', (d: Buffer) => (serverErr += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out} ${serverErr}`)));
  });
}

async function servedBy(base: string): Promise<string | null> {
  const res = await fetch(`${base}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: { x: [3], color: ['red'] } }) });
  expect(res.status).toBe(200);
  return res.headers.get('x-slipway-served-by');
}

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('slipway deploy / rollback / deployments with a running `slipway serve --deployment`', () => {
  it('rolls out, refuses a failing smoke test, switches a running server without a restart, and rolls back', async () => {
    for (const v of ['1', '2']) expect((await runCli(['models', 'register', 'iris', '--source', join(dir, `v${v}.onnx`)], env)).code).toBe(0);
    const first = await runCli(['deploy', 'web', '--model', 'models:/iris/1', '--smoke', join(dir, 'smoke-v1.json')], env);
    expect(first.stdout).toContain('Smoke test passed: 4 rows');
    expect(first.stdout).toContain('web revision 1: serving iris/1.');

    const base = await startServer();
    expect(await servedBy(base)).toBe('iris/1');

    const refused = await runCli(['deploy', 'web', '--model', 'models:/iris/2', '--smoke', join(dir, 'smoke-v2-lie.json')], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/iris version 2 not deployed to 'web': smoke test failed on 4 of 4 rows/);

    const bluegreen = await runCli(['deploy', 'web', '--model', 'models:/iris/2', '--smoke', join(dir, 'smoke-v2.json'), '--reason', 'new features', '--json'], env);
    expect(bluegreen.code).toBe(0);
    expect(bluegreen.json<{ deployment: { revision: number; spec: { stable: unknown; standby: unknown } } }>().deployment).toMatchObject({
      revision: 2, spec: { stable: { model: 'iris', version: '2' }, standby: { model: 'iris', version: '1' } },
    });
    await until(async () => (await servedBy(base)) === 'iris/2');

    expect((await runCli(['rollback', 'web', '--reason', 'complaints'], env)).stdout).toContain('web revision 3: serving iris/1 (rolled back from iris/2).');
    await until(async () => (await servedBy(base)) === 'iris/1');

    const show = (await runCli(['deployments', 'show', 'web', '--json'], env)).json<{ history: { action: string; actor: string; reason: string }[] }>();
    expect(show.history.map((h) => [h.action, h.actor])).toEqual([['deploy', 'ops'], ['deploy', 'ops'], ['rollback', 'ops']]);
    expect(show.history[1]?.reason).toBe('new features');
    const audit = (await runCli(['audit', 'list', '--action', 'deployment', '--json'], env)).json<{ entries: { action: string }[] }>();
    expect(audit.entries.map((e) => e.action)).toEqual(['deployment.rollback', 'deployment.deploy', 'deployment.smoke_failed', 'deployment.deploy']);
    const list = await runCli(['deployments', 'list'], env);
    expect(list.stdout).toMatch(/web\s+3\s+serving\s+iris\/1\s+iris\/2/);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/slipway_requests_total\{deployment="web",model="iris",version="2",protocol="mlflow",status="200"\} [1-9]/);
    expect(serverErr).toContain('"msg":"deployment revision serving"');
  }, 60_000);

  it('answers bad input with exit 2 and a message saying what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['deploy', 'web', '--model', 'models:/iris/1', '--strategy', 'rainbow'], /--strategy must be one of bluegreen, canary, shadow, ab/],
      [['deploy', 'Web_1', '--model', 'models:/iris/1', '--skip-smoke'], /deployment name 'Web_1' must be/],
      [['deploy', 'web', '--model', 'models:/iris/1', '--percent', '20'], /--percent applies to canary, shadow and ab/],
      [['deploy', 'web', '--model', 'models:/iris/1', '--strategy', 'canary', '--percent', '150'], /--percent expects a number in 0..100/],
      [['deploy', 'web', '--model', 'models:/iris/9', '--skip-smoke'], /iris/],
      [['deploy', 'web', '--model', 'models:/iris/1', '--smoke', 'nope.json'], /cannot read the smoke test file nope.json: ENOENT/],
      [['rollback', 'nothing-here'], /No deployment named 'nothing-here'/],
      [['serve'], /give --deployment NAME or --model/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, env);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
    }
  });
});
