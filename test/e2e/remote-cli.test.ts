import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, type Role } from '../../src/auth/index.js';
import { recordMonitorRun } from '../../src/monitor/index.js';
import { listBlessings, recordBlessing } from '../../src/registry/index.js';
import { sha256Bytes } from '../../src/store/index.js';
import { tableFromColumns } from '../../src/data/index.js';
import { createRun, putArtifact } from '../../src/tracking/index.js';
import { trainModel, writeModelOnnx } from '../../src/train/index.js';
import { BACKENDS, type TestBackend } from '../backends.js';
import { type CliResult, runCli } from '../helpers/run-cli.js';
import { startTrackingServer, type TrackingServer } from '../helpers/tracking-server.js';

/**
 * The registry and operations commands with SLIPWAY_TRACKING_URI naming a listening `slipway server`
 * (auth required, tokens per user): each prints exactly what the same command prints when run on the
 * server's own store, the server's rules (approver roles, four eyes, alias policy) decide, and the
 * local store is never opened.
 */
for (const k of ['SLIPWAY_TRACKING_URI', 'SLIPWAY_TRACKING_TOKEN', 'MLFLOW_TRACKING_TOKEN', 'SLIPWAY_DATABASE_URL', 'SLIPWAY_ARTIFACTS']) delete process.env[k];

const sqlite = BACKENDS[0] as TestBackend;
const BYTES = [Buffer.from('model one'), Buffer.from('model two')];

let server: TrackingServer;
let localHome: string;
let runId: string;
const tokens: Record<string, string> = {};

/** The CLI on this machine, tracking on the server, as `who` (a token name), or with no token. */
const remote = (args: string[], who?: string): Promise<CliResult> => runCli(args, {
  SLIPWAY_TRACKING_URI: server.url, SLIPWAY_TRACKING_TOKEN: who ? (tokens[who] as string) : '', SLIPWAY_HOME: localHome,
  SLIPWAY_DATABASE_URL: '', SLIPWAY_ARTIFACTS: '', SLIPWAY_USER: 'laptop-user',
});
/** The same command run where the server is, on its store (no server in between). */
const direct = (args: string[]): Promise<CliResult> => runCli(args, {
  SLIPWAY_TRACKING_URI: '', SLIPWAY_TRACKING_TOKEN: '', SLIPWAY_HOME: server.ts.dir,
  SLIPWAY_DATABASE_URL: server.ts.database.url, SLIPWAY_ARTIFACTS: server.ts.store.location.artifacts, SLIPWAY_USER: 'server-admin',
});

/** Runs the command both ways: both succeed and print the same. */
async function same(args: string[], who = 'carol'): Promise<CliResult> {
  const [r, d] = [await remote(args, who), await direct(args)];
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(d.code).toBe(0);
  expect(r.stdout).toBe(d.stdout);
  return r;
}

const ok = (r: CliResult) => {
  expect([r.code, r.stderr]).toEqual([0, '']);
  return r;
};

beforeAll(async () => {
  server = await startTrackingServer(sqlite, { actor: 'server-admin', auth: { required: true }, aliasPolicies: { production: { requireApproval: true } } });
  localHome = await mkdtemp(join(tmpdir(), 'slipway-remote-cli-'));
  const roles: [string, Role][] = [['alice', 'editor'], ['bob', 'editor'], ['carol', 'admin']];
  for (const [name, role] of roles) tokens[name] = (await createToken(server.ts.store, { name, role })).token;
  const run = await createRun(server.ts.store);
  runId = run.info.run_id;
  await putArtifact(server.ts.store, runId, 'model/one.onnx', BYTES[0] as Buffer);
  await putArtifact(server.ts.store, runId, 'model/two.onnx', BYTES[1] as Buffer);
});

afterAll(async () => {
  await server?.close();
  await rm(localHome, { recursive: true, force: true });
});

describe('slipway models with SLIPWAY_TRACKING_URI', () => {
  it('registers from a run on the server as the token owner, and lists and shows exactly what the server store holds', async () => {
    const registered = ok(await remote(['models', 'register', 'churn', '--source', `runs:/${runId}/model/one.onnx`, '--tag', 'team=ml', '--json'], 'alice'));
    expect(registered.json<{ model_version: unknown }>().model_version).toMatchObject({
      name: 'churn', version: '1', user_id: 'alice', run_id: runId, source: `runs:/${runId}/model/one.onnx`, tags: [{ key: 'team', value: 'ml' }],
      blob: { kind: 'file', ...sha256Bytes(BYTES[0] as Buffer) },
    });
    const text = ok(await remote(['models', 'register', 'churn', '--source', `runs:/${runId}/model/two.onnx`], 'alice'));
    expect(text.stdout).toBe(`Registered churn version 2 (sha256:${sha256Bytes(BYTES[1] as Buffer).hash.slice(0, 12)}, ${(BYTES[1] as Buffer).length} bytes).\n`);

    const list = await same(['models', 'list', '--json']);
    expect(list.json<{ registered_models: { name: string }[] }>().registered_models.map((m) => m.name)).toEqual(['churn']);
    await same(['models', 'list']);
    await same(['models', 'show', 'churn', '--json']);
    await same(['models', 'show', 'churn']);
    const shown = await same(['models', 'show', 'churn', '1', '--json']);
    expect(Object.keys(shown.json())).toEqual(['model_version', 'approvals']);
  });

  it('refuses a file on this machine as a source, a missing token, and an unknown version, with exit code 2', async () => {
    const file = await remote(['models', 'register', 'churn', '--source', 'model.onnx'], 'alice');
    expect([file.code, file.stdout]).toEqual([2, '']);
    expect(file.stderr).toBe(
      `slipway: --source model.onnx is a path on this machine; the tracking server ${server.url} registers only what it holds. `
        + 'Log the file to a run first (slipway artifacts put RUN_ID FILE) and register runs:/RUN_ID/FILE, or unset SLIPWAY_TRACKING_URI to register it in the local store.\n',
    );
    const anonymous = await remote(['models', 'list']);
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toMatch(/^slipway: The tracking server refused GET \/api\/v1\/models on http:\/\/127\.0\.0\.1:\d+: .+ Set SLIPWAY_TRACKING_TOKEN \(or MLFLOW_TRACKING_TOKEN\) to a token of that server\.\n$/);
    const missing = await remote(['models', 'show', 'churn', '9', '--json'], 'bob');
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr)).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Model Version (name=churn, version=9) not found (GET /api/v1/models/churn/versions/9 on ${server.url})` });
  });

  it('sets and removes aliases with a reason the history keeps', async () => {
    expect(ok(await remote(['models', 'alias', 'churn', 'champion', '2', '--reason', 'best AUC', '--json'], 'bob')).json()).toEqual({ name: 'churn', alias: 'champion', version: '2' });
    expect(ok(await remote(['models', 'alias', 'churn', 'champion', '--delete', '--reason', 'retired'], 'bob')).stdout).toBe('Removed alias @champion from churn.\n');
    const gone = await remote(['models', 'alias', 'churn', 'champion', '--delete'], 'bob');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/^slipway: Registered model alias champion not found \(GET \/api\/v1\/models\/churn\/aliases\/champion on .+\)\n {2}Check the name or id/);
    const history = await same(['models', 'history', 'churn', '--alias', 'champion', '--json']);
    expect(history.json<{ history: { version: string | null; actor: string; reason: string }[] }>().history.map((h) => [h.version, h.actor, h.reason])).toEqual([
      ['2', 'bob', 'best AUC'], [null, 'bob', 'retired'],
    ]);
  });

  it("approves only as an approver who is not the author (exit 1 otherwise), and promotes under the server's policy", async () => {
    const editor = await remote(['models', 'approve', 'churn', '1'], 'bob');
    expect([editor.code, editor.stderr]).toEqual([1, `slipway: bob (editor) may not approve or reject versions: that needs an admin or an approver role (POST /api/v1/models/churn/versions/1/approvals on ${server.url})\n`]);
    await createToken(server.ts.store, { name: 'alice', role: 'admin' }).then((t) => { tokens['alice-admin'] = t.token; });
    const own = await remote(['models', 'approve', 'churn', '1', '--json'], 'alice-admin');
    expect(own.code).toBe(1);
    expect(JSON.parse(own.stderr)).toEqual({
      error_code: 'PERMISSION_DENIED', message: `alice registered churn version 1 and cannot approve it: an approval must come from someone else (POST /api/v1/models/churn/versions/1/approvals on ${server.url})`,
    });
    const approved = ok(await remote(['models', 'approve', 'churn', '1', '--comment', 'looks good', '--json'], 'carol'));
    expect(approved.json<{ approval: unknown }>().approval).toMatchObject({ name: 'churn', version: '1', target: 'production', approver: 'carol', decision: 'approved', comment: 'looks good' });

    const ungated = await remote(['models', 'promote', 'churn', '1', '--to', 'production'], 'carol');
    expect(ungated.code).toBe(1);
    expect(ungated.stderr).toContain('it holds no passed gate for @production');
    await recordBlessing(server.ts.store, 'churn', '1', { target: 'production', passed: true, rules: [] });
    const byEditor = await remote(['models', 'promote', 'churn', '1', '--to', 'production'], 'bob');
    expect(byEditor.code).toBe(1);
    expect(byEditor.stderr).toContain('bob (editor) may not move the protected alias @production');
    expect(ok(await remote(['models', 'promote', 'churn', '1', '--to', 'production', '--reason', 'Q3 release', '--json'], 'carol')).json()).toEqual({ name: 'churn', alias: 'production', version: '1' });
    await same(['models', 'show', 'churn', '1']);
    await same(['models', 'blessings', 'churn', '--json']);
    const card = await same(['models', 'card', 'churn', '1']);
    expect(card.stdout).toContain('churn');
  });

  it("audit list shows the server's entries, filtered and limited as locally", async () => {
    const entries = (await same(['audit', 'list', '--subject', 'churn', '--limit', '4', '--json'])).json<{ entries: { action: string; actor: string; reason: string }[] }>().entries;
    expect(entries.map((e) => [e.action, e.actor, e.reason])).toEqual([
      ['model.promote', 'carol', 'Q3 release'], ['model_version.bless', 'server-admin', ''], ['model_version.approve', 'carol', 'looks good'], ['model.alias.delete', 'bob', 'retired'],
    ]);
    await same(['audit', 'list', '--actor', 'bob']);
  });
});

describe('slipway deploy, rollback, deployments and alerts with SLIPWAY_TRACKING_URI', () => {
  it("rolls out on the server, shows its history and alerts as the server's store has them", async () => {
    const first = ok(await remote(['deploy', 'web', '--model', 'models:/churn@production', '--skip-smoke', '--json'], 'bob'));
    expect(first.json()).toMatchObject({ deployment: { name: 'web', revision: 1, status: 'serving', spec: { stable: { model: 'churn', version: '1' } } }, smoke: null });
    const canary = ok(await remote(['deploy', 'web', '--model', 'models:/churn/2', '--strategy', 'canary', '--percent', '20', '--skip-smoke', '--min-requests', '50'], 'bob'));
    expect(canary.stdout).toMatch(/^web revision 2: .+\.\n$/);
    expect(ok(await remote(['rollback', 'web', '--reason', 'too early', '--json'], 'bob')).json()).toMatchObject({ deployment: { revision: 3, spec: { candidate: null } } });
    const nothing = await remote(['deployments', 'promote', 'web'], 'bob');
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/^slipway: .+ \(POST \/api\/v1\/deployments\/web\/promote on .+\)\n$/);
    const missingSmoke = await remote(['deploy', 'web', '--model', 'models:/churn/2', '--smoke', join(localHome, 'none.json')], 'bob');
    expect([missingSmoke.code, missingSmoke.stderr]).toEqual([2, `slipway: cannot read the smoke test file ${join(localHome, 'none.json')}: ENOENT\n`]);

    await same(['deployments', 'list', '--json']);
    await same(['deployments', 'list']);
    const show = await same(['deployments', 'show', 'web', '--json']);
    expect(show.json<{ history: { action: string; actor: string }[] }>().history.map((h) => [h.action, h.actor])).toEqual([['deploy', 'bob'], ['deploy', 'bob'], ['rollback', 'bob']]);
    await same(['deployments', 'show', 'web']);

    const t0 = 1_700_000_000_000;
    await recordMonitorRun(server.ts.store, { monitor: 'web-live', deployment: 'web', windowStart: t0, windowEnd: t0 + 60_000, status: 'drift', summary: { drift_share: 0.6 } });
    await server.ts.store.db.insertInto('alerts').values([
      { monitor: 'web-live', rule: 'drift', state: 'resolved', started_time: t0, resolved_time: t0 + 1000, value: 0.1, message: 'held' },
      { monitor: 'web-live', rule: 'drift', state: 'firing', started_time: t0 + 2000, resolved_time: null, value: 0.6, message: 'drift share 0.6 is above 0.5' },
    ]).execute();
    const alerts = await same(['alerts', '--json'], 'bob');
    expect(alerts.json<{ alerts: { state: string; startedTime: number }[] }>().alerts.map((a) => [a.state, a.startedTime])).toEqual([['firing', t0 + 2000], ['resolved', t0]]);
    await same(['alerts', '--state', 'firing']);
    await same(['monitors', 'runs', 'web-live', '--json']);
    const file = join(server.ts.dir, 'slipway.yaml');
    await writeFile(file, 'stages:\n  noop: {cmd: "true"}\nmonitors:\n  web-live: {deployment: web, window: 1h}\n');
    const monitors = await same(['monitors', 'list', '--file', file, '--json']);
    expect(monitors.json<{ monitors: { name: string; last_run: { status: string } | null; firing_alerts: number }[] }>().monitors.map((m) => [m.name, m.last_run?.status, m.firing_alerts])).toEqual([
      ['web-live', 'drift', 1],
    ]);
    expect((await same(['monitors', 'list', '--file', file])).stdout).toMatch(/\nweb-live +web +60 min +drift 2023-11-14 22:14:20Z +1\n$/);
  });
});

describe('slipway webhooks with SLIPWAY_TRACKING_URI', () => {
  it("manages the server's subscriptions with an admin token; an editor is refused", async () => {
    const created = ok(await remote(['webhooks', 'create', '--url', 'http://127.0.0.1:9/hook', '--events', 'model_version.promoted', '--secret', 's'.repeat(20), '--json'], 'carol'));
    expect(created.json()).toMatchObject({ webhook: { url: 'http://127.0.0.1:9/hook', events: ['model_version.promoted'], created_by: 'carol' }, secret: 's'.repeat(20) });
    await same(['webhooks', 'list', '--json']);
    const refused = await remote(['webhooks', 'list'], 'bob');
    expect(refused.code).toBe(1);
  });
});

describe('models:/ URIs in predict and evaluate with SLIPWAY_TRACKING_URI', () => {
  it("score and gate with the version's bytes downloaded from the server; the gate's verdict is recorded there", async () => {
    const work = await mkdtemp(join(tmpdir(), 'slipway-remote-cli-work-'));
    try {
      const x = Array.from({ length: 40 }, (_, i) => i);
      await writeFile(join(work, 'data.csv'), `x,y\n${x.map((v) => `${v},${v >= 20 ? 'high' : 'low'}`).join('\n')}\n`);
      await writeModelOnnx(trainModel(tableFromColumns({ x, y: x.map((v) => (v >= 20 ? 'high' : 'low')) }), { target: 'y', algorithm: 'logistic' }), join(work, 'clf.onnx'));
      await putArtifact(server.ts.store, runId, 'clf/clf.onnx', await readFile(join(work, 'clf.onnx')));
      ok(await remote(['models', 'register', 'clf', '--source', `runs:/${runId}/clf/clf.onnx`], 'alice'));
      const scored = ok(await remote(['predict', '--model', 'models:/clf/latest', '--input', join(work, 'data.csv'), '--output', join(work, 'out.jsonl'), '--json'], 'bob'));
      expect(scored.json()).toMatchObject({ rows: 40, model: { name: 'clf', version: '1' } });
      const evaluated = ok(await remote(['evaluate', '--model', 'models:/clf/1', '--data', join(work, 'data.csv'), '--json'], 'bob'));
      expect(evaluated.json<{ rows: number; metrics: { accuracy: number } }>()).toMatchObject({ rows: 40, metrics: { accuracy: expect.any(Number) } });
      // The gate command loads both models from the server and records its verdict there, as bob.
      await writeFile(join(work, 'rules.yaml'), 'rules:\n  - {metric: accuracy, threshold: 0.9}\n');
      const gated = ok(await remote(['gate', '--candidate', 'models:/clf/1', '--data', join(work, 'data.csv'), '--rules', join(work, 'rules.yaml'), '--json'], 'bob'));
      expect(gated.json()).toMatchObject({ passed: true, baseline: null });
      expect((await listBlessings(server.ts.store, 'clf', '1')).map((b) => [b.target, b.passed, b.actor])).toEqual([['production', true, 'bob']]);
      await writeFile(join(work, 'strict.yaml'), 'rules:\n  - {metric: accuracy, threshold: 1.01}\n');
      const failed = await remote(['gate', '--candidate', 'models:/clf/1', '--data', join(work, 'data.csv'), '--rules', join(work, 'strict.yaml'), '--for', 'staging'], 'bob');
      expect(failed.code).toBe(1);
      expect((await listBlessings(server.ts.store, 'clf', '1')).map((b) => [b.target, b.passed])).toEqual([['production', true], ['staging', false]]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('commands that act on the local store', () => {
  it('never opened the local store for the commands above; tokens says it acts on the local store', async () => {
    expect(readdirSync(localHome)).toEqual([]);
    const listed = await remote(['tokens', 'list', '--json'], 'carol');
    expect(listed.code).toBe(0);
    expect(listed.json()).toEqual({ api_tokens: [] });
    expect(listed.stderr).toBe(`slipway: note: slipway tokens manages the tokens of the local store (a server's tokens are managed where its store is), not on the tracking server ${server.url} (SLIPWAY_TRACKING_URI).\n`);
    expect(existsSync(join(localHome, 'slipway.db'))).toBe(true);
  });
});
