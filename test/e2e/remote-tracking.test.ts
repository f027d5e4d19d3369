import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/index.js';
import { getVersionByAlias, listBlessings, searchModelVersions, setAlias } from '../../src/registry/index.js';
import { listExperiments, remoteTrackingClient, searchRuns, type TrackingClient } from '../../src/tracking/index.js';
import { BACKENDS, type TestBackend } from '../backends.js';
import { startTrackingServer, type TrackingServer } from '../helpers/tracking-server.js';
import { createProject, type Project, sha256 } from '../pipeline/project.js';

// Stages must see MLflow's variables only because of SLIPWAY_TRACKING_URI, never from the shell running the tests.
for (const k of ['MLFLOW_TRACKING_URI', 'MLFLOW_RUN_ID', 'MLFLOW_EXPERIMENT_ID', 'MLFLOW_TRACKING_TOKEN', 'SLIPWAY_TRACKING_TOKEN']) delete process.env[k];

/**
 * What `mlflow.start_run()` / `log_metric` / `log_params` / `end_run()` send from a training script
 * run with MLFLOW_RUN_ID set (mlflow/tracking/fluent.py: get the run, mark it RUNNING, log, finish it),
 * as plain fetch calls. It records the run as it found it, then writes the stage's out and metrics file.
 */
const TRACK = `
import { writeFileSync } from 'node:fs';
const base = process.env.MLFLOW_TRACKING_URI, runId = process.env.MLFLOW_RUN_ID, token = process.env.MLFLOW_TRACKING_TOKEN;
const headers = { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) };
async function call(method, path, body) {
  const url = base + '/api/2.0/mlflow/' + path + (method === 'GET' ? '?' + new URLSearchParams(body) : '');
  const res = await fetch(url, { method, headers, ...(method === 'GET' ? {} : { body: JSON.stringify(body) }) });
  const json = await res.json();
  if (res.status !== 200) throw new Error(path + ' answered ' + res.status + ': ' + JSON.stringify(json));
  return json;
}
const { run } = await call('GET', 'runs/get', { run_id: runId });
await call('POST', 'runs/update', { run_id: runId, run_uuid: runId, status: 'RUNNING' });
await call('POST', 'runs/log-metric', { run_id: runId, run_uuid: runId, key: 'script_loss', value: 0.5, timestamp: Date.now(), step: 1 });
await call('POST', 'runs/log-metric', { run_id: runId, run_uuid: runId, key: 'script_loss', value: 0.25, timestamp: Date.now(), step: 2 });
await call('POST', 'runs/log-batch', { run_id: runId, params: [{ key: 'script_param', value: 'x' }], tags: [{ key: 'written_by', value: 'track.mjs' }] });
writeFileSync('seen.json', JSON.stringify({ status: run.info.status, experiment_id: run.info.experiment_id, env_experiment_id: process.env.MLFLOW_EXPERIMENT_ID }));
writeFileSync('model.txt', 'model\\n');
writeFileSync('metrics.json', JSON.stringify({ acc: 0.9 }));
await call('POST', 'runs/update', { run_id: runId, run_uuid: runId, status: 'FINISHED', end_time: Date.now() });
console.log('logged to ' + runId);
`;

const PIPELINE = `
stages:
  check:
    uses: validate
    with: {data: data/in.csv, suite: suite.yaml}
  train:
    cmd: node track.mjs
    deps: [data/in.csv, track.mjs]
    params: [lr]
    needs: [check]
    outs: [model.txt]
    metrics: [metrics.json]
`;
const SUITE = 'expectations:\n  - expectation_type: expect_column_values_to_not_be_null\n    kwargs: {column: a}\n';
const DATA = 'a\n1\n2\n';

const sqlite = BACKENDS[0] as TestBackend;
let server: TrackingServer | undefined;
let p: Project | undefined;
afterEach(async () => {
  await p?.dispose();
  await server?.close();
  p = undefined;
  server = undefined;
});

const project = () => createProject({ 'slipway.yaml': PIPELINE, 'params.yaml': 'lr: 0.1\n', 'suite.yaml': SUITE, 'data/in.csv': DATA, 'track.mjs': TRACK });
const tagOf = (tags: readonly { key: string; value: string }[], key: string) => tags.find((t) => t.key === key)?.value;

async function text(t: TrackingClient, runId: string, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of (await t.openArtifact(runId, path)).stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Nothing tracked in the project's own store: only the Default experiment, and no run in it. */
async function expectNothingTrackedLocally(project: Project) {
  const store = await project.store();
  expect((await listExperiments(store, { viewType: 'ALL' })).map((e) => e.name)).toEqual(['Default']);
  expect((await searchRuns(store, { experimentIds: ['0'], runViewType: 'ALL' })).runs).toEqual([]);
}

describe('slipway run with SLIPWAY_TRACKING_URI naming a server', () => {
  it("records the pipeline and stage runs on the server, and a stage's MLflow calls land in its own run", async () => {
    server = await startTrackingServer(sqlite);
    p = await project();
    const res = await p.cli(['run', '--json'], { SLIPWAY_TRACKING_URI: server.url });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const report = res.json<{ parent_run_id: string; stages: { stage: string; outcome: string; run_id: string }[] }>();
    expect(report.stages.map((s) => [s.stage, s.outcome])).toEqual([['check', 'ran'], ['train', 'ran']]);
    const [check, train] = report.stages.map((s) => s.run_id) as [string, string];

    const t = remoteTrackingClient({ url: server.url });
    const experiment = await t.getExperimentByName(basename(p.dir));
    const parent = await t.getRun(report.parent_run_id);
    expect(parent.info).toMatchObject({ experiment_id: experiment.experiment_id, status: 'FINISHED', run_name: `${basename(p.dir)} pipeline` });
    expect(tagOf(parent.data.tags, 'slipway.kind')).toBe('pipeline');
    const children = await t.searchRuns({ experimentIds: [experiment.experiment_id], filter: `tags.\`mlflow.parentRunId\` = '${parent.info.run_id}'`, orderBy: ['attributes.start_time ASC'] });
    expect(children.runs.map((r) => [r.info.run_name, r.info.run_id])).toEqual([['check', check], ['train', train]]);

    // The script found its run RUNNING, in the pipeline's experiment, and logged into it.
    expect(JSON.parse(p.read('seen.json'))).toEqual({ status: 'RUNNING', experiment_id: experiment.experiment_id, env_experiment_id: experiment.experiment_id });
    const run = await t.getRun(train);
    expect(run.info).toMatchObject({ status: 'FINISHED', parent_run_id: parent.info.run_id, experiment_id: experiment.experiment_id });
    expect(run.data.params).toEqual([{ key: 'lr', value: '0.1' }, { key: 'script_param', value: 'x' }]);
    // The pipeline's metrics came after the script's, beside them: nothing the script logged is lost.
    const metrics = Object.fromEntries(run.data.metrics.map((m) => [m.key, [m.value, m.step]]));
    expect(Object.keys(metrics).sort()).toEqual(['acc', 'script_loss', 'slipway.duration_s']);
    expect([metrics.acc, metrics.script_loss]).toEqual([[0.9, 0], [0.25, 2]]);
    expect((await t.getMetricHistory(train, 'script_loss')).map((m) => [m.step, m.value])).toEqual([[1, 0.5], [2, 0.25]]);
    expect([tagOf(run.data.tags, 'written_by'), tagOf(run.data.tags, 'slipway.stage'), tagOf(run.data.tags, 'slipway.kind')]).toEqual(['track.mjs', 'train', 'stage']);
    const datasets = [...run.inputs.datasets].sort((a, b) => (a.context + a.name).localeCompare(b.context + b.name));
    expect(datasets).toEqual([
      { name: 'data/in.csv', digest: sha256(DATA), context: 'input', source: 'data/in.csv' },
      { name: 'track.mjs', digest: sha256(TRACK), context: 'input', source: 'track.mjs' },
      { name: 'metrics.json', digest: sha256(p.read('metrics.json')), context: 'output', source: 'metrics.json' },
      { name: 'model.txt', digest: sha256('model\n'), context: 'output', source: 'model.txt' },
    ]);
    expect(await text(t, train, 'logs/stage.log')).toBe(`logged to ${train}\n`);

    // A built-in stage kind's artifacts and metrics go to the server too.
    expect((await t.listArtifacts(check, 'validation')).map((a) => a.path)).toEqual(['validation/report.html', 'validation/result.json']);
    expect(JSON.parse(await text(t, check, 'validation/result.json'))).toMatchObject({ success: true });
    expect((await t.getRun(check)).data.metrics.find((m) => m.key === 'validation.success_percent')?.value).toBe(100);

    // The server's store has them; the project's store has none of it, only its run cache, which names the server's runs.
    expect((await searchRuns(server.ts.store, { experimentIds: [experiment.experiment_id] })).runs).toHaveLength(3);
    await expectNothingTrackedLocally(p);
    const cached = await (await p.store()).db.selectFrom('run_cache').select(['stage', 'run_id']).orderBy('stage').execute();
    expect(cached).toEqual([{ stage: 'check', run_id: check }, { stage: 'train', run_id: train }]);

    // The CLI reads the same runs from the server.
    const shown = await p.cli(['runs', 'show', train, '--json'], { SLIPWAY_TRACKING_URI: server.url });
    expect(shown.json<{ run: { info: { run_id: string } } }>().run.info.run_id).toBe(train);
    const listed = await p.cli(['artifacts', 'ls', train, 'logs', '--json'], { SLIPWAY_TRACKING_URI: server.url });
    expect(listed.json<{ files: { path: string }[] }>().files.map((f) => f.path)).toEqual(['logs/stage.log']);
    expect((await p.cli(['runs', 'show', train, '--json'])).code).toBe(2);

    // A second run with another lr: only train runs, and the two pipeline runs compare through the server.
    await p.write('params.yaml', 'lr: 0.2\n');
    const second = await p.cli(['run', '--json'], { SLIPWAY_TRACKING_URI: server.url });
    const again = second.json<{ parent_run_id: string; stages: { stage: string; outcome: string }[] }>();
    expect(again.stages.map((s) => [s.stage, s.outcome])).toEqual([['check', 'skipped'], ['train', 'ran']]);
    const diff = await p.cli(['params', 'diff', report.parent_run_id, again.parent_run_id, '--json'], { SLIPWAY_TRACKING_URI: server.url });
    expect(diff.json<{ rows: unknown[] }>().rows).toEqual([{ path: 'run', key: 'lr', old: '0.1', new: '0.2' }]);
    await expectNothingTrackedLocally(p);
  });

  it('authenticates with SLIPWAY_TRACKING_TOKEN, and passes the token on to the stage as MLFLOW_TRACKING_TOKEN', async () => {
    server = await startTrackingServer(sqlite, { auth: { required: true } });
    const { token } = await createToken(server.ts.store, { name: 'ci', role: 'editor' });
    p = await project();
    const refused = await p.cli(['run'], { SLIPWAY_TRACKING_URI: server.url });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^slipway: The tracking server refused GET /api/2\\.0/mlflow/experiments/get-by-name on ${server.url}: .+\\. Set SLIPWAY_TRACKING_TOKEN \\(or MLFLOW_TRACKING_TOKEN\\) to a token of that server\\.\\n$`));
    expect(p.exists('seen.json')).toBe(false);

    const res = await p.cli(['run', '--json'], { SLIPWAY_TRACKING_URI: server.url, SLIPWAY_TRACKING_TOKEN: token });
    expect(res.code).toBe(0);
    const train = res.json<{ stages: { stage: string; run_id: string }[] }>().stages.find((s) => s.stage === 'train')?.run_id ?? '';
    const run = await remoteTrackingClient({ url: server.url, token }).getRun(train);
    // The token names who acts: the runs are the token's owner's, the script's logging included.
    expect(run.info.user_id).toBe('ci');
    expect(run.data.metrics.find((m) => m.key === 'script_loss')?.value).toBe(0.25);
    await expectNothingTrackedLocally(p);
  });
});

describe('a SLIPWAY_TRACKING_URI that cannot be used', () => {
  it('is refused before any stage runs: not a server URL (exit 2), a server that does not answer (exit 3)', async () => {
    p = await project();
    const bad = await p.cli(['run'], { SLIPWAY_TRACKING_URI: 'sqlite:tracking.db' });
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toBe(
      "slipway: SLIPWAY_TRACKING_URI 'sqlite:tracking.db' is not a server URL (scheme 'sqlite'; expected http or https). " +
        'Set it to a Slipway server such as http://127.0.0.1:5000 (see `slipway server`), or unset it to track in the local store.\n',
    );

    // A port nothing listens on: the server that was there is gone.
    server = await startTrackingServer(sqlite);
    const gone = server.url;
    await server.close();
    server = undefined;
    const down = await p.cli(['run'], { SLIPWAY_TRACKING_URI: gone, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1', MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0' });
    expect(down.code).toBe(3);
    expect(down.stderr).toBe(
      `slipway: Cannot reach the tracking server ${gone} (SLIPWAY_TRACKING_URI): GET /api/2.0/mlflow/experiments/get-by-name failed after 2 attempt(s): ` +
        `connect ECONNREFUSED ${gone.slice('http://'.length)}. Start it with \`slipway server\`, or unset SLIPWAY_TRACKING_URI to track in the local store.\n`,
    );
    const listed = await p.cli(['runs', 'list', '--json'], { SLIPWAY_TRACKING_URI: gone, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' });
    expect(listed.code).toBe(3);
    expect(JSON.parse(listed.stderr)).toMatchObject({ error_code: 'INTERNAL_ERROR', message: expect.stringMatching(/^Cannot reach the tracking server /) });
    expect(p.exists('seen.json')).toBe(false);
    expect(p.exists('slipway.lock')).toBe(false);
  });
});

const ADULT = readFileSync(new URL('../../examples/adult-income/raw/adult-census-income.csv', import.meta.url), 'utf8').trimEnd().split('\n');
const MODEL_PIPELINE = (register: string) => `
name: loop
stages:
  check:
    uses: validate
    with: {data: train.csv, suite: suite.yaml}
  train:
    uses: train
    with: {data: train.csv, target: income, algorithm: logistic, out: model/model.onnx}
    needs: [check]
  evaluate:
    uses: evaluate
    with: {model: model/model.onnx, data: test.csv}
  gate:
    uses: gate
    with:
      name: income
      model: model/model.onnx
      data: test.csv
      rules:
        - metric: accuracy
          threshold: \${min_accuracy}
    params: [min_accuracy]
    needs: [evaluate]
  register:
    uses: register
    with: ${register}
    needs: [gate]
`;
const ADULT_SUITE = 'expectations:\n  - expectation_type: expect_column_values_to_not_be_null\n    kwargs: {column: age}\n';
const rows = (from: number, to: number) => `${[ADULT[0], ...ADULT.slice(from, to)].join('\n')}\n`;
const modelProject = (register: string) => createProject({
  'slipway.yaml': MODEL_PIPELINE(register), 'params.yaml': 'min_accuracy: 0.7\n', 'suite.yaml': ADULT_SUITE, 'train.csv': rows(1, 2001), 'test.csv': rows(2001, 3001),
});
type StageReport = { stage: string; outcome: string; run_id: string; error?: string };
const stagesOf = (res: { json<T>(): T }) => res.json<{ stages: StageReport[] }>().stages;

describe('model stages with SLIPWAY_TRACKING_URI naming a server', () => {
  it("register and gate use the server's registry: the verdict is recorded there as a blessing, and promotion follows the server's policy", async () => {
    server = await startTrackingServer(sqlite);
    const env = { SLIPWAY_TRACKING_URI: server.url };
    p = await modelProject('{name: income, model: model/model.onnx, alias: staging}');
    const first = await p.cli(['run', '--json'], env);
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(stagesOf(first).map((s) => [s.stage, s.outcome])).toEqual([['check', 'ran'], ['train', 'ran'], ['evaluate', 'ran'], ['gate', 'ran'], ['register', 'ran']]);
    const runs = Object.fromEntries(stagesOf(first).map((s) => [s.stage, s.run_id]));
    const v1 = await getVersionByAlias(server.ts.store, 'income', 'staging');
    // Registered from the training run's own copy of the bytes: lineage points at the run that trained them.
    expect(v1).toMatchObject({ version: '1', run_id: runs.train, source: `runs:/${runs.train}/model/model.onnx`, aliases: ['staging'] });
    expect(v1.blob.hash).toBe(sha256(readFileSync(`${p.dir}/model/model.onnx`)));
    expect(await searchModelVersions(await p.store(), {})).toEqual([]);

    // The gate compares a new model with production on the server (v1, whose bytes it downloads), asking for more than either does.
    await setAlias(server.ts.store, 'income', 'production', '1');
    await p.write('params.yaml', 'min_accuracy: 0.99\n');
    await p.write('train.csv', rows(1, 1001));
    const gated = await p.cli(['run', '--json'], env);
    expect(gated.code).toBe(1);
    const gate = stagesOf(gated).find((s) => s.stage === 'gate');
    expect(gate?.outcome).toBe('failed');
    expect(gate?.error).toMatch(/^gate against models:\/income@production \(version 1\) failed: accuracy = 0\.\d+ does not meet the threshold ≥ 0\.99/);
    expect(await searchModelVersions(server.ts.store, { name: 'income' })).toHaveLength(1);

    // A gate that passes: register records its verdict on the server as v2's blessing, and the server's policy (a passed gate) lets it promote.
    await p.write('params.yaml', 'min_accuracy: 0.7\n');
    await p.write('slipway.yaml', MODEL_PIPELINE('{name: income, model: model/model.onnx, gate: gate/result.json, promote_to: production}'));
    const blessed = await p.cli(['run', '--json'], env);
    expect([blessed.code, blessed.stderr]).toEqual([0, '']);
    const register = stagesOf(blessed).find((s) => s.stage === 'register');
    expect(register?.outcome).toBe('ran');
    const blessings = await listBlessings(server.ts.store, 'income');
    expect(blessings).toEqual([expect.objectContaining({
      version: '2', target: 'production', baseline_version: '1', passed: true, run_id: register?.run_id, actor: 'alice',
      rules: [expect.objectContaining({ metric: 'accuracy', status: 'passed' })],
    })]);
    expect(await getVersionByAlias(server.ts.store, 'income', 'production')).toMatchObject({ version: '2', blob: { hash: sha256(readFileSync(`${p.dir}/model/model.onnx`)) } });
    const log = await text(remoteTrackingClient({ url: server.url }), register?.run_id ?? '', 'logs/stage.log');
    expect(log).toMatch(/registered income version 2 .*\nrecorded its gate for @production: passed\npromoted to @production\n$/);
    await expectNothingTrackedLocally(p);
    expect(await searchModelVersions(await p.store(), {})).toEqual([]);
  });

  it('with an editor token, the verdict is recorded and the version registered, but a protected alias is left to an approver', async () => {
    server = await startTrackingServer(sqlite, { auth: { required: true }, aliasPolicies: { production: {} } });
    const ci = (await createToken(server.ts.store, { name: 'ci', role: 'editor' })).token;
    const release = (await createToken(server.ts.store, { name: 'release', role: 'admin' })).token;
    p = await modelProject('{name: income, model: model/model.onnx, gate: gate/result.json, promote_to: production}');
    const res = await p.cli(['run', '--json'], { SLIPWAY_TRACKING_URI: server.url, SLIPWAY_TRACKING_TOKEN: ci });
    // Waiting for an approver is not a pipeline failure.
    expect([res.code, res.stderr]).toEqual([0, '']);
    const register = stagesOf(res).find((s) => s.stage === 'register');
    expect(register?.outcome).toBe('ran');
    expect(await searchModelVersions(server.ts.store, { name: 'income' })).toEqual([expect.objectContaining({ version: '1', user_id: 'ci', aliases: [] })]);
    expect(await listBlessings(server.ts.store, 'income')).toEqual([expect.objectContaining({
      version: '1', target: 'production', baseline_version: null, passed: true, run_id: register?.run_id, actor: 'ci',
    })]);
    const log = await text(remoteTrackingClient({ url: server.url, token: ci }), register?.run_id ?? '', 'logs/stage.log');
    expect(log).toContain(
      'not promoted to @production yet: ci (editor) may not move the protected alias @production: that needs an admin or an approver role ' +
        `(POST /api/v1/models/income/versions/1/promote on ${server.url})\n`,
    );

    // The verdict the pipeline recorded is what the policy checks when an approver moves the alias.
    const promoted = await fetch(`${server.url}/api/v1/models/income/versions/1/promote`, {
      method: 'POST', headers: { authorization: `Bearer ${release}`, 'content-type': 'application/json' }, body: JSON.stringify({ alias: 'production', reason: 'release' }),
    });
    expect(promoted.status).toBe(200);
    expect(await getVersionByAlias(server.ts.store, 'income', 'production')).toMatchObject({ version: '1' });
    await expectNothingTrackedLocally(p);
  });
});
