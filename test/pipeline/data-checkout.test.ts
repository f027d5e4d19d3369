import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProject, type Project, sha256, STEP_SCRIPT } from './project.js';

/** Writes model.txt and metrics.json from lr and epochs in params.yaml. */
const TRAIN = `
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
appendFileSync('runs.log', 'train\\n');
const text = readFileSync('params.yaml', 'utf8');
const lr = Number(/lr:\\s*(\\S+)/.exec(text)[1]);
const epochs = Number(/epochs:\\s*(\\S+)/.exec(text)[1]);
writeFileSync('model.txt', 'model lr=' + lr + ' epochs=' + epochs + '\\n' + readFileSync('data/clean.csv', 'utf8'));
writeFileSync('metrics.json', JSON.stringify({ acc: lr * 10, train: { loss: epochs / 4 } }));
`;

const PIPELINE = `
stages:
  prepare:
    cmd: node step.mjs prepare data/clean.csv --in data/raw.csv --param seed
    deps: [data/raw.csv]
    params: [seed]
    outs: [data/clean.csv]
  train:
    cmd: node train.mjs
    deps: [data/clean.csv]
    params: [lr, epochs]
    outs: [model.txt]
    metrics: [metrics.json]
`;

let p: Project | undefined;
afterEach(async () => {
  await p?.dispose();
  p = undefined;
});

async function project(): Promise<Project> {
  p = await createProject({
    'slipway.yaml': PIPELINE,
    'params.yaml': 'seed: 1\nlr: 0.1\nepochs: 2\n',
    'step.mjs': STEP_SCRIPT,
    'train.mjs': TRAIN,
    'data/raw.csv': 'id,value\n1,10\n',
    'data/images/cat.txt': 'meow\n',
    'data/images/sub/dog.txt': 'woof woof\n',
  });
  return p;
}

/** A folder's hash: sha256 of its canonical manifest (files sorted, each with its own sha256 and size). */
function folderHash(files: Record<string, string>): string {
  const entries = Object.keys(files).sort().map((path) => ({ path, hash: sha256(files[path] ?? ''), size: Buffer.byteLength(files[path] ?? '') }));
  return sha256(JSON.stringify({ kind: 'slipway.directory/v1', files: entries }));
}

const blobPath = (pr: Project, hash: string) => join(pr.dir, '.slipway', 'objects', 'sha256', hash.slice(0, 2), hash);

describe('slipway add and status', () => {
  it('tracks a file and a folder in slipway.lock by sha256 and reports edits', async () => {
    const pr = await project();
    const file = await pr.cli(['add', 'data/raw.csv']);
    expect(file.code).toBe(0);
    expect(file.stdout).toBe(`Tracking data/raw.csv (sha256:${sha256('id,value\n1,10\n').slice(0, 12)}, 14 bytes). Commit slipway.lock to version it.\n`);
    const folder = await pr.cli(['add', 'data/images', '--json']);
    const imagesHash = folderHash({ 'cat.txt': 'meow\n', 'sub/dog.txt': 'woof woof\n' });
    expect(folder.json()).toEqual({ added: [{ path: 'data/images', hash: imagesHash, size: 15, nfiles: 2 }] });
    expect((pr.lockYaml() as { data: unknown }).data).toEqual([
      { path: 'data/images', hash: imagesHash, size: 15, nfiles: 2 },
      { path: 'data/raw.csv', hash: sha256('id,value\n1,10\n'), size: 14 },
    ]);
    expect(pr.exists(blobPath(pr, imagesHash).slice(pr.dir.length + 1))).toBe(true);

    const clean = await pr.cli(['status', '--json']);
    expect(clean.json<{ data: unknown }>().data).toEqual([{ path: 'data/images', state: 'ok' }, { path: 'data/raw.csv', state: 'ok' }]);
    await pr.write('data/raw.csv', 'id,value\n1,11\n');
    await pr.remove('data/images/sub');
    expect((await pr.cli(['status', '--json'])).json<{ data: unknown }>().data).toEqual([
      { path: 'data/images', state: 'modified' },
      { path: 'data/raw.csv', state: 'modified' },
    ]);
    await pr.remove('data/raw.csv');
    const text = await pr.cli(['status']);
    expect(text.stdout).toContain('data data/images: modified\ndata data/raw.csv: missing\n');

    const back = await pr.cli(['checkout', '--json']);
    expect(back.json()).toEqual({ results: [{ path: 'data/images', action: 'restored' }, { path: 'data/raw.csv', action: 'restored' }] });
    expect(pr.read('data/raw.csv')).toBe('id,value\n1,10\n');
    expect(pr.read('data/images/sub/dog.txt')).toBe('woof woof\n');
  });

  it('refuses to add a stage out', async () => {
    const pr = await project();
    await pr.run();
    const res = await pr.cli(['add', 'model.txt']);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toBe("slipway: model.txt is an out of stage 'train'; it is versioned by the pipeline already.");
  });
});

describe('slipway checkout', () => {
  it('puts back the outs an older slipway.lock describes, byte for byte', async () => {
    const pr = await project();
    await pr.run();
    const lockV1 = pr.read('slipway.lock');
    const v1 = { model: pr.read('model.txt'), metrics: pr.read('metrics.json'), clean: pr.read('data/clean.csv') };
    await pr.write('params.yaml', 'seed: 1\nlr: 0.2\nepochs: 2\n');
    await pr.run();
    expect(pr.read('model.txt')).not.toBe(v1.model);

    await pr.write('slipway.lock', lockV1); // as `git checkout HEAD~1 -- slipway.lock` would
    const res = await pr.cli(['checkout']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(['unchanged          data/clean.csv', 'restored           metrics.json', 'restored           model.txt', ''].join('\n'));
    expect({ model: pr.read('model.txt'), metrics: pr.read('metrics.json'), clean: pr.read('data/clean.csv') }).toEqual(v1);
    expect(pr.runsLog()).toEqual(['prepare', 'train', 'train']);
    const only = await pr.cli(['checkout', 'train', '--json']);
    expect(only.json()).toEqual({ results: [{ path: 'metrics.json', action: 'unchanged' }, { path: 'model.txt', action: 'unchanged' }] });
  });

  it('reports a path whose object is missing from the store and exits 1', async () => {
    const pr = await project();
    await pr.cli(['add', 'data/raw.csv']);
    const hash = sha256('id,value\n1,10\n');
    await rm(blobPath(pr, hash));
    await pr.remove('data/raw.csv');
    const text = await pr.cli(['checkout']);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('missing-from-store data/raw.csv\n');
    expect(text.stderr.split('\n')[0]).toBe('slipway: 1 path(s) are not in the object store: data/raw.csv');
    expect(pr.exists('data/raw.csv')).toBe(false);
  });

  it('with --json, a path missing from the store still exits 1', async () => {
    const pr = await project();
    await pr.cli(['add', 'data/raw.csv']);
    await rm(blobPath(pr, sha256('id,value\n1,10\n')));
    await pr.remove('data/raw.csv');
    const res = await pr.cli(['checkout', '--json']);
    expect(res.json()).toEqual({ results: [{ path: 'data/raw.csv', action: 'missing-from-store' }] });
    expect(res.code).toBe(1); // a script reading --json must not be told the checkout succeeded
    expect(JSON.parse(res.stderr)).toEqual({ error_code: 'CHECK_FAILED', message: '1 path(s) are not in the object store: data/raw.csv' });
  });
});

describe('params diff and metrics diff', () => {
  it('compares two pipeline runs by id, as a table and as Markdown', async () => {
    const pr = await project();
    const first = await pr.run();
    await pr.write('params.yaml', 'seed: 2\nlr: 0.2\nepochs: 2\n');
    const second = await pr.run();
    expect(second.stages.map((s) => s.outcome)).toEqual(['ran', 'ran']);
    const [a, b] = [first.parentRunId ?? '', second.parentRunId ?? ''];

    const params = await pr.cli(['params', 'diff', a, b, '--json']);
    expect(params.json()).toEqual({
      a, b,
      rows: [{ path: 'run', key: 'lr', old: '0.1', new: '0.2' }, { path: 'run', key: 'seed', old: '1', new: '2' }],
    });
    const md = await pr.cli(['params', 'diff', a, b, '--md', '--all']);
    expect(md.stdout).toBe(`| Path | Key | ${a} | ${b} |\n|---|---|---|---|\n| run | epochs | 2 | 2 |\n| run | lr | 0.1 | 0.2 |\n| run | seed | 1 | 2 |\n`);

    const metrics = await pr.cli(['metrics', 'diff', a, b, '--json']);
    expect(metrics.json()).toEqual({ a, b, rows: [{ path: 'train', key: 'acc', old: 1, new: 2, change: 1 }] });
    const mdm = await pr.cli(['metrics', 'diff', a, b, '--md', '--all']);
    expect(mdm.stdout).toBe(`| Path | Key | ${a} | ${b} | Change |\n|---|---|---|---|---|\n| train | acc | 1 | 2 | 1 |\n| train | train.loss | 0.5 | 0.5 | 0 |\n`);
  });

  it('between two pipeline runs, a stage skipped in one of them does not show its params and metrics as removed', async () => {
    const pr = await project();
    const first = await pr.run();
    await pr.write('slipway.yaml', PIPELINE.replace('--param seed', '--param seed --noop x'));
    const second = await pr.run(); // prepare re-runs (cmd changed) with the same output: train is up to date
    expect(second.stages.map((s) => s.outcome)).toEqual(['ran', 'skipped']);
    const [a, b] = [first.parentRunId ?? '', second.parentRunId ?? ''];
    // No param and no metric differs between the two runs: train's lr, epochs and acc are what they were.
    expect((await pr.cli(['params', 'diff', a, b, '--json'])).json<{ rows: unknown[] }>().rows).toEqual([]);
    expect((await pr.cli(['metrics', 'diff', a, b, '--json'])).json<{ rows: unknown[] }>().rows).toEqual([]);
  });

  it('compares the workspace with a git ref', async () => {
    const pr = await project();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=Test', ...args], { cwd: pr.dir, encoding: 'utf8' });
    await pr.write('.gitignore', '.slipway/\nruns.log\n');
    git('init', '-q');
    await pr.run();
    git('add', '-A');
    git('commit', '-q', '-m', 'first');

    await pr.write('params.yaml', 'seed: 1\nlr: 0.2\nepochs: 6\n');
    await pr.run();
    const table = await pr.cli(['params', 'diff', 'HEAD']);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(
      ['PATH         KEY     HEAD  workspace', '-----------  ------  ----  ---------', 'params.yaml  epochs  2     6', 'params.yaml  lr      0.1   0.2', ''].join('\n'),
    );
    expect((await pr.cli(['params', 'diff', 'HEAD', '--md'])).stdout).toBe(
      '| Path | Key | HEAD | workspace |\n|---|---|---|---|\n| params.yaml | epochs | 2 | 6 |\n| params.yaml | lr | 0.1 | 0.2 |\n',
    );
    expect((await pr.cli(['metrics', 'diff', 'HEAD', '--json'])).json()).toEqual({
      a: 'HEAD', b: 'workspace',
      rows: [{ path: 'metrics.json', key: 'acc', old: 1, new: 2, change: 1 }, { path: 'metrics.json', key: 'train.loss', old: 0.5, new: 1.5, change: 1 }],
    });
    expect((await pr.cli(['metrics', 'diff', 'HEAD', '--md'])).stdout).toBe(
      '| Path | Key | HEAD | workspace | Change |\n|---|---|---|---|---|\n| metrics.json | acc | 1 | 2 | 1 |\n| metrics.json | train.loss | 0.5 | 1.5 | 1 |\n',
    );
    const same = await pr.cli(['params', 'diff', 'HEAD', 'HEAD']);
    expect(same.code).toBe(2);
    expect(same.stderr.split('\n')[0]).toBe('slipway: Give two different sides to compare.');
  });
});
