import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../test/backends.js';
import { createTestStore, expectCode, steppingClock, type TestStore } from '../../test/helpers/test-store.js';
import type { Store } from '../store/index.js';
import { type FeedbackItem, joinFeedback, recordFeedback } from './feedback.js';
import { createPayloadLog } from './payload-log.js';
import type { PayloadRecord } from './payload-rows.js';
import { expectedRows, failedRecord, servedRecord, T0 } from './payload-test-helpers.js';

async function stored(store: Store) {
  const rows = await store.db.selectFrom('feedback').selectAll().orderBy('request_id').execute();
  return rows.map((r) => ({
    requestId: r.request_id,
    deployment: r.deployment,
    label: JSON.parse(r.label) as unknown,
    time: Number(r.time),
  }));
}

async function logAll(store: Store, records: readonly PayloadRecord[], format: 'jsonl' | 'parquet' = 'jsonl'): Promise<void> {
  const log = createPayloadLog({ store, format, maxBatchRecords: 4 });
  for (const r of records) log.record(r);
  await log.close();
  expect(log.stats().written).toBe(records.length);
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`feedback: ${backend.name}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await createTestStore(backend, { now: steppingClock(1_800_000_000_000, 1000) });
    });
    afterAll(async () => {
      await t?.dispose();
    });
    beforeEach(async () => {
      await t.store.db.deleteFrom('feedback').execute();
      await t.store.db.deleteFrom('payload_batches').execute();
    });

    it('stores one label and many, in one call each', async () => {
      expect(await recordFeedback(t.store, [{ requestId: 'r1', label: 'yes' }], 'churn')).toBe(1);
      const many: FeedbackItem[] = Array.from({ length: 12_000 }, (_, i) => ({
        requestId: `m${i}`,
        label: i % 3 === 0 ? { y: i } : i % 3 === 1 ? i * 0.5 : true,
      }));
      expect(await recordFeedback(t.store, many, 'churn')).toBe(12_000);
      const rows = await stored(t.store);
      expect(rows).toHaveLength(12_001);
      const byId = new Map(rows.map((r) => [r.requestId, r]));
      expect(byId.get('r1')).toMatchObject({ deployment: 'churn', label: 'yes' });
      for (const item of many) expect(byId.get(item.requestId)?.label).toEqual(item.label);
      expect(await recordFeedback(t.store, [], 'churn')).toBe(0);
    });

    it('upserts by request id: a later label replaces the earlier, and within one call the last wins', async () => {
      await recordFeedback(t.store, [{ requestId: 'r1', label: 'no' }], 'churn');
      const [first] = await stored(t.store);
      await recordFeedback(t.store, [{ requestId: 'r1', label: 'yes' }], 'fraud');
      const [second] = await stored(t.store);
      expect(second).toMatchObject({ requestId: 'r1', deployment: 'fraud', label: 'yes' });
      expect(second?.time).toBeGreaterThan(first?.time ?? Infinity);
      await recordFeedback(
        t.store,
        [
          { requestId: 'r2', label: 1 },
          { requestId: 'r1', label: 'maybe' },
          { requestId: 'r2', label: 2 },
        ],
        'churn',
      );
      expect((await stored(t.store)).map((r) => [r.requestId, r.label])).toEqual([
        ['r1', 'maybe'],
        ['r2', 2],
      ]);
    });

    it.each([
      ['an empty id', [{ requestId: '', label: 1 }], /item 1: requestId is empty/],
      ['a 257-character id', [{ requestId: 'x'.repeat(257), label: 1 }], /257 characters long; the limit is 256/],
      ['a numeric id', [{ requestId: 7, label: 1 }], /must be a string, got number 7/],
      ['a missing label', [{ requestId: 'a' }], /label is missing/],
      ['a null label', [{ requestId: 'a', label: null }], /label is null/],
      ['a NaN inside a label', [{ requestId: 'a', label: { p: [NaN] } }], /holds NaN/],
      ['a function label', [{ requestId: 'a', label: () => 1 }], /holds function/],
      ['a Date label', [{ requestId: 'a', label: new Date(0) }], /holds a Date/],
      ['a non-object item', ['a'], /item 1 must be an object/],
      ['a non-list', { requestId: 'a', label: 1 }, /must be a list/],
    ])('rejects %s and stores nothing', async (_name, items, message) => {
      const batch = Array.isArray(items) ? [{ requestId: 'good', label: 1 }, ...items] : items;
      const err = await expectCode(recordFeedback(t.store, batch as FeedbackItem[], 'churn'), 'INVALID_PARAMETER_VALUE');
      expect(err.message).toMatch(message);
      expect(await stored(t.store)).toEqual([]);
    });

    it('accepts a 256-character id and refuses an empty deployment', async () => {
      await recordFeedback(t.store, [{ requestId: 'x'.repeat(256), label: 'ok' }], 'churn');
      expect(await stored(t.store)).toHaveLength(1);
      await expectCode(recordFeedback(t.store, [{ requestId: 'a', label: 1 }], ''), 'INVALID_PARAMETER_VALUE');
    });

    it.each(['jsonl', 'parquet'] as const)(
      'joins exactly the labelled rows with their logged prediction (%s)',
      async (format) => {
        // 10 logged requests of 1–4 rows; request 3 is also answered by a shadow; one error; request 99 was sampled out.
        const records = Array.from({ length: 10 }, (_, i) =>
          servedRecord(i, { role: i % 2 === 0 ? 'primary' : 'canary', time: T0 + i * 1000 }),
        );
        const shadow = servedRecord(3, { role: 'shadow', time: T0 + 3000 });
        const failed = { ...failedRecord(0), requestId: 'req-err', status: 500, time: T0 + 500 };
        await logAll(t.store, [...records, shadow, failed], format);
        await recordFeedback(
          t.store,
          [
            { requestId: 'req-1', label: 'class-green' }, // 2 rows, one label for both
            { requestId: 'req-3', label: ['a', 'b', 'c', 'd'] }, // 4 rows, one label each
            { requestId: 'req-4', label: { score: 1 } },
            { requestId: 'req-8', label: 'x' },
            { requestId: 'req-99', label: 'never logged' },
            { requestId: 'req-err', label: 'no prediction to score' },
          ],
          'churn',
        );
        await recordFeedback(t.store, [{ requestId: 'req-6', label: 'posted to another deployment' }], 'fraud');

        const join = await joinFeedback(t.store, { deployment: 'churn' });
        const rowsOf = (i: number) => (i % 4) + 1;
        const served = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].reduce((n, i) => n + rowsOf(i), 0);
        expect(join.predictions).toBe(served);
        expect(join.labelled).toBe(rowsOf(1) + rowsOf(3) + rowsOf(4) + rowsOf(8));
        expect(join.shadow).toEqual({ predictions: 4, labelled: 4 });

        const want = [
          ...expectedRows(records[1] as PayloadRecord, format).map((r) => ({ ...r, label: 'class-green' })),
          ...expectedRows(records[3] as PayloadRecord, format).map((r, i) => ({ ...r, label: ['a', 'b', 'c', 'd'][i] })),
          ...expectedRows(shadow, format).map((r, i) => ({ ...r, label: ['a', 'b', 'c', 'd'][i] })),
          ...expectedRows(records[4] as PayloadRecord, format).map((r) => ({ ...r, label: { score: 1 } })),
          ...expectedRows(records[8] as PayloadRecord, format).map((r) => ({ ...r, label: 'x' })),
        ].map((r) => ({
          requestId: r.requestId,
          row: r.row,
          time: r.time,
          model: r.model,
          version: r.version,
          role: r.role,
          inputs: r.inputs,
          outputs: r.outputs,
          label: r.label,
        }));
        const key = (r: { requestId: string; role: string; row: number }) => `${r.requestId}/${r.role}/${r.row}`;
        expect([...join.rows].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
          want.sort((a, b) => key(a).localeCompare(key(b))),
        );
        expect(join.rows.filter((r) => r.role === 'shadow')).toHaveLength(4);
      },
    );

    it('joins only predictions whose request arrived in [from, to)', async () => {
      const records = Array.from({ length: 10 }, (_, i) => servedRecord(i, { role: 'primary', time: T0 + i * 1000 }));
      await logAll(t.store, records);
      await recordFeedback(
        t.store,
        records.map((r) => ({ requestId: r.requestId, label: r.requestId })),
        'churn',
      );
      const join = await joinFeedback(t.store, { deployment: 'churn', from: T0 + 2000, to: T0 + 5000 });
      expect([...new Set(join.rows.map((r) => r.requestId))]).toEqual(['req-2', 'req-3', 'req-4']);
      expect(join.predictions).toBe(3 + 4 + 1);
      expect(join.labelled).toBe(3 + 4 + 1);
      expect(await joinFeedback(t.store, { deployment: 'churn', from: T0 + 20_000 })).toEqual({
        rows: [],
        predictions: 0,
        labelled: 0,
        shadow: { predictions: 0, labelled: 0 },
      });
      expect((await joinFeedback(t.store, { deployment: 'nobody' })).predictions).toBe(0);
    });
  });
}
