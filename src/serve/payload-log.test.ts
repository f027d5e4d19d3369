import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKENDS } from '../../test/backends.js';
import { createTestStore, type TestStore } from '../../test/helpers/test-store.js';
import type { BlobRef, ObjectStore, Store } from '../store/index.js';
import { listPayloadBatches, readPayloadBatch } from './payload-batches.js';
import { createPayloadLog, type PayloadLog, type PayloadLogStats } from './payload-log.js';
import type { PayloadFormat, PayloadRecord, PayloadRow } from './payload-rows.js';
import { byRequestAndRow, expectedRows, failedRecord, servedRecord } from './payload-test-helpers.js';

async function readAll(store: Store, deployment?: string): Promise<PayloadRow[]> {
  const rows: PayloadRow[] = [];
  for (const b of await listPayloadBatches(store, deployment === undefined ? {} : { deployment }))
    rows.push(...(await readPayloadBatch(store, b)));
  return rows.sort(byRequestAndRow);
}

/** A store whose object writes wait for `release()` (or fail while `failNext` is set); counts writes started. */
function controlledStore(inner: Store) {
  let release!: () => void;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const state = { started: 0, hanging: false, failNext: 0 };
  const objects = Object.create(inner.objects) as ObjectStore;
  objects.put = async (data: Uint8Array | string): Promise<BlobRef> => {
    state.started++;
    if (state.failNext > 0) {
      state.failNext--;
      throw new Error('disk full');
    }
    if (state.hanging) await gate;
    return inner.objects.put(data);
  };
  return {
    store: { ...inner, objects } satisfies Store,
    state,
    hang() {
      state.hanging = true;
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    release() {
      state.hanging = false;
      release();
    },
  };
}

const invariant = (s: PayloadLogStats) => expect(s.sampled).toBe(s.buffered + s.written + s.dropped);
const tick = () => new Promise((resolve) => setImmediate(resolve));

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`payload log: ${backend.name}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await createTestStore(backend, { now: () => 1_800_000_000_000 });
    });
    afterAll(async () => {
      await t?.dispose();
    });
    const clean = () => t.store.db.deleteFrom('payload_batches').execute();

    describe.each<PayloadFormat>(['jsonl', 'parquet'])('%s', (format) => {
      it('logs every row of every request at sample rate 1, indexed by deployment with exact counts and time ranges', async () => {
        await clean();
        const log = createPayloadLog({ store: t.store, format, maxBatchRecords: 16, flushIntervalMs: 60_000 });
        const records: PayloadRecord[] = [];
        for (let i = 0; i < 50; i++) {
          records.push(servedRecord(i, { deployment: i % 3 === 0 ? 'fraud' : 'churn' }));
          if (i % 10 === 0) records.push(failedRecord(i));
        }
        for (const r of records) log.record(r);
        await log.flush();

        const s = log.stats();
        const totalRows = records.reduce((n, r) => n + Math.max(1, r.inputs.x1?.length ?? 0), 0);
        expect(s).toMatchObject({
          sampled: records.length,
          written: records.length,
          writtenRows: totalRows,
          dropped: 0,
          buffered: 0,
        });
        expect(s.maxBuffered).toBeGreaterThanOrEqual(16);
        invariant(s);

        for (const deployment of ['churn', 'fraud']) {
          const mine = records.filter((r) => r.deployment === deployment);
          expect(await readAll(t.store, deployment)).toEqual(mine.flatMap((r) => expectedRows(r, format)).sort(byRequestAndRow));
          const batches = await listPayloadBatches(t.store, { deployment });
          expect(batches.reduce((n, b) => n + b.records, 0)).toBe(
            mine.reduce((n, r) => n + Math.max(1, r.inputs.x1?.length ?? 0), 0),
          );
          for (const b of batches) {
            const rows = await readPayloadBatch(t.store, b);
            expect(b).toMatchObject({ deployment, format, records: rows.length, createdTime: 1_800_000_000_000 });
            expect(b.firstTime).toBe(Math.min(...rows.map((r) => r.time)));
            expect(b.lastTime).toBe(Math.max(...rows.map((r) => r.time)));
            expect(b.blobSize).toBe((await t.store.objects.stat(b.blobHash))?.size);
            expect(new Set(rows.map((r) => r.requestId)).size).toBeLessThanOrEqual(16); // maxBatchRecords
            expect(rows.every((r) => r.deployment === deployment)).toBe(true);
          }
        }
        expect((await listPayloadBatches(t.store)).length).toBe(s.batches);
        await log.close();
      });
    });

    it('samples whole requests: exactly those whose random draw is below the rate', async () => {
      await clean();
      const draws = Array.from({ length: 40 }, (_, i) => ((i * 37) % 100) / 100);
      let next = 0;
      const log = createPayloadLog({ store: t.store, sampleRate: 0.25, random: () => draws[next++] as number });
      const records = draws.map((_, i) => servedRecord(i));
      for (const r of records) log.record(r);
      await log.close();
      expect(next).toBe(40); // one draw per request, never per row
      const kept = records.filter((_, i) => (draws[i] as number) < 0.25);
      expect(kept.length).toBeGreaterThan(5);
      expect(kept.length).toBeLessThan(20);
      expect(await readAll(t.store)).toEqual(kept.flatMap((r) => expectedRows(r, 'jsonl')).sort(byRequestAndRow));
      expect(log.stats()).toMatchObject({ sampled: kept.length, written: kept.length, dropped: 0 });
    });

    it('never draws at rate 1 and logs nothing at rate 0', async () => {
      await clean();
      const always = createPayloadLog({
        store: t.store,
        random: () => {
          throw new Error('drawn');
        },
      });
      always.record(servedRecord(1));
      await always.close();
      expect(always.stats().written).toBe(1);
      const never = createPayloadLog({ store: t.store, sampleRate: 0 });
      for (let i = 0; i < 10; i++) never.record(servedRecord(i));
      await never.close();
      expect(never.stats()).toMatchObject({ sampled: 0, written: 0, dropped: 0, batches: 0 });
    });

    it('stays bounded while writes hang: drops exactly the overflow, one write at a time, and drains once released', async () => {
      await clean();
      const c = controlledStore(t.store);
      c.hang();
      const log = createPayloadLog({ store: c.store, maxBatchRecords: 100, maxBufferedRecords: 500, flushIntervalMs: 5 });
      for (let i = 0; i < 100_000; i++) log.record(servedRecord(i, { rows: 1 }));
      let s = log.stats();
      expect(s).toMatchObject({ sampled: 100_000, buffered: 500, dropped: 99_500, written: 0, maxBuffered: 500 });
      invariant(s);

      await tick();
      await new Promise((resolve) => setTimeout(resolve, 30)); // several timer ticks while the write hangs
      expect(c.state.started).toBe(1); // only one flush at a time
      for (let i = 0; i < 1000; i++) log.record(servedRecord(200_000 + i, { rows: 1 }));
      s = log.stats();
      expect(s).toMatchObject({ buffered: 500, dropped: 100_500, maxBuffered: 500 });
      invariant(s);

      c.release();
      await log.flush();
      s = log.stats();
      expect(s).toMatchObject({ sampled: 101_000, buffered: 0, written: 500, dropped: 100_500, batches: 5, maxBuffered: 500 });
      invariant(s);
      const rows = await readAll(t.store);
      expect(rows.map((r) => r.requestId).sort()).toEqual(Array.from({ length: 500 }, (_, i) => `req-${i}`).sort());
      await log.close();
    });

    it('reports a failed write, counts its records as dropped, and keeps logging', async () => {
      await clean();
      const c = controlledStore(t.store);
      c.state.failNext = 1;
      const errors: unknown[] = [];
      const log = createPayloadLog({
        store: c.store,
        maxBatchRecords: 10,
        flushIntervalMs: 60_000,
        onError: (err) => errors.push(err),
      });
      for (let i = 0; i < 10; i++) log.record(servedRecord(i));
      await log.flush();
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).message).toBe('disk full');
      expect(log.stats()).toMatchObject({ written: 0, dropped: 10, buffered: 0, batches: 0 });

      for (let i = 10; i < 15; i++) log.record(servedRecord(i));
      await log.flush();
      expect(errors).toHaveLength(1);
      const s = log.stats();
      expect(s).toMatchObject({ written: 5, dropped: 10, batches: 1 });
      invariant(s);
      expect(new Set((await readAll(t.store)).map((r) => r.requestId))).toEqual(
        new Set(['req-10', 'req-11', 'req-12', 'req-13', 'req-14']),
      );
      await log.close();
    });

    it('writes a partial batch on its timer, and close() writes the rest and refuses later records', async () => {
      await clean();
      const timed = createPayloadLog({ store: t.store, maxBatchRecords: 1000, flushIntervalMs: 20 });
      for (let i = 0; i < 3; i++) timed.record(servedRecord(i));
      expect(timed.stats().written).toBe(0);
      await vi.waitFor(() => expect(timed.stats().written).toBe(3), { timeout: 2000, interval: 10 });
      await timed.close();

      const log: PayloadLog = createPayloadLog({ store: t.store, maxBatchRecords: 1000, flushIntervalMs: 60_000 });
      for (let i = 10; i < 17; i++) log.record(servedRecord(i));
      expect(log.stats()).toMatchObject({ buffered: 7, written: 0 });
      await log.close();
      expect(log.stats()).toMatchObject({ buffered: 0, written: 7 });
      log.record(servedRecord(99));
      await log.flush();
      expect(log.stats()).toMatchObject({ sampled: 8, written: 7, dropped: 1 });
      expect((await readAll(t.store)).length).toBe([0, 1, 2, 10, 11, 12, 13, 14, 15, 16].reduce((n, i) => n + (i % 4) + 1, 0));
    });
  });
}
