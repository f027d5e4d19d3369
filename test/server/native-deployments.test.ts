import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromColumns } from '../../src/data/index.js';
import { recordMonitorRun } from '../../src/monitor/index.js';
import { createModelVersion, createRegisteredModel } from '../../src/registry/index.js';
import { predict, trainModel, writeModelOnnx } from '../../src/train/index.js';
import { BACKENDS } from '../backends.js';
import { createNativeTestServer, type NativeTestServer } from './native-helpers.js';

const n = 120;
const x = Array.from({ length: n }, (_, i) => i / 10);
const color = Array.from({ length: n }, (_, i) => ['red', 'green', 'blue'][i % 3] as string);
const model = trainModel(tableFromColumns({ x, color, y: x.map((v, i) => (v + (i % 3) > 6 ? 'high' : 'low')) }), { target: 'y', algorithm: 'logistic' });
const probe = { x: [1, 7.5, 10, 11.5], color: ['red', 'blue', 'green', 'red'] };
const labels = predict(model, tableFromColumns(probe)).labels ?? [];

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`native API: deployments, monitors, alerts (${backend.name})`, () => {
    let s: NativeTestServer;
    beforeAll(async () => {
      s = await createNativeTestServer(backend);
      const store = s.ts.store;
      await writeModelOnnx(model, join(s.ts.dir, 'model.onnx'));
      await createRegisteredModel(store, 'iris');
      await createModelVersion(store, 'iris', { source: join(s.ts.dir, 'model.onnx') });
      await createModelVersion(store, 'iris', { source: join(s.ts.dir, 'model.onnx') });
    });
    afterAll(async () => {
      await s.dispose();
    });

    it('deploys after a smoke test in the server, and refuses one that fails, changing nothing', async () => {
      const first = await s.call('POST', '/api/v1/deployments/web/deploy', { model: 'models:/iris/1', smoke: { inputs: probe, expected: labels }, reason: 'launch' });
      expect(first.status).toBe(200);
      expect(first.body.smoke).toEqual({ passed: true, rows: 4, mismatches: 0, failures: [], source: 'file' });
      expect(first.body.deployment).toMatchObject({ name: 'web', revision: 1, status: 'serving', spec: { stable: { model: 'iris', version: '1' }, candidate: null } });

      const lie = labels.map((l) => (l === 'high' ? 'low' : 'high'));
      const refused = await s.call('POST', '/api/v1/deployments/web/deploy', { model: 'models:/iris/2', smoke: { inputs: probe, expected: lie } });
      expect(refused.status).toBe(400);
      expect(refused.body.error_code).toBe('INVALID_STATE');
      expect(refused.body.message).toMatch(/^iris version 2 not deployed to 'web': smoke test failed on 4 of 4 rows/);
      expect((await s.call('GET', '/api/v1/deployments/web')).body.deployment.revision).toBe(1);
      const audit = await s.call('GET', '/api/v1/audit', { subject_type: 'deployment' });
      expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['deployment.smoke_failed', 'deployment.deploy']);

      const noSample = await s.call('POST', '/api/v1/deployments/web/deploy', { model: 'models:/iris/2' });
      expect(noSample.status).toBe(400);
      expect(noSample.body.message).toContain('no smoke test for iris version 2');
    });

    it('runs a canary, promotes it, rolls back, and keeps every revision', async () => {
      const canary = await s.call('POST', '/api/v1/deployments/web/deploy', {
        model: 'models:/iris/2', strategy: 'canary', percent: 20, skip_smoke: true, limits: { min_requests: 50, max_error_rate: 0.05 },
      });
      expect(canary.status).toBe(200);
      expect(canary.body.smoke).toBeNull();
      expect(canary.body.deployment.status).toBe('canary');
      expect(canary.body.deployment.spec.candidate).toMatchObject({
        ref: { model: 'iris', version: '2' }, strategy: 'canary', percent: 20, keyHeader: 'x-slipway-key',
        limits: { minRequests: 50, maxErrorRate: 0.05, maxLatencyRatio: 2, promoteAfter: 1000 },
      });
      const busy = await s.call('POST', '/api/v1/deployments/web/deploy', { model: 'models:/iris/1', skip_smoke: true });
      expect([busy.status, busy.body.error_code]).toEqual([409, 'RESOURCE_CONFLICT']);

      const promoted = await s.call('POST', '/api/v1/deployments/web/promote', { reason: 'looks fine' });
      expect(promoted.body.deployment).toMatchObject({ revision: 3, status: 'serving', spec: { stable: { version: '2' }, standby: { version: '1' } } });
      expect((await s.call('POST', '/api/v1/deployments/web/promote', {})).status).toBe(409);
      const back = await s.call('POST', '/api/v1/deployments/web/rollback', { reason: 'latency' });
      expect(back.body.deployment).toMatchObject({ revision: 4, spec: { stable: { version: '1' }, standby: { version: '2' } } });
      expect((await s.call('POST', '/api/v1/deployments/web/rollback')).body.deployment.spec.stable.version).toBe('2');

      const shown = await s.call('GET', '/api/v1/deployments/web');
      expect(shown.body.history.map((h: { revision: number; action: string; actor: string }) => [h.revision, h.action, h.actor])).toEqual([
        [1, 'deploy', 'alice'], [2, 'deploy', 'alice'], [3, 'promote', 'alice'], [4, 'rollback', 'alice'], [5, 'rollback', 'alice'],
      ]);
      expect(shown.body.history[3].reason).toBe('latency');
      expect((await s.call('GET', '/api/v1/deployments')).body.deployments.map((d: { name: string; revision: number }) => [d.name, d.revision])).toEqual([['web', 5]]);
      expect((await s.call('GET', '/api/v1/deployments/nope')).status).toBe(404);
      expect((await s.call('POST', '/api/v1/deployments/nope/rollback')).status).toBe(404);
    });

    it('answers a bad deploy request with a 400 naming the field', async () => {
      const cases: [unknown, string][] = [
        [{}, "Missing body field 'model'"],
        [{ model: 'iris/1' }, "Invalid body field 'model': expected models:/NAME/VERSION or models:/NAME@ALIAS"],
        [{ model: 'models:/iris/1', strategy: 'rainbow' }, 'Invalid body field \'strategy\': Invalid option: expected one of "bluegreen"|"canary"|"shadow"|"ab"'],
        [{ model: 'models:/iris/1', percent: 20 }, "Invalid body field 'percent': it applies to canary, shadow and ab; blue/green switches all traffic."],
        [{ model: 'models:/iris/1', strategy: 'canary', percent: 120 }, "Invalid body field 'percent': Too big: expected number to be <=100"],
        [{ model: 'models:/iris/1', skip_smoke: true, smoke: { cases: [] } }, "Invalid body field 'skip_smoke': give smoke cases or skip_smoke, not both."],
        [{ model: 'models:/iris/1', limits: { max_error_rate: 2 } }, "Invalid body field 'limits.max_error_rate': Too big: expected number to be <=1"],
        [{ model: 'models:/iris/1', limits: { patience: 2 } }, "Unknown body field 'limits.patience'"],
        [{ model: 'models:/iris/1', smoke: { nothing: true } }, "body field 'smoke'"],
      ];
      for (const [body, message] of cases) {
        const r = await s.call('POST', '/api/v1/deployments/web/deploy', body);
        expect(r.status).toBe(400);
        expect(r.body.message).toContain(message);
      }
      expect((await s.call('POST', '/api/v1/deployments/Web_1/deploy', { model: 'models:/iris/1', skip_smoke: true })).body.message).toMatch(/deployment name 'Web_1' must be/);
      expect((await s.call('POST', '/api/v1/deployments/web2/deploy', { model: 'models:/iris/9', skip_smoke: true })).status).toBe(404);
    });

    it('lists monitors, their runs, series and reports, and alerts', async () => {
      const store = s.ts.store;
      const hour = 3_600_000;
      const t0 = 1_700_000_000_000;
      for (let i = 0; i < 3; i++) {
        await recordMonitorRun(store, {
          monitor: 'web-live', deployment: 'web', windowStart: t0 + i * hour, windowEnd: t0 + (i + 1) * hour, status: i === 2 ? 'drift' : 'ok',
          summary: { drift_share: i / 10 }, report: { run: i, columns: ['x'] }, series: { 'drift.share': i / 10, 'metric.accuracy': 0.9 - i / 100, 'drift.x.statistic': i },
        });
      }
      await recordMonitorRun(store, { monitor: 'other', deployment: 'web', windowStart: t0, windowEnd: t0 + hour, status: 'ok', summary: {} });
      await store.db.insertInto('alerts').values([
        { monitor: 'web-live', rule: 'drift', state: 'resolved', started_time: t0, resolved_time: t0 + hour, value: 0.1, message: 'held' },
        { monitor: 'web-live', rule: 'drift', state: 'firing', started_time: t0 + 2 * hour, resolved_time: null, value: 0.6, message: 'drift share 0.6 is above 0.5' },
        { monitor: 'other', rule: 'errors', state: 'firing', started_time: t0, resolved_time: null, value: null, message: 'errors' },
      ]).execute();

      const monitors = await s.call('GET', '/api/v1/monitors');
      expect(monitors.body.monitors.map((m: { name: string; runs: number; firing_alerts: number; last_run: { status: string } }) => [m.name, m.runs, m.firing_alerts, m.last_run.status])).toEqual([
        ['other', 1, 1, 'ok'], ['web-live', 3, 1, 'drift'],
      ]);

      const page = await s.call('GET', '/api/v1/monitors/web-live/runs', { limit: 2 });
      expect(page.body.runs.map((r: { window_end: number }) => r.window_end)).toEqual([t0 + 3 * hour, t0 + 2 * hour]);
      const rest = await s.call('GET', '/api/v1/monitors/web-live/runs', { limit: 2, page_token: page.body.next_page_token });
      expect(rest.body).toEqual({ runs: [expect.objectContaining({ window_end: t0 + hour, summary: { drift_share: 0 } })] });
      expect((await s.call('GET', '/api/v1/monitors/web-live/runs', { since: t0 + 3 * hour })).body.runs).toHaveLength(1);

      const accuracy = await s.call('GET', '/api/v1/monitors/web-live/series', { key: 'metric.accuracy' });
      expect(accuracy.body.points.map((p: { time: number; value: number }) => [p.time, p.value])).toEqual([[t0 + hour, 0.9], [t0 + 2 * hour, 0.89], [t0 + 3 * hour, 0.88]]);
      expect((await s.call('GET', '/api/v1/monitors/web-live/series', { prefix: 'drift.', from: t0 + 3 * hour })).body.points.map((p: { key: string }) => p.key)).toEqual(['drift.share', 'drift.x.statistic']);
      expect((await s.call('GET', '/api/v1/monitors/web-live/series', { to: t0 + hour + 1 })).body.points).toHaveLength(3);
      expect((await s.call('GET', '/api/v1/monitors/web-live/series', { key: 'a', prefix: 'b' })).status).toBe(400);

      const newest = page.body.runs[0];
      expect((await s.call('GET', `/api/v1/monitor-runs/${newest.id}`)).body.run).toEqual(newest);
      expect((await s.call('GET', `/api/v1/monitor-runs/${newest.id}/report`)).body.report).toEqual({ run: 2, columns: ['x'] });
      const other = monitors.body.monitors[0].last_run;
      const noReport = await s.call('GET', `/api/v1/monitor-runs/${other.id}/report`);
      expect([noReport.status, noReport.body.message]).toEqual([404, `Monitor run ${other.id} (other) stored no report; its summary is on the run itself.`]);
      expect((await s.call('GET', '/api/v1/monitor-runs/999999')).status).toBe(404);
      expect((await s.call('GET', '/api/v1/monitor-runs/0')).body.message).toBe("Invalid path parameter 'id': expected a positive integer id");

      const alerts = await s.call('GET', '/api/v1/alerts');
      expect(alerts.body.alerts.map((a: { monitor: string; state: string }) => `${a.monitor}:${a.state}`)).toEqual(['other:firing', 'web-live:firing', 'web-live:resolved']);
      expect(alerts.body.alerts[2]).toMatchObject({ rule: 'drift', started_time: t0, resolved_time: t0 + hour, value: 0.1, message: 'held' });
      expect((await s.call('GET', '/api/v1/alerts', { monitor: 'web-live', state: 'firing' })).body.alerts.map((a: { value: number }) => a.value)).toEqual([0.6]);
      const two = await s.call('GET', '/api/v1/alerts', { limit: 2 });
      expect((await s.call('GET', '/api/v1/alerts', { limit: 2, page_token: two.body.next_page_token })).body.alerts.map((a: { message: string }) => a.message)).toEqual(['held']);
      expect((await s.call('GET', '/api/v1/alerts', { state: 'open' })).status).toBe(400);
    });
  });
}
