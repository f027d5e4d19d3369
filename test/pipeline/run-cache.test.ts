import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipelineStatus } from '../../src/pipeline/index.js';
import { getRun } from '../../src/tracking/index.js';
import { createProject, type Project, stageOf } from './project.js';

/** Writes a file out, a folder out (with a subfolder) and a metrics file, all depending on lr. */
const TRAIN = `
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
appendFileSync('runs.log', 'train\\n');
const lr = Number(/lr:\\s*(\\S+)/.exec(readFileSync('params.yaml', 'utf8'))[1]);
writeFileSync('model.bin', Buffer.concat([Buffer.from('weights lr=' + lr + '\\n'), Buffer.from([0, 1, 2, 255, 254])]));
mkdirSync('models/sub', { recursive: true });
writeFileSync('models/a.txt', 'a ' + lr + '\\n');
writeFileSync('models/sub/b.txt', 'b ' + lr * 10 + '\\n');
writeFileSync('metrics.json', JSON.stringify({ acc: 1 - lr, loss: { final: lr / 2 } }));
`;

const PIPELINE = `
stages:
  train:
    cmd: node train.mjs
    deps: [train.mjs]
    params: [lr]
    outs: [model.bin, models]
    metrics: [metrics.json]
`;

const OUTS = ['model.bin', 'models/a.txt', 'models/sub/b.txt', 'metrics.json'];

let p: Project;
beforeEach(async () => {
  p = await createProject({ 'slipway.yaml': PIPELINE, 'params.yaml': 'lr: 0.1\n', 'train.mjs': TRAIN });
});
afterEach(() => p.dispose());

const snapshot = () => Object.fromEntries(OUTS.map((f) => [f, p.read(f)]));
const filesUnder = (rel: string) => readdirSync(join(p.dir, rel), { recursive: true, encoding: 'utf8' }).sort();
const trainReasons = async () => (await pipelineStatus(await p.spec())).stages.find((s) => s.stage === 'train')?.reasons;
const removeOuts = async () => {
  for (const out of ['model.bin', 'models', 'metrics.json']) await p.remove(out);
};

describe('run cache', () => {
  it('restores deleted file and folder outs byte for byte without running the command', async () => {
    const first = await p.run();
    expect(stageOf(first, 'train').outcome).toBe('ran');
    const before = snapshot();
    const lock = p.read('slipway.lock');
    await removeOuts();
    expect(await trainReasons()).toEqual(['out model.bin missing', 'out models missing', 'out metrics.json missing']);

    const r = await p.run();
    expect(r.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['train', 'restored', ['out model.bin missing', 'out models missing', 'out metrics.json missing']],
    ]);
    expect(snapshot()).toEqual(before);
    expect(Buffer.compare(Buffer.from(p.read('model.bin'), 'latin1'), Buffer.from(before['model.bin'] ?? '', 'latin1'))).toBe(0);
    expect(filesUnder('models')).toEqual(['a.txt', 'sub', 'sub/b.txt']);
    expect(p.runsLog()).toEqual(['train']);
    expect(p.read('slipway.lock')).toBe(lock);
    expect(await trainReasons()).toEqual([]);

    const child = await getRun(await p.store(), stageOf(r, 'train').runId ?? '');
    expect(child.info.status).toBe('FINISHED');
    expect(child.data.tags.find((t) => t.key === 'slipway.cache')?.value).toBe('run-cache');
    expect(child.data.metrics.filter((m) => !m.key.startsWith('slipway.')).map((m) => [m.key, m.value]).sort()).toEqual([
      ['acc', 0.9], ['loss.final', 0.05],
    ]);
    const firstChild = await getRun(await p.store(), stageOf(first, 'train').runId ?? '');
    const outputs = (run: typeof child) => run.inputs.datasets.filter((d) => d.context === 'output').map((d) => [d.name, d.digest]).sort();
    expect(outputs(child)).toEqual(outputs(firstChild));
    expect(outputs(child)).toHaveLength(3);
  });

  it('restores a folder out that was edited: changed files put back, extra files removed', async () => {
    await p.run();
    const before = snapshot();
    await p.write('models/a.txt', 'edited\n');
    await p.write('models/extra.txt', 'not part of the out\n');
    expect(await trainReasons()).toEqual(['out models modified']);
    const r = await p.run();
    expect(stageOf(r, 'train')).toMatchObject({ outcome: 'restored', reasons: ['out models modified'] });
    expect(snapshot()).toEqual(before);
    expect(filesUnder('models')).toEqual(['a.txt', 'sub', 'sub/b.txt']);
    expect(p.runsLog()).toEqual(['train']);
  });

  it('--no-run-cache runs the command instead of restoring', async () => {
    await p.run();
    const before = snapshot();
    await removeOuts();
    const r = await p.run({ noRunCache: true });
    expect(stageOf(r, 'train')).toMatchObject({ outcome: 'ran', reasons: ['out model.bin missing', 'out models missing', 'out metrics.json missing'] });
    expect(p.runsLog()).toEqual(['train', 'train']);
    expect(snapshot()).toEqual(before);

    await removeOuts();
    const cli = await p.cli(['run', '--no-run-cache', '--json']);
    expect(cli.code).toBe(0);
    expect(cli.json<{ stages: { stage: string; outcome: string }[] }>().stages.map((s) => [s.stage, s.outcome])).toEqual([['train', 'ran']]);
    expect(p.runsLog()).toEqual(['train', 'train', 'train']);

    await removeOuts();
    const cached = await p.cli(['run', '--json']);
    expect(cached.json<{ stages: { outcome: string }[] }>().stages.map((s) => s.outcome)).toEqual(['restored']);
    expect(p.runsLog()).toHaveLength(3);
  });

  it('a param changed and changed back restores the earlier outs', async () => {
    await p.run();
    const v1 = snapshot();
    await p.write('params.yaml', 'lr: 0.2\n');
    const second = await p.run();
    expect(stageOf(second, 'train')).toMatchObject({ outcome: 'ran', reasons: ['param lr changed'] });
    expect(p.read('models/a.txt')).toBe('a 0.2\n');
    const v2 = snapshot();

    await p.write('params.yaml', 'lr: 0.1\n');
    const back = await p.run();
    expect(stageOf(back, 'train')).toMatchObject({
      outcome: 'restored',
      reasons: ['param lr changed'],
    });
    expect(snapshot()).toEqual(v1);
    await p.write('params.yaml', 'lr: 0.2\n');
    expect(stageOf(await p.run(), 'train').outcome).toBe('restored');
    expect(snapshot()).toEqual(v2);
    expect(p.runsLog()).toEqual(['train', 'train']);
  });

  it('after a git-checkout-like rollback of slipway.lock and params.yaml, run restores the old outs', async () => {
    await p.run();
    const v1 = snapshot();
    const lockV1 = p.read('slipway.lock');
    await p.write('params.yaml', 'lr: 0.3\n');
    await p.run();
    expect(p.read('slipway.lock')).not.toBe(lockV1);

    // `git checkout HEAD~1 -- slipway.lock params.yaml`: the workspace still holds the newer outs.
    await p.write('slipway.lock', lockV1);
    await p.write('params.yaml', 'lr: 0.1\n');
    expect(await trainReasons()).toEqual(['out model.bin modified', 'out models modified', 'out metrics.json modified']);
    const r = await p.run();
    expect(stageOf(r, 'train')).toMatchObject({ outcome: 'restored' });
    expect(snapshot()).toEqual(v1);
    expect(p.read('slipway.lock')).toBe(lockV1);
    expect(p.runsLog()).toEqual(['train', 'train']);
  });
});
