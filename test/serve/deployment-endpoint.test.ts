import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/index.js';
import {
  createDeploymentEndpoint, createModelServer, type DeploymentEndpoint, getDeployment, type InferenceModel, loadVersion, type ModelRef,
  type ModelServer, type PredictionEvent, rollbackDeployment, startRollout,
} from '../../src/serve/index.js';
import { BACKENDS } from '../backends.js';
import { type DeploymentFixture, deploymentFixture } from './deployment-fixture.js';

const sqlite = BACKENDS[0] as (typeof BACKENDS)[number];
const v1: ModelRef = { model: 'iris', version: '1' };
const v2: ModelRef = { model: 'iris', version: '2' };

interface Answer {
  status: number;
  servedBy: string | null;
  labels: string[];
}

describe('a server following a deployment', () => {
  let f: DeploymentFixture;
  let server: ModelServer | undefined;
  let endpoint: DeploymentEndpoint;
  let base: string;
  let loads: string[];
  let events: PredictionEvent[];
  /** Versions whose runtime fails every prediction (a broken build). */
  let broken: Set<string>;

  beforeEach(async () => {
    f = await deploymentFixture(sqlite);
    loads = [];
    events = [];
    broken = new Set();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await f.dispose();
  });

  async function start(): Promise<void> {
    endpoint = createDeploymentEndpoint({
      store: f.t.store, name: 'web', pollMs: 10_000, observers: [(e) => events.push(e)],
      load: async (ref) => {
        loads.push(ref.version);
        const real = await loadVersion(f.t.store, ref);
        return broken.has(ref.version) ? failing(real) : real;
      },
    });
    await endpoint.start();
    server = createModelServer({ endpoints: [endpoint] });
    base = `http://127.0.0.1:${(await server.listen()).port}`;
  }

  /** Row i of the fixture as a one-row V2 request. */
  async function infer(i: number, headers: Record<string, string> = {}): Promise<Answer> {
    const body = {
      inputs: [
        { name: 'x1', datatype: 'FP32', shape: [1, 1], data: [f.rows.x1[i]] },
        { name: 'x2', datatype: 'FP32', shape: [1, 1], data: [f.rows.x2[i]] },
        { name: 'color', datatype: 'BYTES', shape: [1, 1], data: [f.rows.color[i]] },
      ],
      outputs: [{ name: 'label' }],
    };
    const res = await fetch(`${base}/v2/models/web/infer`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const json = (await res.json()) as { outputs?: { data: string[] }[] };
    return { status: res.status, servedBy: res.headers.get('x-slipway-served-by'), labels: json.outputs?.[0]?.data ?? [] };
  }

  const expectedLabel = (version: '1' | '2', i: number) => f.expected[version].labels?.[i];

  it('blue/green under 32 concurrent callers: zero failed requests, every answer from exactly one version, then an instant rollback', async () => {
    // the two versions disagree on enough rows for "which version answered" to be checkable
    const differ = f.expected['1'].labels?.filter((l, i) => l !== f.expected['2'].labels?.[i]).length ?? 0;
    expect(differ).toBeGreaterThan(10);
    await startRollout(f.t.store, 'web', { ref: v1, strategy: 'bluegreen' });
    await start();
    const answers: { i: number; a: Answer }[] = [];
    let stop = false;
    const caller = async (c: number) => {
      for (let n = 0; !stop; n++) {
        const i = (c * 7 + n) % 40;
        answers.push({ i, a: await infer(i) });
      }
    };
    const callers = Array.from({ length: 32 }, (_, c) => caller(c));
    await new Promise((r) => setTimeout(r, 300));
    await startRollout(f.t.store, 'web', { ref: v2, strategy: 'bluegreen' });
    await endpoint.sync();
    const switchedAt = answers.length;
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(callers);

    expect(answers.filter(({ a }) => a.status !== 200)).toEqual([]);
    const byVersion = { '1': 0, '2': 0 };
    for (const { i, a } of answers) {
      const version = a.servedBy === 'iris/1' ? '1' : a.servedBy === 'iris/2' ? '2' : undefined;
      expect(version).toBeDefined();
      byVersion[version as '1' | '2']++;
      expect(a.labels).toEqual([expectedLabel(version as '1' | '2', i)]);
    }
    expect(byVersion['1']).toBeGreaterThan(0);
    expect(byVersion['2']).toBeGreaterThan(0);
    // after the switch, nothing new is answered by the old version
    expect(answers.slice(switchedAt + 32).every(({ a }) => a.servedBy === 'iris/2')).toBe(true);
    expect(endpoint.versions().sort()).toEqual(['1', '2']); // v1 kept warm as standby

    await rollbackDeployment(f.t.store, 'web');
    await endpoint.sync();
    expect((await infer(5)).servedBy).toBe('iris/1');
    expect(loads).toEqual(['1', '2']); // the rollback loaded nothing
  });

  it('canary: exactly its share of unkeyed requests, sticky by key, then promoted automatically', async () => {
    await startRollout(f.t.store, 'web', { ref: v1, strategy: 'bluegreen' });
    // Latency rules are judged in the unit tests; here a busy machine must not decide the outcome.
    await startRollout(f.t.store, 'web', { ref: v2, strategy: 'canary', percent: 20, limits: { minRequests: 10, promoteAfter: 64, maxLatencyRatio: 1000 } });
    await start();
    const served: (string | null)[] = [];
    for (let n = 0; n < 250; n++) served.push((await infer(n % 40)).servedBy);
    expect(served.filter((s) => s === 'iris/2').length).toBe(50);
    const keyed = await Promise.all(Array.from({ length: 5 }, () => infer(3, { 'x-slipway-key': 'user-17' })));
    expect(new Set(keyed.map((a) => a.servedBy)).size).toBe(1);

    // 64 canary requests within limits: the server promotes it, audited under its own name
    for (let n = 0; n < 100 && (await getDeployment(f.t.store, 'web')).spec.candidate; n++) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => infer(k)));
      await new Promise((r) => setTimeout(r, 5));
    }
    const d = await getDeployment(f.t.store, 'web');
    expect(d.spec).toMatchObject({ stable: v2, candidate: null, standby: v1 });
    const promoted = (await listAudit(f.t.store.db, { action: 'deployment.promote' }))[0];
    expect(promoted?.actor).toBe('slipway-serve');
    expect(promoted?.reason).toMatch(/^automatic: canary served 64 requests within limits/);
    await endpoint.sync();
    expect((await infer(1)).servedBy).toBe('iris/2');
  });

  it('canary whose runtime fails: callers still get answers from stable, and the canary is rolled back automatically', async () => {
    broken.add('2');
    await startRollout(f.t.store, 'web', { ref: v1, strategy: 'bluegreen' });
    await startRollout(f.t.store, 'web', { ref: v2, strategy: 'canary', percent: 50, limits: { minRequests: 20, maxErrorRate: 0.05 } });
    await start();
    const answers: Answer[] = [];
    for (let n = 0; n < 10; n++) answers.push(await infer(n));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.every((a, n) => a.servedBy === 'iris/1' && a.labels[0] === expectedLabel('1', n))).toBe(true);
    // the error budget over 20 requests is 1 error: the second failure condemns it
    await waitFor(async () => (await getDeployment(f.t.store, 'web')).spec.candidate === null);
    const rolledBack = (await listAudit(f.t.store.db, { action: 'deployment.rollback' }))[0];
    expect(rolledBack).toMatchObject({ actor: 'slipway-serve' });
    expect(rolledBack?.reason).toMatch(/^automatic: canary failed 2 of 2 requests/);
    expect(events.filter((e) => e.role === 'canary' && e.error !== undefined)).toHaveLength(2);
  });

  it('shadow: mirrored to the candidate and logged, never answered by it, even when it fails', async () => {
    await startRollout(f.t.store, 'web', { ref: v1, strategy: 'bluegreen' });
    await startRollout(f.t.store, 'web', { ref: v2, strategy: 'shadow' });
    await start();
    for (let i = 0; i < 20; i++) {
      const a = await infer(i);
      expect(a).toEqual({ status: 200, servedBy: 'iris/1', labels: [expectedLabel('1', i)] });
    }
    await waitFor(() => events.filter((e) => e.role === 'shadow').length === 20);
    const shadow = events.filter((e) => e.role === 'shadow');
    expect(shadow.every((e) => e.model.version === '2')).toBe(true);
    expect(shadow.map((e) => e.predictions?.labels?.[0])).toEqual(Array.from({ length: 20 }, (_, i) => expectedLabel('2', i)));
    expect(new Set(shadow.map((e) => e.requestId)).size).toBe(20);
  });

  it('a shadow that fails changes no answer', async () => {
    broken.add('2');
    await startRollout(f.t.store, 'web', { ref: v1, strategy: 'bluegreen' });
    await startRollout(f.t.store, 'web', { ref: v2, strategy: 'shadow' });
    await start();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => infer(i)));
    expect(answers.map((a) => [a.status, a.servedBy])).toEqual(Array(10).fill([200, 'iris/1']));
    await waitFor(() => events.filter((e) => e.role === 'shadow' && e.error !== undefined).length === 10);
  });

  it('A/B: the variant header picks the side outright', async () => {
    await startRollout(f.t.store, 'web', { ref: v1, strategy: 'bluegreen' });
    await startRollout(f.t.store, 'web', { ref: v2, strategy: 'ab', percent: 50 });
    await start();
    expect((await infer(0, { 'x-slipway-variant': 'b' })).servedBy).toBe('iris/2');
    expect((await infer(0, { 'x-slipway-variant': 'a' })).servedBy).toBe('iris/1');
    const split = [];
    for (let i = 0; i < 10; i++) split.push((await infer(i)).servedBy);
    expect(split.filter((s) => s === 'iris/2')).toHaveLength(5);
  });

  it('a revision whose smoke test fails where the server runs is marked failed, and the old version keeps serving', async () => {
    await startRollout(f.t.store, 'web', { ref: v1, strategy: 'bluegreen' });
    await start();
    const lie = await f.t.store.objects.put(JSON.stringify({ inputs: { x1: [1], x2: [1], color: ['red'] }, expected: ['nonsense'] }));
    await startRollout(f.t.store, 'web', { ref: v2, strategy: 'bluegreen', smoke: { hash: lie.hash, source: 'file', rows: 1, ref: v2 } });
    await endpoint.sync();
    const d = await getDeployment(f.t.store, 'web');
    expect(d.status).toBe('failed');
    expect(d.statusMessage).toMatch(/revision 2 not rolled out: smoke test of iris\/2 failed on 1 of 1 rows/);
    expect((await infer(0)).servedBy).toBe('iris/1');
    expect(endpoint.revision()).toBe(1);
    expect(endpoint.versions()).toEqual(['1']); // the failed version was unloaded
  });

  it('pins a loaded version by URL and answers 404 for one not loaded', async () => {
    await startRollout(f.t.store, 'web', { ref: v1, strategy: 'bluegreen' });
    await startRollout(f.t.store, 'web', { ref: v2, strategy: 'bluegreen' });
    await start();
    const pinned = await fetch(`${base}/v2/models/web/versions/1`);
    expect(((await pinned.json()) as { versions: string[] }).versions.sort()).toEqual(['1', '2']);
    const missing = await fetch(`${base}/v2/models/web/versions/9/infer`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
  });
});

/** The same model, except that its runtime fails (as a broken build would). */
function failing(model: InferenceModel): InferenceModel {
  return { ...model, predict: () => Promise.reject(new Error('runtime failure: bad build')) };
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
