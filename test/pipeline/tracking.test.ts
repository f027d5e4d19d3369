import { basename } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { BACKENDS, type TestBackend } from '../backends.js';
import { startTrackingServer } from '../helpers/tracking-server.js';
import { getRun, listArtifacts, listChildRuns, openArtifact } from '../../src/tracking/index.js';
import { createProject, type Project, sha256, stageOf } from './project.js';

// Stages must see MLflow's variables only because of SLIPWAY_TRACKING_URI, never from the shell running the tests.
for (const k of ['MLFLOW_TRACKING_URI', 'MLFLOW_RUN_ID', 'MLFLOW_EXPERIMENT_ID']) delete process.env[k];

/** Records the environment it sees, prints two lines, writes its out and a metrics file. */
const TRAIN = `
import { readFileSync, writeFileSync } from 'node:fs';
const keys = ['SLIPWAY_RUN_ID', 'SLIPWAY_PARENT_RUN_ID', 'SLIPWAY_EXPERIMENT_ID', 'SLIPWAY_STAGE', 'SLIPWAY_PROJECT_ROOT', 'SLIPWAY_HOME',
  'SLIPWAY_TRACKING_URI', 'MLFLOW_TRACKING_URI', 'MLFLOW_RUN_ID', 'MLFLOW_EXPERIMENT_ID', 'MY_FLAG'];
writeFileSync('env.json', JSON.stringify(Object.fromEntries(keys.map((k) => [k, process.env[k] ?? null]))));
console.log('training on ' + readFileSync('data/in.csv', 'utf8').trim().split('\\n').length + ' rows');
console.error('warning: tiny data');
writeFileSync('model.txt', 'model\\n');
writeFileSync('metrics.json', JSON.stringify({ acc: 0.75, eval: { f1: 0.5, passed: true }, note: 'text is skipped' }));
`;

const PIPELINE = `
stages:
  train:
    cmd: node train.mjs
    deps: [data/in.csv, train.mjs]
    params: [lr, train.batch]
    outs: [model.txt]
    metrics: [metrics.json]
    env: {MY_FLAG: on}
`;

let p: Project;
beforeEach(async () => {
  p = await createProject({
    'slipway.yaml': PIPELINE, 'params.yaml': 'lr: 0.1\ntrain:\n  batch: 32\n  unused: 1\n', 'train.mjs': TRAIN, 'data/in.csv': 'a\n1\n2\n',
  });
});
afterEach(() => p.dispose());

type Env = Record<string, string | null>;

async function artifactText(runId: string, path: string): Promise<string> {
  const { stream } = await openArtifact(await p.store(), runId, path);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('what a stage sees and what its run records', () => {
  it('a stage sees its own run, its parent run and its stage name', async () => {
    const r = await p.run();
    const runId = stageOf(r, 'train').runId ?? '';
    const env = JSON.parse(p.read('env.json')) as Env;
    expect(env).toEqual({
      SLIPWAY_RUN_ID: runId,
      SLIPWAY_PARENT_RUN_ID: r.parentRunId,
      SLIPWAY_EXPERIMENT_ID: '1',
      SLIPWAY_STAGE: 'train',
      SLIPWAY_PROJECT_ROOT: p.dir,
      SLIPWAY_HOME: `${p.dir}/.slipway`,
      // Tracking is the local store, which SLIPWAY_HOME and SLIPWAY_DATABASE_URL already name.
      SLIPWAY_TRACKING_URI: null,
      MLFLOW_TRACKING_URI: null,
      MLFLOW_RUN_ID: null,
      MLFLOW_EXPERIMENT_ID: null,
      MY_FLAG: 'on',
    });
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    expect(runId).not.toBe(r.parentRunId);
  });

  it("the stage's run has its params, metrics, deps and outs by sha256, its log and its parent", async () => {
    const r = await p.run();
    const store = await p.store();
    const parent = await getRun(store, r.parentRunId ?? '');
    expect(parent.info).toMatchObject({ run_name: `${basename(p.dir)} pipeline`, status: 'FINISHED', experiment_id: '1' });
    expect(parent.data.tags.find((t) => t.key === 'slipway.kind')?.value).toBe('pipeline');
    expect((await listChildRuns(store, parent.info.run_id)).map((c) => c.run_id)).toEqual([stageOf(r, 'train').runId]);

    const child = await getRun(store, stageOf(r, 'train').runId ?? '');
    expect(child.info).toMatchObject({ run_name: 'train', status: 'FINISHED', parent_run_id: parent.info.run_id, experiment_id: '1' });
    const tag = (k: string) => child.data.tags.find((t) => t.key === k)?.value;
    expect([tag('mlflow.parentRunId'), tag('slipway.kind'), tag('slipway.stage'), tag('slipway.cache')]).toEqual([parent.info.run_id, 'stage', 'train', 'none']);
    expect([...child.data.params].sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'lr', value: '0.1' },
      { key: 'train.batch', value: '32' },
    ]);
    const metrics = Object.fromEntries(child.data.metrics.map((m) => [m.key, m.value]));
    expect(Object.keys(metrics).sort()).toEqual(['acc', 'eval.f1', 'eval.passed', 'slipway.duration_s']);
    expect([metrics.acc, metrics['eval.f1'], metrics['eval.passed']]).toEqual([0.75, 0.5, 1]);
    expect(metrics['slipway.duration_s']).toBeGreaterThan(0);

    const datasets = [...child.inputs.datasets].sort((a, b) => (a.context + a.name).localeCompare(b.context + b.name));
    expect(datasets).toEqual([
      { name: 'data/in.csv', digest: sha256('a\n1\n2\n'), context: 'input', source: 'data/in.csv', size: 6 },
      { name: 'train.mjs', digest: sha256(TRAIN), context: 'input', source: 'train.mjs', size: Buffer.byteLength(TRAIN) },
      { name: 'metrics.json', digest: sha256(p.read('metrics.json')), context: 'output', source: 'metrics.json', size: Buffer.byteLength(p.read('metrics.json')) },
      { name: 'model.txt', digest: sha256('model\n'), context: 'output', source: 'model.txt', size: 6 },
    ]);

    expect((await listArtifacts(store, child.info.run_id, 'logs')).map((a) => a.path)).toEqual(['logs/stage.log']);
    expect(await artifactText(child.info.run_id, 'logs/stage.log')).toBe('training on 3 rows\nwarning: tiny data\n');
  });

  it('with SLIPWAY_TRACKING_URI an http server, the stage also gets the MLflow variables of its run', async () => {
    const server = await startTrackingServer(BACKENDS[0] as TestBackend);
    onTestFinished(() => server.close());
    const res = await p.cli(['run', '--json'], { SLIPWAY_TRACKING_URI: server.url });
    expect(res.code).toBe(0);
    const report = res.json<{ parent_run_id: string; stages: { run_id: string }[] }>();
    const runId = report.stages[0]?.run_id;
    const env = JSON.parse(p.read('env.json')) as Env;
    expect(env).toMatchObject({
      SLIPWAY_RUN_ID: runId,
      SLIPWAY_PARENT_RUN_ID: report.parent_run_id,
      SLIPWAY_TRACKING_URI: server.url,
      MLFLOW_TRACKING_URI: server.url,
      MLFLOW_RUN_ID: runId,
      MLFLOW_EXPERIMENT_ID: '1',
    });
    expect(process.env.SLIPWAY_TRACKING_URI).toBeUndefined();
  });

  it('every stage of a pipeline gets its own child run under one parent', async () => {
    await p.write('slipway.yaml', `${PIPELINE}
  report:
    cmd: node -e "require('fs').writeFileSync('report.txt', process.env.SLIPWAY_STAGE + ' ' + process.env.SLIPWAY_RUN_ID)"
    deps: [model.txt]
    outs: [report.txt]
`);
    const r = await p.run();
    const store = await p.store();
    const children = await listChildRuns(store, r.parentRunId ?? '');
    expect(children.map((c) => [c.run_name, c.run_id]).sort()).toEqual([
      ['report', stageOf(r, 'report').runId],
      ['train', stageOf(r, 'train').runId],
    ]);
    expect(p.read('report.txt')).toBe(`report ${stageOf(r, 'report').runId}`);
    expect((JSON.parse(p.read('env.json')) as Env).SLIPWAY_PARENT_RUN_ID).toBe(r.parentRunId);
  });
});
