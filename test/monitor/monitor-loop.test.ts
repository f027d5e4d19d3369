/**
 * Continuous training end to end on a small project: a model is trained, gated, promoted and
 * deployed; traffic shifts (x1 moves up and the rule behind the labels changes); the monitor sees the
 * drift and the falling accuracy, its alert fires once and retrains on the labelled window; the new
 * version passes the gate against production and replaces the old one blue/green. And the other way:
 * a retrained model that does not pass the gate is not deployed.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/index.js';
import { registerValidateStage } from '../../src/data/index.js';
import { registerEvaluateStages } from '../../src/evaluate/index.js';
import { listAlerts, listMonitorRuns, monitorSeries, parseMonitors, type RetrainOutcome, retrainOnWindow, runMonitor } from '../../src/monitor/index.js';
import { deploy, getDeployment, type ServingApp, startServingApp } from '../../src/serve/index.js';
import type { Store } from '../../src/store/index.js';
import { registerTrainStage } from '../../src/train/index.js';
import { createProject, outcomes, type Project } from '../pipeline/project.js';

const COLORS = ['red', 'green', 'blue'];
function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}
/** Rows under the old world (y from x1 and color) or the new one (x1 shifted up; y from x2). */
function rows(n: number, seed: number, world: 'old' | 'new') {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const x1 = Math.round((r() * 10 + (world === 'new' ? 4 : 0)) * 100) / 100;
    const x2 = Math.round((r() * 10 - 5) * 100) / 100;
    const color = COLORS[Math.floor(r() * 3)] as string;
    const y = world === 'old' ? (x1 + (color === 'red' ? 2 : 0) > 6 ? 'high' : 'low') : x2 > 0 ? 'high' : 'low';
    return { x1, x2, color, y };
  });
}
const csv = (rs: { x1: number; x2: number; color: string; y: string }[]) => `x1,x2,color,y\n${rs.map((r) => `${r.x1},${r.x2},${r.color},${r.y}`).join('\n')}\n`;

const PREPARE = `
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const lines = (p) => readFileSync(p, 'utf8').split('\\n').filter(Boolean);
const base = lines('raw/base.csv'); const header = base.shift();
const all = [...base, ...lines('raw/live-window.csv').slice(1)];
mkdirSync('data', { recursive: true });
writeFileSync('data/train.csv', [header, ...all.filter((_, i) => i % 4 !== 0)].join('\\n') + '\\n');
writeFileSync('data/test.csv', [header, ...all.filter((_, i) => i % 4 === 0)].join('\\n') + '\\n');
`;

const SLIPWAY_YAML = `
name: toy
stages:
  prepare:
    cmd: node prepare.cjs
    deps: [prepare.cjs, raw/base.csv, raw/live-window.csv]
    outs: [data/train.csv, data/test.csv]
  train:
    uses: train
    with:
      data: data/train.csv
      target: y
      algorithm: gbdt
      params:
        max_iter: \${train.max_iter}
      seed: 1
      out: model/model.onnx
    params: [train]
  evaluate:
    uses: evaluate
    with: {model: model/model.onnx, data: data/test.csv, out: metrics/eval.json}
  gate:
    uses: gate
    with:
      name: toy
      model: model/model.onnx
      data: data/test.csv
      rules:
        - metric: accuracy
          min_absolute_change: \${gate.margin}
  register:
    uses: register
    with: {name: toy, model: model/model.onnx, gate: gate/result.json, promote_to: production}
monitors:
  toy-live:
    deployment: toy
    window: 1h
    drift: {min_sample: 50}
    performance: {min_labelled: 50}
    alerts:
      - name: data-drift
        when: {drift_share: {above: 0.3}}
        actions: [{retrain: {pipeline: slipway.yaml, with: {window_to: raw/live-window.csv}}}]
      - name: accuracy
        when: {metric: accuracy, below: 0.8}
        actions: [{log: {level: warn}}]
`;

describe('monitor → alert → retrain → gate → rollout', () => {
  let p: Project;
  let store: Store;
  let app: ServingApp | undefined;
  beforeAll(() => {
    registerValidateStage();
    registerTrainStage();
    registerEvaluateStages();
  });
  beforeEach(async () => {
    p = await createProject({
      'slipway.yaml': SLIPWAY_YAML, 'params.yaml': 'train:\n  max_iter: 40\ngate:\n  margin: 0.01\n', 'prepare.cjs': PREPARE,
      'raw/base.csv': csv(rows(800, 1, 'old')), 'raw/live-window.csv': 'x1,x2,color,y\n',
    });
    store = await p.store();
    expect(outcomes(await p.run())).toMatchObject({ train: 'ran', gate: 'ran', register: 'ran' });
    await deploy(store, 'toy', { uri: 'models:/toy@production' });
    app = await startServingApp({ store, deployments: ['toy'], payloadLog: { sampleRate: 1, flushIntervalMs: 50 } });
  }, 60_000);
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await p.dispose();
  });

  /** Serves `data` through MLflow scoring, then posts its labels as feedback. */
  async function traffic(a: ServingApp, data: ReturnType<typeof rows>, tag: string) {
    for (let k = 0; k < data.length; k += 20) {
      const chunk = data.slice(k, k + 20);
      const res = await fetch(`${a.url}/invocations`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': `${tag}-${k}` },
        body: JSON.stringify({ dataframe_split: { columns: ['x1', 'x2', 'color'], data: chunk.map((r) => [r.x1, r.x2, r.color]) } }),
      });
      expect(res.status).toBe(200);
      await fetch(`${a.url}/v1/feedback`, { method: 'POST', body: JSON.stringify({ request_id: `${tag}-${k}`, label: chunk.map((r) => r.y) }) });
    }
    await a.payloadLog?.flush();
  }

  const monitorSpec = async () => {
    const spec = await p.spec();
    const [m] = parseMonitors(spec.extra.monitors, 'slipway.yaml');
    return m as NonNullable<typeof m>;
  };

  it('drift and falling accuracy fire alerts once; the retrained version passes the gate and replaces v1 blue/green', async () => {
    const a = app as ServingApp;
    const spec = await monitorSpec();
    const outcomesSeen: RetrainOutcome[] = [];
    const retrain = async (r: Parameters<typeof retrainOnWindow>[1]) => {
      const o = await retrainOnWindow({ store, projectRoot: p.dir }, r);
      outcomesSeen.push(o);
      return o;
    };

    // The old world first: no drift, accuracy fine, nothing fires.
    await traffic(a, rows(300, 2, 'old'), 'old');
    const calm = await runMonitor(store, spec, { actions: { retrain } });
    expect(calm.status).toBe('ok');
    expect(calm.alerts.events).toEqual([]);
    expect(calm.performance?.metrics?.accuracy).toBeGreaterThan(0.9);
    await store.db.deleteFrom('payload_batches').execute(); // a fresh window for the shifted traffic

    await traffic(a, rows(400, 3, 'new'), 'new');
    const run = await runMonitor(store, spec, { actions: { retrain } });
    expect(run.status).toBe('alert');
    expect(run.drift.columns.find((c) => c.column === 'x1')).toMatchObject({ drifted: true, verdict: 'drift' });
    expect(run.drift.columns.find((c) => c.column === 'x2')?.drifted).toBe(false);
    expect(run.performance?.metrics?.accuracy).toBeLessThan(0.8);
    expect(run.alerts.events.map((e) => [e.event, e.rule.name]).sort()).toEqual([['alert.fired', 'accuracy'], ['alert.fired', 'data-drift']]);
    expect(outcomesSeen).toHaveLength(1);
    expect(outcomesSeen[0]).toMatchObject({ status: 'succeeded' });
    expect(outcomesSeen[0]?.message).toMatch(/^version 2 passed the gate and was deployed bluegreen \(revision 2\)$/);
    expect(p.read('raw/live-window.csv').trim().split('\n')).toHaveLength(401);

    const d = await getDeployment(store, 'toy');
    expect(d.spec).toMatchObject({ stable: { model: 'toy', version: '2' }, standby: { model: 'toy', version: '1' } });
    const audit = await listAudit(store.db, { action: 'deployment.deploy', limit: 1 });
    expect(audit[0]?.reason).toMatch(/^retrained by monitor toy-live \(data-drift\)/);
    await app?.deployments[0]?.sync();
    const after = await fetch(`${a.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: { x1: [9], x2: [3], color: ['red'] } }) });
    expect(after.headers.get('x-slipway-served-by')).toBe('toy/2');

    // The same window again: the alerts are still firing, so nothing fires (or retrains) twice.
    const again = await runMonitor(store, spec, { actions: { retrain } });
    expect(again.alerts.events).toEqual([]);
    expect(outcomesSeen).toHaveLength(1);
    expect((await listAlerts(store, { monitor: 'toy-live', state: 'firing' })).map((x) => x.rule).sort()).toEqual(['accuracy', 'data-drift']);

    const runs = await listMonitorRuns(store, 'toy-live');
    expect(runs.map((r) => r.status)).toEqual(['alert', 'alert', 'ok']);
    const share = await monitorSeries(store, 'toy-live', 'drift.share');
    expect(share).toHaveLength(3);
    expect(share[1]?.value).toBeGreaterThan(0.3);

    // The CLI over the same store: a run that still breaches exits 1; its HTML report holds no raw rows.
    const cli = await p.cli(['monitor', 'toy', '--json', '--html', 'report.html']);
    expect(cli.code).toBe(1);
    const out = cli.json<{ monitors: { status: string; model: { version: string } }[] }>();
    expect(out.monitors.map((m) => [m.status, m.model.version])).toEqual([['alert', '2']]);
    const html = p.read('report.html');
    expect(html).toContain('Monitor toy-live: alert');
    expect(html).not.toContain(String(rows(400, 3, 'new')[7]?.x2));
    const alerts = (await p.cli(['alerts', '--state', 'firing', '--json'])).json<{ alerts: { rule: string }[] }>();
    expect(alerts.alerts.map((x) => x.rule).sort()).toEqual(['accuracy', 'data-drift']);
    expect((await p.cli(['monitors', 'runs', 'toy-live', '--json'])).json<{ runs: unknown[] }>().runs).toHaveLength(4);
    expect((await p.cli(['monitor', 'toy', '--window', '1h', '--last', '5'])).code).toBe(2);
    const last = (await p.cli(['monitor', 'toy', '--last', '100', '--json'])).json<{ monitors: { drift: { current_rows: number } }[] }>();
    expect(last.monitors[0]?.drift.current_rows).toBe(100);
    const bad = await p.cli(['monitor', 'toy', '--window', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--window: 'soon' is not a duration/);
  }, 120_000);

  it('a retrained model that fails the gate is not deployed', async () => {
    const a = app as ServingApp;
    const spec = await monitorSpec();
    await traffic(a, rows(400, 3, 'new'), 'new');
    // A gate that asks for 50 points of accuracy more than production: the retrained model cannot pass it.
    const retrain = (r: Parameters<typeof retrainOnWindow>[1]) => retrainOnWindow({ store, projectRoot: p.dir }, { ...r, with: { ...r.with, 'gate.margin': 0.5 } });
    const run = await runMonitor(store, spec, { actions: { retrain } });
    const result = run.alerts.actions.flatMap((x) => x.results).find((x) => x.kind === 'retrain');
    expect(result).toMatchObject({ kind: 'retrain', outcome: { status: 'failed' } });
    expect((result as { outcome: RetrainOutcome }).outcome.message).toMatch(/^stage gate failed: gate against models:\/toy@production \(version 1\) failed/);
    const d = await getDeployment(store, 'toy');
    expect(d.revision).toBe(1);
    expect(d.spec.stable).toEqual({ model: 'toy', version: '1' });
  }, 120_000);
});
