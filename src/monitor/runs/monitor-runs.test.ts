import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { createTestStore, expectCode, steppingClock, type TestStore } from '../../../test/helpers/test-store.js';
import type { Store } from '../../store/index.js';
import { getMonitorReport, getMonitorRun, listMonitorRuns, monitorSeries } from './read-monitor-runs.js';
import { recordMonitorRun } from './record-monitor-run.js';
import { SERIES } from './series-keys.js';

const T0 = 1_700_000_000_000;
const D = 86_400_000;

async function counts(store: Store) {
  const runs = await store.db.selectFrom('monitor_runs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const points = await store.db.selectFrom('monitor_series').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return [Number(runs.n), Number(points.n)];
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`monitor runs: ${backend.name}`, () => {
    let t: TestStore;
    const ids: number[] = [];
    const report = { format: 'test-report', columns: { age: { statistic: 0.31, p_value: 0.0004 } }, notes: ['ü', '😀'] };
    beforeAll(async () => {
      t = await createTestStore(backend, { now: steppingClock(T0 + 10 * D, 1000) });
      for (let d = 0; d < 3; d++) {
        const run = await recordMonitorRun(t.store, {
          monitor: 'income-daily', deployment: 'income', windowStart: T0 + d * D, windowEnd: T0 + (d + 1) * D,
          status: d === 2 ? 'drift' : 'ok', summary: { day: d, drifted: d === 2 ? ['age'] : [] },
          ...(d === 0 ? { report } : d === 1 ? { report: '{"raw": true}' } : {}),
          series: {
            [SERIES.metric('accuracy')]: 0.9 - d / 10, [SERIES.driftStatistic('age')]: d / 10, [SERIES.driftPValue('age')]: d === 2 ? 0.001 : 0.5,
            [SERIES.driftStatistic('age_group')]: 0.05, [SERIES.driftStatistic('a_b%')]: 1 + d, [SERIES.driftStatistic('aXbY')]: 7,
            [SERIES.errorRate]: d === 1 ? null : 0.01, [SERIES.requests]: 100 * (d + 1), [SERIES.metric('roc_auc')]: Number.NaN,
          },
        });
        ids.push(run.id);
      }
      // Another monitor with the same keys, given as {key, value} points.
      await recordMonitorRun(t.store, {
        monitor: 'income-hourly', deployment: 'income', windowStart: T0, windowEnd: T0 + 3_600_000, status: 'insufficient_data',
        summary: null, series: [{ key: SERIES.metric('accuracy'), value: 0.5 }, { key: SERIES.driftShare, value: 0.25 }],
      });
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it('records a run and reads it back the same', async () => {
      const first = await getMonitorRun(t.store, ids[0] as number);
      expect(first).toEqual({
        id: ids[0], monitor: 'income-daily', deployment: 'income', windowStart: T0, windowEnd: T0 + D,
        startedTime: T0 + 10 * D, finishedTime: T0 + 10 * D, status: 'ok', summary: { day: 0, drifted: [] }, reportHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect((await getMonitorRun(t.store, ids[2] as number)).reportHash).toBeNull();
      const explicit = await recordMonitorRun(t.store, {
        monitor: 'timed', deployment: 'd', windowStart: 0, windowEnd: 1, status: 'failed', summary: 'boom', startedTime: 5, finishedTime: 9,
      });
      expect(await getMonitorRun(t.store, explicit.id)).toEqual(explicit);
      expect([explicit.startedTime, explicit.finishedTime, explicit.summary]).toEqual([5, 9, 'boom']);
    });

    it('lists runs newest window first, with limit and since', async () => {
      expect((await listMonitorRuns(t.store, 'income-daily')).map((r) => [r.id, r.status])).toEqual([[ids[2], 'drift'], [ids[1], 'ok'], [ids[0], 'ok']]);
      expect((await listMonitorRuns(t.store, 'income-daily', { limit: 2 })).map((r) => r.id)).toEqual([ids[2], ids[1]]);
      expect((await listMonitorRuns(t.store, 'income-daily', { since: T0 + 2 * D })).map((r) => r.id)).toEqual([ids[2], ids[1]]);
      expect(await listMonitorRuns(t.store, 'nobody')).toEqual([]);
      await expectCode(listMonitorRuns(t.store, 'income-daily', { limit: 0 }), 'INVALID_PARAMETER_VALUE');
    });

    it('gives one series by key at each window end, skipping points that were not numbers', async () => {
      expect(await monitorSeries(t.store, 'income-daily', 'metric.accuracy')).toEqual([
        { time: T0 + D, value: 0.9, key: 'metric.accuracy', runId: ids[0] },
        { time: T0 + 2 * D, value: 0.8, key: 'metric.accuracy', runId: ids[1] },
        { time: T0 + 3 * D, value: 0.9 - 2 / 10, key: 'metric.accuracy', runId: ids[2] },
      ]);
      expect((await monitorSeries(t.store, 'income-daily', 'serving.error_rate')).map((p) => p.time)).toEqual([T0 + D, T0 + 3 * D]);
      expect(await monitorSeries(t.store, 'income-daily', 'metric.roc_auc')).toEqual([]);
      expect((await monitorSeries(t.store, 'income-daily', 'serving.requests', { from: T0 + 2 * D, to: T0 + 3 * D })).map((p) => p.value)).toEqual([200]);
      expect((await monitorSeries(t.store, 'income-hourly', 'metric.accuracy')).map((p) => p.value)).toEqual([0.5]);
    });

    it('gives every series under a prefix, literally (no wildcards), ordered by time then key', async () => {
      const age = await monitorSeries(t.store, 'income-daily', { prefix: 'drift.age.' });
      expect(age.map((p) => [p.time, p.key, p.value])).toEqual([
        [T0 + D, 'drift.age.p_value', 0.5], [T0 + D, 'drift.age.statistic', 0],
        [T0 + 2 * D, 'drift.age.p_value', 0.5], [T0 + 2 * D, 'drift.age.statistic', 0.1],
        [T0 + 3 * D, 'drift.age.p_value', 0.001], [T0 + 3 * D, 'drift.age.statistic', 0.2],
      ]);
      expect((await monitorSeries(t.store, 'income-daily', { prefix: 'drift.a_b%.' })).map((p) => p.value)).toEqual([1, 2, 3]);
      expect(new Set((await monitorSeries(t.store, 'income-daily', { prefix: 'serving.' })).map((p) => p.key))).toEqual(new Set(['serving.error_rate', 'serving.requests']));
      expect(await monitorSeries(t.store, 'income-daily', { prefix: 'drift.age.' }, { from: T0 + 3 * D })).toHaveLength(2);
    });

    it('round-trips the report, and says when there is none', async () => {
      expect(await getMonitorReport(t.store, ids[0] as number)).toEqual(report);
      expect(await getMonitorReport(t.store, ids[1] as number)).toEqual({ raw: true });
      const none = await expectCode(getMonitorReport(t.store, ids[2] as number), 'RESOURCE_DOES_NOT_EXIST');
      expect(none.message).toContain('stored no report');
      await expectCode(getMonitorReport(t.store, 999_999), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(getMonitorRun(t.store, 0), 'INVALID_PARAMETER_VALUE');
    });

    it.each([
      ['an unknown status', { status: 'bad' }, /status 'bad' is not one of ok, drift, alert, insufficient_data, failed/],
      ['a reversed window', { windowStart: 10, windowEnd: 5 }, /start < end/],
      ['an empty monitor name', { monitor: '' }, /monitor name must be 1 to 256 characters/],
      ['no summary', { summary: undefined }, /needs a JSON summary/],
      ['a report that is not JSON', { report: '{nope' }, /must be JSON/],
      ['a key given twice', { series: [{ key: 'a', value: 1 }, { key: 'a', value: 2 }] }, /series key 'a' is given twice/],
      ['a value that is not a number', { series: { a: '1' } }, /series 'a' must be a number, got "1"/],
      ['a 513-character key', { series: { ['k'.repeat(513)]: 1 } }, /1 to 512 characters/],
    ])('refuses %s and stores nothing', async (_name, change, message) => {
      const before = await counts(t.store);
      const input = { monitor: 'bad', deployment: 'd', windowStart: 0, windowEnd: 1, status: 'ok', summary: {}, series: { x: 1 }, ...change };
      const err = await expectCode(recordMonitorRun(t.store, input as Parameters<typeof recordMonitorRun>[1]), 'INVALID_PARAMETER_VALUE');
      expect(err.message).toMatch(message);
      expect(await counts(t.store)).toEqual(before);
    });

    it('stores thousands of points of one run', async () => {
      const series = Object.fromEntries(Array.from({ length: 7000 }, (_, i) => [SERIES.driftStatistic(`c${i}`), i / 7000]));
      const run = await recordMonitorRun(t.store, { monitor: 'wide', deployment: 'd', windowStart: 0, windowEnd: 60_000, status: 'ok', summary: {}, series });
      const points = await monitorSeries(t.store, 'wide', { prefix: 'drift.' });
      expect(points).toHaveLength(7000);
      expect(points.every((p) => p.runId === run.id && p.time === 60_000 && p.value === series[p.key])).toBe(true);
    });
  });
}
