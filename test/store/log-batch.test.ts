import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/open-store.js';
import {
  createRun,
  deleteTag,
  getMetricHistory,
  getRun,
  type LogBatchInput,
  logBatch,
  logInputs,
  logMetric,
  logParam,
  type MetricInput,
  runsUsingData,
  setTag,
} from '../../src/tracking/index.js';
import { BACKENDS } from '../backends.js';
import { createTestStore, expectCode, steppingClock, type TestStore } from '../helpers/test-store.js';

async function rowCount(store: Store, table: 'metrics' | 'latest_metrics' | 'params' | 'tags', runId: string): Promise<number> {
  const r = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM ${sql.table(table)} WHERE run_uuid = ${runId}`.execute(
    store.db,
  );
  return Number(r.rows[0]?.n);
}

const metrics = (n: number, prefix = 'm'): MetricInput[] =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i % 10}`, value: i, step: i, timestamp: 1000 + i }));
const kvs = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`metadata store params, metrics, tags, inputs: ${backend.name}`, () => {
    let t: TestStore;
    const newRun = async () => (await createRun(t.store)).info.run_id;
    beforeAll(async () => {
      t = await createTestStore(backend, { now: steppingClock() });
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it('logs a param; the same value again is fine, a different one is refused', async () => {
      const id = await newRun();
      await logParam(t.store, id, 'lr', '0.1');
      await logParam(t.store, id, 'lr', '0.1');
      await logBatch(t.store, id, {
        params: [
          { key: 'lr', value: '0.1' },
          { key: 'depth', value: '3' },
        ],
      });
      const err = await expectCode(logParam(t.store, id, 'lr', '0.2'), 'INVALID_PARAMETER_VALUE');
      expect(err.message).toContain('Changing param values is not allowed');
      expect(err.message).toContain("key='lr'");
      expect((await getRun(t.store, id)).data.params).toEqual([
        { key: 'depth', value: '3' },
        { key: 'lr', value: '0.1' },
      ]);
    });

    it('a batch with a conflicting param writes nothing at all (metrics, tags, other params)', async () => {
      const id = await newRun();
      await logParam(t.store, id, 'lr', '0.1');
      const tagsBefore = (await getRun(t.store, id)).data.tags;
      const batch: LogBatchInput = {
        metrics: [
          { key: 'loss', value: 0.5, step: 1 },
          { key: 'acc', value: 0.9, step: 1 },
        ],
        params: [
          { key: 'fresh', value: 'x' },
          { key: 'lr', value: '0.3' },
        ],
        tags: [
          { key: 'mlflow.runName', value: 'should-not-stick' },
          { key: 'new', value: 'tag' },
        ],
      };
      const err = await expectCode(logBatch(t.store, id, batch), 'INVALID_PARAMETER_VALUE');
      expect(err.message).toContain('Changing param values is not allowed');
      expect(await rowCount(t.store, 'metrics', id)).toBe(0);
      expect(await rowCount(t.store, 'latest_metrics', id)).toBe(0);
      expect(await rowCount(t.store, 'params', id)).toBe(1);
      const after = await getRun(t.store, id);
      expect(after.data.tags).toEqual(tagsBefore);
      expect(after.info.run_name).not.toBe('should-not-stick');
      expect(after.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    });

    it('enforces MLflow batch limits, writing nothing for a refused batch; exactly 1000 metrics is fine', async () => {
      const id = await newRun();
      const cases: [string, LogBatchInput][] = [
        ['1001 metrics', { metrics: metrics(1001) }],
        ['101 params', { params: kvs(101, 'p') }],
        ['101 tags', { tags: kvs(101, 't') }],
        ['1001 items in all', { metrics: metrics(950), params: kvs(20, 'p'), tags: kvs(31, 't') }],
        [
          'duplicate param keys',
          {
            params: [
              { key: 'a', value: '1' },
              { key: 'a', value: '1' },
            ],
          },
        ],
        ['bad metric key', { metrics: [{ key: '../etc', value: 1 }] }],
        ['non-integer step', { metrics: [{ key: 'm', value: 1, step: 1.5 }] }],
        ['string value', { metrics: [{ key: 'm', value: '1' as unknown as number }] }],
        ['param value too long', { params: [{ key: 'p', value: 'x'.repeat(6001) }] }],
        ['tag value too long', { tags: [{ key: 't', value: 'x'.repeat(8001) }] }],
        ['key too long', { params: [{ key: 'k'.repeat(251), value: '1' }] }],
      ];
      for (const [what, batch] of cases) {
        const err = await expectCode(logBatch(t.store, id, batch), 'INVALID_PARAMETER_VALUE');
        expect(err.message.length, what).toBeGreaterThan(0);
      }
      const dup = await expectCode(logBatch(t.store, id, cases[4]?.[1] ?? {}), 'INVALID_PARAMETER_VALUE');
      expect(dup.message).toContain("Duplicate parameter keys have been submitted: ['a']");
      expect(await rowCount(t.store, 'metrics', id)).toBe(0);
      expect(await rowCount(t.store, 'params', id)).toBe(0);
      expect(await rowCount(t.store, 'tags', id)).toBe(1); // mlflow.runName only

      await logBatch(t.store, id, { metrics: metrics(1000) });
      await logBatch(t.store, id, { params: kvs(100, 'p') });
      await logBatch(t.store, id, { tags: kvs(100, 't') });
      await logBatch(t.store, id, { metrics: metrics(800, 'x'), params: kvs(100, 'q'), tags: kvs(100, 'u') });
      expect(await rowCount(t.store, 'metrics', id)).toBe(1800);
      expect(await rowCount(t.store, 'latest_metrics', id)).toBe(20);
      expect(await rowCount(t.store, 'params', id)).toBe(200);
      expect(await rowCount(t.store, 'tags', id)).toBe(201);
      expect(await getMetricHistory(t.store, id, 'm3')).toHaveLength(100);
    });

    it('returns metric history in step order whatever the logging order', async () => {
      const id = await newRun();
      for (const step of [4, 0, 3, 1, 2])
        await logMetric(t.store, id, { key: 'loss', value: 10 - step, step, timestamp: 500 + step });
      await logBatch(t.store, id, { metrics: [{ key: 'loss', value: 0.5, step: 2, timestamp: 100 }] });
      const history = await getMetricHistory(t.store, id, 'loss');
      expect(history).toEqual([
        { key: 'loss', value: 10, step: 0, timestamp: 500 },
        { key: 'loss', value: 9, step: 1, timestamp: 501 },
        { key: 'loss', value: 0.5, step: 2, timestamp: 100 },
        { key: 'loss', value: 8, step: 2, timestamp: 502 },
        { key: 'loss', value: 7, step: 3, timestamp: 503 },
        { key: 'loss', value: 6, step: 4, timestamp: 504 },
      ]);
      expect(await getMetricHistory(t.store, id, 'loss', { maxResults: 2, offset: 1 })).toEqual(history.slice(1, 3));
      expect(await getMetricHistory(t.store, id, 'missing')).toEqual([]);
      // Defaults: step 0, timestamp from the store's clock.
      const now = t.store.now();
      await logMetric(t.store, id, { key: 'defaults', value: 1 });
      expect(await getMetricHistory(t.store, id, 'defaults')).toEqual([
        { key: 'defaults', value: 1, step: 0, timestamp: now + 1 },
      ]);
    });

    it('keeps the latest metric by (step, timestamp, value), across and within batches', async () => {
      const id = await newRun();
      const latest = async (key: string) => (await getRun(t.store, id)).data.metrics.find((m) => m.key === key);
      await logMetric(t.store, id, { key: 'a', value: 5, step: 5, timestamp: 100 });
      await logMetric(t.store, id, { key: 'a', value: 3, step: 3, timestamp: 200 });
      expect(await latest('a')).toEqual({ key: 'a', value: 5, step: 5, timestamp: 100 });
      await logMetric(t.store, id, { key: 'a', value: 6, step: 5, timestamp: 150 });
      expect(await latest('a')).toEqual({ key: 'a', value: 6, step: 5, timestamp: 150 });
      await logMetric(t.store, id, { key: 'a', value: 1, step: 5, timestamp: 120 });
      expect(await latest('a')).toEqual({ key: 'a', value: 6, step: 5, timestamp: 150 });
      // Same step and timestamp: the larger value wins.
      await logMetric(t.store, id, { key: 'a', value: 7, step: 5, timestamp: 150 });
      await logMetric(t.store, id, { key: 'a', value: 2, step: 5, timestamp: 150 });
      expect(await latest('a')).toEqual({ key: 'a', value: 7, step: 5, timestamp: 150 });
      // Within one batch the order of the points does not matter.
      await logBatch(t.store, id, {
        metrics: [
          { key: 'b', value: 9, step: 9, timestamp: 1 },
          { key: 'b', value: 1, step: 1, timestamp: 999 },
          { key: 'b', value: 8, step: 9, timestamp: 0 },
        ],
      });
      expect(await latest('b')).toEqual({ key: 'b', value: 9, step: 9, timestamp: 1 });
      expect(await getMetricHistory(t.store, id, 'b')).toHaveLength(3);
    });

    it('round-trips NaN and ±Infinity in history and latest values', async () => {
      const id = await newRun();
      await logBatch(t.store, id, {
        metrics: [
          { key: 'nan', value: Number.NaN, step: 0, timestamp: 1 },
          { key: 'pinf', value: Number.POSITIVE_INFINITY, step: 0, timestamp: 1 },
          { key: 'ninf', value: Number.NEGATIVE_INFINITY, step: 0, timestamp: 1 },
          { key: 'tiny', value: 5e-324, step: 0, timestamp: 1 },
          { key: 'mixed', value: 1.5, step: 0, timestamp: 1 },
          { key: 'mixed', value: Number.NaN, step: 1, timestamp: 1 },
        ],
      });
      const run = await getRun(t.store, id);
      const byKey = new Map(run.data.metrics.map((m) => [m.key, m.value]));
      expect(Number.isNaN(byKey.get('nan'))).toBe(true);
      expect(byKey.get('pinf')).toBe(Number.POSITIVE_INFINITY);
      expect(byKey.get('ninf')).toBe(Number.NEGATIVE_INFINITY);
      expect(byKey.get('tiny')).toBe(5e-324);
      expect(Number.isNaN(byKey.get('mixed'))).toBe(true);
      expect((await getMetricHistory(t.store, id, 'nan'))[0]?.value).toBeNaN();
      expect((await getMetricHistory(t.store, id, 'pinf'))[0]?.value).toBe(Number.POSITIVE_INFINITY);
      expect((await getMetricHistory(t.store, id, 'ninf'))[0]?.value).toBe(Number.NEGATIVE_INFINITY);
      const mixed = await getMetricHistory(t.store, id, 'mixed');
      expect(mixed.map((m) => m.value)).toEqual([1.5, Number.NaN]);
      // A later finite point replaces a NaN latest value.
      await logMetric(t.store, id, { key: 'nan', value: 2, step: 1, timestamp: 1 });
      expect((await getRun(t.store, id)).data.metrics.find((m) => m.key === 'nan')?.value).toBe(2);
    });

    it('sets, overwrites and deletes tags; deleting a missing tag is RESOURCE_DOES_NOT_EXIST', async () => {
      const id = await newRun();
      await setTag(t.store, id, 'stage', 'dev');
      await setTag(t.store, id, 'stage', 'prod');
      await logBatch(t.store, id, {
        tags: [
          { key: 'x', value: '1' },
          { key: 'x', value: '2' },
        ],
      });
      let run = await getRun(t.store, id);
      expect(run.data.tags.filter((x) => x.key !== 'mlflow.runName')).toEqual([
        { key: 'stage', value: 'prod' },
        { key: 'x', value: '2' },
      ]);
      await setTag(t.store, id, 'mlflow.runName', 'new-name');
      run = await getRun(t.store, id);
      expect(run.info.run_name).toBe('new-name');
      await deleteTag(t.store, id, 'stage');
      expect((await getRun(t.store, id)).data.tags.map((x) => x.key)).toEqual(['mlflow.runName', 'x']);
      const err = await expectCode(deleteTag(t.store, id, 'stage'), 'RESOURCE_DOES_NOT_EXIST');
      expect(err.message).toContain('stage');
      await expectCode(deleteTag(t.store, id, 'never'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(setTag(t.store, id, '', 'v'), 'INVALID_PARAMETER_VALUE');
    });

    it('records dataset inputs on the run (once per name/digest/context) and finds runs by digest', async () => {
      const digest = 'a1'.repeat(32);
      const r1 = await newRun();
      const r2 = await newRun();
      const train = { name: 'train.csv', digest, context: 'training', source: '/data/train.csv', size: 1234 };
      await logInputs(t.store, r1, [train, train]);
      await logInputs(t.store, r1, [
        train,
        { name: 'eval.csv', digest: 'b2'.repeat(32), context: 'evaluation', source: 's3://e' },
      ]);
      await logInputs(t.store, r2, [{ ...train, context: 'evaluation' }]);
      expect((await getRun(t.store, r1)).inputs.datasets).toEqual([
        train,
        { name: 'eval.csv', digest: 'b2'.repeat(32), context: 'evaluation', source: 's3://e' },
      ]);
      expect(await runsUsingData(t.store, digest)).toEqual([
        { run_id: r1, name: 'train.csv', context: 'training' },
        { run_id: r2, name: 'train.csv', context: 'evaluation' },
      ]);
      expect(await runsUsingData(t.store, 'c3'.repeat(32))).toEqual([]);
      await expectCode(logInputs(t.store, r1, [{ ...train, digest: 'not-hex!' }]), 'INVALID_PARAMETER_VALUE');
      await expectCode(logInputs(t.store, r1, [{ ...train, name: '' }]), 'INVALID_PARAMETER_VALUE');
    });
  });
}
