import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

let home: string;
let work: string;
const as = (user: string) => ({ SLIPWAY_HOME: home, SLIPWAY_USER: user });
const cli = (args: string[], user = 'alice') => runCli(args, as(user));

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'slipway-cli-'));
  work = await mkdtemp(join(tmpdir(), 'slipway-cli-work-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

async function newRun(name: string, params: Record<string, string>, metrics: Record<string, number>) {
  const created = await cli(['runs', 'create', '--experiment', 'churn', '--name', name, '--json']);
  expect(created.code).toBe(0);
  const runId = created.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
  if (Object.keys(params).length + Object.keys(metrics).length === 0) return runId;
  const args = ['runs', 'log', runId, '--json'];
  for (const [k, v] of Object.entries(params)) args.push('--param', `${k}=${v}`);
  for (const [k, v] of Object.entries(metrics)) args.push('--metric', `${k}=${v}`);
  const logged = await cli(args);
  expect(logged.code).toBe(0);
  expect(logged.json()).toEqual({ run_id: runId, logged: { params: Object.keys(params).length, metrics: Object.keys(metrics).length, tags: 0 } });
  return runId;
}

describe('slipway CLI', () => {
  it('creates, lists and deletes experiments with stable JSON', async () => {
    const created = await cli(['experiments', 'create', 'churn', '--tag', 'team=growth', '--json']);
    expect(created.code).toBe(0);
    const exp = created.json<{ experiment: Record<string, unknown> }>().experiment;
    expect(exp).toMatchObject({ experiment_id: '1', name: 'churn', lifecycle_stage: 'active', artifact_location: 'mlflow-artifacts:/1', tags: [{ key: 'team', value: 'growth' }] });
    expect(Object.keys(exp).sort()).toEqual(['artifact_location', 'creation_time', 'experiment_id', 'last_update_time', 'lifecycle_stage', 'name', 'tags']);

    const dup = await cli(['experiments', 'create', 'churn']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain("Experiment 'churn' already exists.");

    const listed = await cli(['experiments', 'list', '--json']);
    expect(listed.json<{ experiments: { name: string }[] }>().experiments.map((e) => e.name)).toEqual(['Default', 'churn']);
    expect((await cli(['experiments', 'delete', 'churn', '--reason', 'done', '--json'])).json()).toEqual({ experiment_id: '1', lifecycle_stage: 'deleted' });
    expect((await cli(['experiments', 'list', '--json'])).json<{ experiments: unknown[] }>().experiments).toHaveLength(1);
    expect((await cli(['experiments', 'list', '--deleted', '--json'])).json<{ experiments: { name: string }[] }>().experiments[0]?.name).toBe('churn');
  });

  it('logs runs and searches them with filter and order-by', async () => {
    const a = await newRun('a', { lr: '0.1' }, { acc: 0.91 });
    const b = await newRun('b', { lr: '0.01' }, { acc: 0.85 });
    const c = await newRun('c', { lr: '0.1' }, { acc: 0.7 });
    const res = await cli(['runs', 'list', '--experiment', 'churn', '--filter', "metrics.acc > 0.8 and params.lr = '0.1'", '--json']);
    expect(res.code).toBe(0);
    expect(res.json<{ runs: { info: { run_id: string } }[] }>().runs.map((r) => r.info.run_id)).toEqual([a]);
    const ordered = await cli(['runs', 'list', '-e', 'churn', '--order-by', 'metrics.acc ASC', '--json']);
    expect(ordered.json<{ runs: { info: { run_id: string } }[] }>().runs.map((r) => r.info.run_id)).toEqual([c, b, a]);
    const paged = await cli(['runs', 'list', '-e', 'churn', '--order-by', 'metrics.acc DESC', '--max', '2', '--json']);
    const page1 = paged.json<{ runs: { info: { run_id: string } }[]; next_page_token: string }>();
    expect(page1.runs.map((r) => r.info.run_id)).toEqual([a, b]);
    const page2 = await cli(['runs', 'list', '-e', 'churn', '--order-by', 'metrics.acc DESC', '--max', '2', '--page-token', page1.next_page_token, '--json']);
    expect(page2.json<{ runs: { info: { run_id: string } }[]; next_page_token?: string }>()).toMatchObject({ runs: [{ info: { run_id: c } }] });
    expect(page2.json<Record<string, unknown>>().next_page_token).toBeUndefined();
  });

  it('answers a bad filter with exit 2 and says where', async () => {
    const res = await cli(['runs', 'list', '--filter', 'metrics.acc >']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')[0]).toBe(`slipway: Invalid filter "metrics.acc >": expected a value after '>' at position 13`);
    const json = await cli(['runs', 'list', '--filter', 'metrics.acc > 1 or params.x = 1', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
  });

  it('refuses a changed param and writes nothing from that call', async () => {
    const run = await newRun('p', { lr: '0.1' }, {});
    const res = await cli(['runs', 'log', run, '--param', 'lr=0.2', '--metric', 'acc=0.5']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("Changing param values is not allowed. Param with key='lr' was already logged with value='0.1'");
    const shown = (await cli(['runs', 'show', run, '--json'])).json<{ run: { data: { metrics: unknown[]; params: unknown[] } } }>();
    expect(shown.run.data.metrics).toEqual([]);
    expect(shown.run.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
  });

  it('ends a run and compares runs', async () => {
    const a = await newRun('a', { lr: '0.1', depth: '3' }, { acc: 0.9 });
    const b = await newRun('b', { lr: '0.2', depth: '3' }, { acc: 0.8 });
    const ended = await cli(['runs', 'end', a, '--status', 'failed', '--json']);
    expect(ended.json<{ run_info: { status: string; end_time: number } }>().run_info.status).toBe('FAILED');
    expect((await cli(['runs', 'end', a, '--status', 'done'])).code).toBe(2);
    const cmp = await cli(['runs', 'compare', a, b, '--json']);
    expect(cmp.json()).toEqual({ runs: [a, b], params: { depth: ['3', '3'], lr: ['0.1', '0.2'] }, metrics: { acc: [0.9, 0.8] } });
  });

  it('puts, lists and gets artifacts byte for byte', async () => {
    const run = await newRun('art', {}, {});
    await writeFile(join(work, 'model.bin'), Buffer.from([1, 2, 3, 255]));
    const put = await cli(['artifacts', 'put', run, join(work, 'model.bin'), '--path', 'model', '--json']);
    expect(put.json()).toEqual({
      artifacts: [{ path: 'model/model.bin', is_dir: false, file_size: 4, hash: '3e6f9aae16382bf563d8991b6da1b92213911f0dd5deea3ecaccf2f35a56794a' }],
    });
    const ls = await cli(['artifacts', 'ls', run, '--json']);
    expect(ls.json()).toEqual({ root_uri: `runs:/${run}`, files: [{ path: 'model', is_dir: true }] });
    const out = join(work, 'restored.bin');
    const got = await cli(['artifacts', 'get', run, 'model/model.bin', '--out', out, '--json']);
    expect(got.json()).toEqual({ path: 'model/model.bin', dest: out, kind: 'file', files: 1 });
    expect([...(await readFile(out))]).toEqual([1, 2, 3, 255]);
    const traversal = await cli(['artifacts', 'put', run, join(work, 'model.bin'), '--path', '../escape']);
    expect(traversal.code).toBe(2);
    expect(traversal.stderr).toContain("Invalid artifact path '../escape'");
  });

  it('registers, aliases, approves with four eyes and shows history and audit', async () => {
    const run = await newRun('m', {}, { acc: 0.9 });
    await writeFile(join(work, 'model.onnx'), 'weights');
    await cli(['artifacts', 'put', run, join(work, 'model.onnx'), '--path', 'model']);
    const reg = await cli(['models', 'register', 'churn', '--source', `runs:/${run}/model`, '--json']);
    expect(reg.code).toBe(0);
    const mv = reg.json<{ model_version: Record<string, unknown> }>().model_version;
    expect(mv).toMatchObject({ name: 'churn', version: '1', status: 'READY', run_id: run, user_id: 'alice', current_stage: 'None', blob: { kind: 'directory' } });

    expect((await cli(['models', 'alias', 'churn', 'staging', '1', '--reason', 'first', '--json'])).json()).toEqual({ name: 'churn', alias: 'staging', version: '1' });
    const self = await cli(['models', 'approve', 'churn', '1']);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain('alice registered churn version 1 and cannot approve it');
    const ok = await cli(['models', 'approve', 'churn', '1', '--for', 'production', '--comment', 'lgtm', '--json'], 'bob');
    expect(ok.json<{ approval: Record<string, unknown> }>().approval).toMatchObject({ name: 'churn', version: '1', target: 'production', approver: 'bob', decision: 'approved', comment: 'lgtm' });

    await cli(['models', 'register', 'churn', '--source', join(work, 'model.onnx')]);
    await cli(['models', 'alias', 'churn', 'staging', '2', '--reason', 'newer'], 'bob');
    const history = (await cli(['models', 'history', 'churn', '--json'])).json<{ history: Record<string, unknown>[] }>().history;
    expect(history.map((h) => [h.target, h.version, h.previous_version, h.actor, h.reason])).toEqual([
      ['staging', '1', null, 'alice', 'first'],
      ['staging', '2', '1', 'bob', 'newer'],
    ]);
    const audit = (await cli(['audit', 'list', '--subject', 'churn', '--json'])).json<{ entries: { action: string; actor: string }[] }>().entries;
    expect(audit.map((e) => `${e.actor}:${e.action}`)).toEqual([
      'bob:model.alias.set', 'alice:model_version.create', 'bob:model_version.approve', 'alice:model.alias.set', 'alice:model_version.create', 'alice:model.create',
    ]);
    const missing = await cli(['models', 'show', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Registered Model with name=nope not found');
  });

  it('rejects unknown commands and malformed options with exit 2', async () => {
    expect((await cli(['runs', 'frobnicate'])).code).toBe(2);
    expect((await cli(['runs', 'log', '0123456789abcdef0123456789abcdef', '--metric', 'acc=high'])).stderr).toContain("--metric acc: 'high' is not a number.");
    expect((await cli(['runs', 'list', '--max', '0'])).code).toBe(2);
    expect((await cli(['runs', 'show', 'not-a-run'])).stderr).toContain("Invalid run id 'not-a-run'");
  });
});
