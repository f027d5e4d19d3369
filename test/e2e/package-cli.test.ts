import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageCommand } from '../../src/cli/package-command.js';
import { SlipwayError } from '../../src/errors.js';
import { createModelVersion, createRegisteredModel, setAlias } from '../../src/registry/index.js';
import { openStore } from '../../src/store/index.js';
import { tableFromColumns } from '../../src/data/index.js';
import { buildManifests } from '../../src/package/build-manifests.js';
import { predict, trainModel, writeModelOnnx } from '../../src/train/index.js';
import { ensureBuilt, ROOT } from '../helpers/ensure-dist.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess | undefined;
const rows = 90;
const table = tableFromColumns({
  x: Array.from({ length: rows }, (_, i) => i / 10),
  y: Array.from({ length: rows }, (_, i) => (i / 10 > 4.5 ? 'high' : 'low')),
});
const model = trainModel(table, { target: 'y', algorithm: 'logistic' });

/** The built CLI in a child process, as a user runs it. */
function slipway(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'slipway.js'), ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'slipway-package-cli-'));
  const home = join(dir, 'home');
  env = { ...process.env, SLIPWAY_HOME: home, SLIPWAY_USER: 'alice' };
  await writeModelOnnx(model, join(dir, 'clf.onnx'));
  // Registered in-process (each CLI start costs about a CPU-second); the store is the one SLIPWAY_HOME names.
  await mkdir(home);
  const store = await openStore({ location: { home, databaseUrl: `sqlite:${join(home, 'slipway.db')}`, artifacts: join(home, 'objects') }, actor: 'alice' });
  try {
    await createRegisteredModel(store, 'churn');
    await createModelVersion(store, 'churn', { source: join(dir, 'clf.onnx') });
    await setAlias(store, 'churn', 'production', 1);
  } finally {
    await store.close();
  }
}, 200_000);
afterAll(async () => {
  server?.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('slipway package', () => {
  it('writes a package whose manifests are what buildManifests validates, and whose Slipway serves its model', async () => {
    const out = join(dir, 'pkg');
    const r = await slipway(['package', 'churn', '@production', '--out', out, '--autoscale', '2:5', '--target-cpu', '60', '--cpu', '500m:2', '--memory', '256Mi:1Gi', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { out: string; image: string; model: { version: string; sha256: string }; files: string[] };
    const bytes = await readFile(join(dir, 'clf.onnx'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(result).toMatchObject({ out, image: 'slipway-churn:1', model: { version: '1', sha256 } });
    expect(createHash('sha256').update(await readFile(join(out, 'model', 'model.onnx'))).digest('hex')).toBe(sha256);
    expect(result.files).toContain('k8s/hpa.yaml');

    const expected = buildManifests({
      modelName: 'churn', version: '1', modelSha256: sha256, autoscale: { min: 2, max: 5, targetCpuPercent: 60 },
      resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    });
    const yaml = async (f: string) => parse(await readFile(join(out, f), 'utf8')) as unknown;
    expect(await yaml('k8s/deployment.yaml')).toEqual(expected.deployment);
    expect(await yaml('k8s/service.yaml')).toEqual(expected.service);
    expect(await yaml('k8s/hpa.yaml')).toEqual(expected.hpa);
    expect(await yaml('kserve/inferenceservice.yaml')).toEqual(expected.inferenceService);
    // The running Slipway's own distribution was copied, so the image needs no published Slipway.
    expect(await readFile(join(out, 'slipway', 'package.json'), 'utf8')).toBe(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(await readFile(join(out, 'slipway', 'dist', 'src', 'cli', 'main.js'), 'utf8')).toBe(await readFile(join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'utf8'));

    // Stand in for `npm ci --omit=dev --ignore-scripts`: the project's packages, except better-sqlite3
    // without its compiled addon (what --ignore-scripts leaves). The copied Slipway must still serve.
    const modules = join(out, 'slipway', 'node_modules');
    await mkdir(modules);
    for (const name of await readdir(join(ROOT, 'node_modules'))) {
      if (name === 'better-sqlite3' || name === '.bin') continue;
      await symlink(join(ROOT, 'node_modules', name), join(modules, name));
    }
    await cp(join(ROOT, 'node_modules', 'better-sqlite3', 'lib'), join(modules, 'better-sqlite3', 'lib'), { recursive: true });
    await cp(join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), join(modules, 'better-sqlite3', 'package.json'));

    const container = (expected.deployment as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec.containers[0];
    const args = (container?.args ?? []).map((a) => (a === '/models/model.onnx' ? join(out, 'model', 'model.onnx') : a === '0.0.0.0' ? '127.0.0.1' : a === '8080' ? '0' : a));
    expect(args).toEqual(['serve', '--model', join(out, 'model', 'model.onnx'), '--name', 'churn', '--host', '127.0.0.1', '--port', '0']);
    server = spawn(process.execPath, [join(out, 'slipway', 'bin', 'slipway.js'), ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const base = await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (c: Buffer) => {
        text += c.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      };
      server?.stdout?.on('data', onData);
      server?.stderr?.on('data', onData);
      server?.on('exit', (code) => reject(new Error(`the packaged slipway exited with ${code}: ${text}`)));
    });
    expect((await fetch(`${base}/v2/health/ready`)).status).toBe(200);
    const res = await fetch(`${base}/v2/models/churn/infer`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'x', shape: [2, 1], datatype: 'FP32', data: [1, 8] }] }),
    });
    const body = (await res.json()) as { outputs: { name: string; data: unknown[] }[] };
    expect(body.outputs.find((o) => o.name === 'label')?.data).toEqual(predict(model, tableFromColumns({ x: [1, 8] })).labels);
    const exited = new Promise<number | null>((resolve) => server?.on('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
  }, 60_000);

  it('refuses bad input with exit 2 and a message saying what to fix', async () => {
    await mkdir(join(dir, 'taken'));
    await writeFile(join(dir, 'taken', 'file'), 'x');
    const cases: [string[], string][] = [
      [['package', 'churn', '1', '--out', 'a', '--autoscale', '5:2'], '--autoscale: MIN (5) is more than MAX (2).'],
      [['package', 'nope', '1', '--out', 'b'], 'Model Version (name=nope, version=1) not found'],
      [['package', 'churn', 'one', '--out', 'c'], "VERSION must be a version number (3), an alias (@production) or latest, got 'one'."],
      [['package', 'churn', '1', '--out', 'taken'], 'is not empty; choose a new folder, or pass --force'],
    ];
    const results = await Promise.all(cases.map(([args]) => slipway(args)));
    results.forEach((r, i) => {
      const [args, message] = cases[i] ?? [[], ''];
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(r.stderr).toContain(message);
    });
    expect((await readdir(dir)).filter((f) => /^[a-c]$|\.tmp-/.test(f))).toEqual([]);
    expect(await readdir(join(dir, 'taken'))).toEqual(['file']);
    const forced = await slipway(['package', 'churn', '1', '--out', 'taken', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Packaged models:/churn/1');
    expect(await readdir(join(dir, 'taken'))).not.toContain('file');
  }, 60_000);

  it.each([
    [['--autoscale', 'lots'], "--autoscale expects MIN:MAX, e.g. 2:10, got 'lots'."],
    [['--autoscale', '0:2'], '--autoscale: MIN must be at least 1, got 0.'],
    [['--replicas', '3', '--autoscale', '1:2'], '--replicas and --autoscale conflict'],
    [['--target-cpu', '50'], '--target-cpu needs --autoscale MIN:MAX.'],
    [['--autoscale', '1:2', '--target-cpu', 'half'], "--target-cpu expects a positive integer, got 'half'."],
    [['--replicas', '0'], "--replicas expects a positive integer, got '0'."],
    [['--port', '70000'], "--port expects 1..65535, got '70000'."],
    [['--memory', '1:2:3'], "--memory expects REQUEST or REQUEST:LIMIT, e.g. 250m:1, got '1:2:3'."],
    [['--cpu', ':2'], "--cpu expects REQUEST or REQUEST:LIMIT"],
  ])('refuses flags %j before opening any store', async (flags, message) => {
    // In-process: these fail while parsing, before the store is opened.
    const program = new Command().exitOverride();
    packageCommand(program);
    const err = await program.parseAsync(['node', 'slipway', 'package', 'churn', '1', '--out', join(dir, 'never'), ...flags]).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SlipwayError);
    expect((err as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((err as SlipwayError).message).toContain(message);
  });
});
