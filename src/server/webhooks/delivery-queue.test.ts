import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { createTestStore, type TestStore } from '../../../test/helpers/test-store.js';
import { enqueueEvents, GapTracker } from './delivery-queue.js';
import { createWebhook } from './subscriptions.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`delivery queue cursor (${backend.name})`, () => {
    let ts: TestStore;
    beforeEach(async () => {
      ts = await createTestStore(backend);
    });
    afterEach(async () => {
      await ts.dispose();
    });

    const cursor = async () => Number((await ts.store.db.selectFrom('webhook_cursor').select('audit_id').executeTakeFirstOrThrow()).audit_id);
    const audit = (id: number, version: number) => ts.store.db.insertInto('audit_log').values({
      id, time: 1, actor: 'bob', action: 'model.alias.set', subject_type: 'model', subject_id: `churn/${version}`,
      before: JSON.stringify({ alias: 'a', version: null }), after: JSON.stringify({ alias: 'a', version }), reason: '',
    }).execute();

    it('stops at a missing audit id until it appears, or until it has been missing for the grace period', async () => {
      const { webhook } = await createWebhook(ts.store, { url: 'http://127.0.0.1:9/hook', events: ['model_version.alias_moved'] });
      const start = await cursor();
      let clock = 0;
      const gaps = new GapTracker(1000, () => clock);
      // Entry start+2 is visible while start+1 is not (yet): a transaction still open, or rolled back.
      await audit(start + 2, 2);
      expect(await enqueueEvents(ts.store.db, { now: 5, gaps })).toBe(0);
      expect(await cursor()).toBe(start);
      await audit(start + 1, 1);
      expect(await enqueueEvents(ts.store.db, { now: 5, gaps })).toBe(2);
      expect(await cursor()).toBe(start + 2);

      await audit(start + 4, 4);
      expect(await enqueueEvents(ts.store.db, { now: 6, gaps })).toBe(0);
      clock = 999;
      expect(await enqueueEvents(ts.store.db, { now: 6, gaps })).toBe(0);
      clock = 1000;
      expect(await enqueueEvents(ts.store.db, { now: 6, gaps })).toBe(1);
      expect(await cursor()).toBe(start + 4);
      const rows = await ts.store.db.selectFrom('webhook_deliveries').select(['audit_id', 'webhook_id', 'status']).orderBy('audit_id').execute();
      expect(rows.map((r) => [Number(r.audit_id), r.webhook_id, r.status])).toEqual([
        [start + 1, webhook.id, 'pending'], [start + 2, webhook.id, 'pending'], [start + 4, webhook.id, 'pending'],
      ]);
      // Reading the same entries again (a second server) inserts nothing twice.
      await ts.store.db.updateTable('webhook_cursor').set({ audit_id: start }).execute();
      expect(await enqueueEvents(ts.store.db, { now: 7, gaps })).toBe(2);
      expect(await ts.store.db.selectFrom('webhook_deliveries').select('id').execute()).toHaveLength(3);
    });

    it('starts a store whose dispatcher never ran at its newest entry: history is not replayed', async () => {
      await audit(50, 1);
      const gaps = new GapTracker(0);
      expect(await enqueueEvents(ts.store.db, { now: 1, gaps })).toBe(0);
      expect(await cursor()).toBe(50);
    });
  });
}
