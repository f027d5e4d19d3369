import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { createTestStore, type TestStore } from '../../../test/helpers/test-store.js';
import { startReceiver, waitFor, type Receiver } from '../../../test/server/native-receiver.js';
import { createModelVersion, createRegisteredModel, deleteAlias, promote, recordBlessing, setAlias } from '../../registry/index.js';
import { createJsonLogger } from '../../serve/index.js';
import { openDatabase } from '../../store/index.js';
import type { Store } from '../../store/index.js';
import {
  createWebhook, deleteWebhook, getDelivery, listDeliveries, redeliver, startWebhookDispatcher, updateWebhook, verifyRegistryWebhook, type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from './index.js';

const log = createJsonLogger({ level: 'error', stream: { write: () => true } });
/** Fast retries so the retry tests take milliseconds. */
const FAST: WebhookDispatcherOptions = { poll: false, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 2000, random: () => 0 };

async function registerVersions(store: Store, dir: string, name: string, n: number): Promise<void> {
  await createRegisteredModel(store, name);
  for (let i = 1; i <= n; i++) {
    const file = join(dir, `${name}-${i}.onnx`);
    await writeFile(file, `model ${name} ${i}`);
    await createModelVersion(store, name, { source: file });
  }
}

/** Ticks until `done` holds: each tick attempts whatever is due (retries are due after 1–2 ms). */
async function tickUntil(d: WebhookDispatcher, done: () => boolean | Promise<boolean>): Promise<void> {
  await waitFor(async () => {
    await d.tick();
    return done();
  });
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`webhook dispatcher (${backend.name})`, () => {
    let ts: TestStore;
    let receiver: Receiver | undefined;
    const dispatchers: WebhookDispatcher[] = [];
    const start = (store: Store, options: WebhookDispatcherOptions = FAST) => {
      const d = startWebhookDispatcher({ store, log }, options);
      dispatchers.push(d);
      return d;
    };

    beforeEach(async () => {
      ts = await createTestStore(backend);
    });
    afterEach(async () => {
      await Promise.all(dispatchers.splice(0).map((d) => d.close()));
      await receiver?.close();
      receiver = undefined;
      await ts.dispose();
    });

    it('delivers an alias moved through the registry service exactly once, signed as documented', async () => {
      receiver = await startReceiver();
      await registerVersions(ts.store, ts.dir, 'churn', 2);
      const { webhook, secret } = await createWebhook(ts.store, { url: `${receiver.url}/hook`, events: ['model_version.alias_moved'] });
      expect(secret).toMatch(/^whsec_[\w-]{43}$/);
      await setAlias(ts.store, 'churn', 'staging', 1, { reason: 'passed holdout' });
      await setAlias(ts.store, 'churn', 'staging', 2);
      const d = start(ts.store);
      const first = await d.tick();
      expect(first).toMatchObject({ attempted: 2, delivered: 2 });
      expect(await d.tick()).toEqual({ read: 0, attempted: 0, delivered: 0 });

      expect(receiver.received).toHaveLength(2);
      const [one, two] = receiver.received;
      if (!one || !two) throw new Error('unreachable');
      expect(one.path).toBe('/hook');
      expect(one.headers['content-type']).toBe('application/json');
      expect(one.headers['x-slipway-event']).toBe('model_version.alias_moved');
      // A receiver checks the signature over the bytes it got, with the timestamp it names.
      const timestamp = one.headers['x-slipway-timestamp'] as string;
      const signature = one.headers['x-slipway-signature'] as string;
      expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(Math.abs(Date.now() - Number(timestamp))).toBeLessThan(60_000);
      expect(verifyRegistryWebhook(secret, one.rawBody, signature, timestamp)).toBe(true);
      expect(verifyRegistryWebhook('not-the-secret-at-all', one.rawBody, signature, timestamp)).toBe(false);
      expect(verifyRegistryWebhook(secret, one.rawBody, signature, String(Number(timestamp) + 1))).toBe(false);
      expect(verifyRegistryWebhook(secret, Buffer.concat([one.rawBody, Buffer.from(' ')]), signature, timestamp)).toBe(false);
      expect(verifyRegistryWebhook(secret, one.rawBody, signature, timestamp, { now: Number(timestamp) + 10 * 60_000 })).toBe(false);

      expect(one.body).toMatchObject({
        event: 'model_version.alias_moved', actor: 'alice', reason: 'passed holdout', model: 'churn', version: '1', alias: 'staging',
        previous_version: null, deployment: null, action: 'model.alias.set',
      });
      expect(one.body.id).toBe(`evt_${one.body.audit_id}`);
      expect(two.body).toMatchObject({ version: '2', previous_version: '1', alias: 'staging' });

      const deliveries = await listDeliveries(ts.store, webhook.id);
      expect(deliveries.map((x) => [x.status, x.attempts, x.last_status_code, x.last_error])).toEqual([['delivered', 1, 200, null], ['delivered', 1, 200, null]]);
      expect(deliveries.map((x) => String(x.id)).sort()).toEqual(receiver.received.map((r) => r.headers['x-slipway-delivery']).sort());
    });

    it('sends a subscription only its events and its model; a promotion reaches alias subscribers as an alias move', async () => {
      receiver = await startReceiver();
      await registerVersions(ts.store, ts.dir, 'churn', 1);
      await registerVersions(ts.store, ts.dir, 'fraud', 1);
      const churnAliases = await createWebhook(ts.store, { url: `${receiver.url}/churn-aliases`, events: ['model_version.alias_moved'], modelName: 'churn' });
      const promotions = await createWebhook(ts.store, { url: `${receiver.url}/promotions`, events: ['model_version.promoted', 'model_version.alias_moved'] });
      const created = await createWebhook(ts.store, { url: `${receiver.url}/created`, events: ['model_version.created'], modelName: 'fraud' });
      await setAlias(ts.store, 'fraud', 'staging', 1);
      await recordBlessing(ts.store, 'churn', 1, { target: 'production', passed: true, rules: [] });
      await promote(ts.store, 'churn', 1, 'production', { reason: 'gate passed' });
      await deleteAlias(ts.store, 'churn', 'production');
      await createModelVersion(ts.store, 'fraud', { source: join(ts.dir, 'fraud-1.onnx') });
      await createModelVersion(ts.store, 'churn', { source: join(ts.dir, 'churn-1.onnx') });
      await start(ts.store).tick();

      const byPath = (p: string) => receiver?.received.filter((r) => r.path === p).map((r) => [r.headers['x-slipway-event'], r.body.model, r.body.alias, r.body.version]);
      expect(byPath('/churn-aliases')).toEqual([['model_version.alias_moved', 'churn', 'production', '1'], ['model_version.alias_moved', 'churn', 'production', null]]);
      expect(byPath('/promotions')).toEqual([
        ['model_version.alias_moved', 'fraud', 'staging', '1'], ['model_version.promoted', 'churn', 'production', '1'], ['model_version.alias_moved', 'churn', 'production', null],
      ]);
      expect(byPath('/created')).toEqual([['model_version.created', 'fraud', null, '2']]);
      expect((await listDeliveries(ts.store, churnAliases.webhook.id)).map((x) => x.event)).toEqual(['model_version.alias_moved', 'model_version.alias_moved']);
      expect(await listDeliveries(ts.store, promotions.webhook.id)).toHaveLength(3);
      expect(await listDeliveries(ts.store, created.webhook.id)).toHaveLength(1);
    });

    it('retries a receiver answering 500 twice: delivered on the third attempt', async () => {
      receiver = await startReceiver((n) => ({ status: n <= 2 ? 500 : 200 }));
      await registerVersions(ts.store, ts.dir, 'churn', 1);
      const { webhook } = await createWebhook(ts.store, { url: receiver.url, events: ['model_version.alias_moved'] });
      await setAlias(ts.store, 'churn', 'prod', 1);
      const d = start(ts.store);
      await tickUntil(d, async () => (await listDeliveries(ts.store, webhook.id))[0]?.status === 'delivered');
      const [delivery] = await listDeliveries(ts.store, webhook.id);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200, last_error: null });
      expect(receiver.received).toHaveLength(3);
      // Every attempt is the same delivery with the same body, signed afresh.
      expect(new Set(receiver.received.map((r) => r.headers['x-slipway-delivery']))).toEqual(new Set([String(delivery?.id)]));
      expect(new Set(receiver.received.map((r) => r.rawBody.toString()))).toHaveProperty('size', 1);
    });

    it('marks a delivery failed after maxAttempts, with the last error, and can send it again', async () => {
      receiver = await startReceiver(() => ({ status: 503 }));
      await registerVersions(ts.store, ts.dir, 'churn', 1);
      const { webhook } = await createWebhook(ts.store, { url: receiver.url, events: ['model_version.alias_moved'] });
      await setAlias(ts.store, 'churn', 'prod', 1);
      const d = start(ts.store, { ...FAST, maxAttempts: 4 });
      await tickUntil(d, async () => (await listDeliveries(ts.store, webhook.id))[0]?.status === 'failed');
      await d.tick();
      const [delivery] = await listDeliveries(ts.store, webhook.id);
      expect(delivery).toMatchObject({ status: 'failed', attempts: 4, last_status_code: 503, last_error: 'HTTP 503: no' });
      expect(receiver.received).toHaveLength(4);
      const again = await redeliver(ts.store, webhook.id, delivery?.id ?? 0);
      expect(again).toMatchObject({ status: 'pending', attempts: 0, last_error: null, last_status_code: null });
      await d.tick();
      expect(receiver.received).toHaveLength(5);
      await expect(redeliver(ts.store, webhook.id, delivery?.id ?? 0)).rejects.toThrow(/still pending \(attempt 1\)/);
    });

    it("waits as long as the receiver's Retry-After asks", async () => {
      receiver = await startReceiver((n) => (n === 1 ? { status: 429, headers: { 'retry-after': '30' } } : { status: 200 }));
      await registerVersions(ts.store, ts.dir, 'churn', 1);
      const { webhook } = await createWebhook(ts.store, { url: receiver.url, events: ['model_version.alias_moved'] });
      await setAlias(ts.store, 'churn', 'prod', 1);
      let clock = 1_800_000_000_000;
      const d = start(ts.store, { ...FAST, now: () => clock });
      await d.tick();
      const [waiting] = await listDeliveries(ts.store, webhook.id);
      expect(waiting).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 429, next_attempt_time: clock + 30_000 });
      clock += 29_999;
      expect((await d.tick()).attempted).toBe(0);
      clock += 1;
      expect((await d.tick()).delivered).toBe(1);
    });

    it('does not send events from before a subscription existed, nor to a disabled one; delete removes its deliveries', async () => {
      receiver = await startReceiver();
      await registerVersions(ts.store, ts.dir, 'churn', 2);
      const early = await createWebhook(ts.store, { url: `${receiver.url}/early`, events: ['model_version.alias_moved'] });
      await setAlias(ts.store, 'churn', 'a', 1);
      const late = await createWebhook(ts.store, { url: `${receiver.url}/late`, events: ['model_version.alias_moved'] });
      const d = start(ts.store);
      await d.tick();
      await updateWebhook(ts.store, early.webhook.id, { status: 'disabled' });
      await setAlias(ts.store, 'churn', 'b', 2);
      await d.tick();
      expect(receiver.received.map((r) => [r.path, r.body.alias])).toEqual([['/early', 'a'], ['/late', 'b']]);
      const [delivered] = await listDeliveries(ts.store, early.webhook.id);
      expect(delivered).toMatchObject({ status: 'delivered', attempts: 1 });
      await deleteWebhook(ts.store, early.webhook.id);
      await expect(getDelivery(ts.store, early.webhook.id, delivered?.id ?? 0)).rejects.toThrow(/has no delivery/);
      expect(await ts.store.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', early.webhook.id).execute()).toEqual([]);
      expect(await listDeliveries(ts.store, late.webhook.id)).toHaveLength(1);
    });

    it('two dispatchers on one database deliver each event once', async () => {
      receiver = await startReceiver(() => ({ status: 200, delayMs: 5 }));
      await registerVersions(ts.store, ts.dir, 'churn', 3);
      const { webhook } = await createWebhook(ts.store, { url: receiver.url, events: ['model_version.alias_moved'] });
      // The second server has its own connection(s) to the same database.
      const other = await openDatabase(ts.database.url);
      const second: Store = { ...ts.store, db: other.db, sqlite: other.sqlite, close: () => other.close() };
      try {
        const options = { ...FAST, poll: true, intervalMs: 2, concurrency: 2 };
        const a = start(ts.store, options);
        const b = start(second, options);
        const moves = 12;
        for (let i = 0; i < moves; i++) await setAlias(ts.store, 'churn', `alias-${i}`, (i % 3) + 1);
        await waitFor(async () => (await listDeliveries(ts.store, webhook.id, { status: 'delivered' })).length === moves);
        await Promise.all([a.close(), b.close()]);
        const ids = receiver.received.map((r) => r.headers['x-slipway-delivery']);
        expect(ids).toHaveLength(moves);
        expect(new Set(ids).size).toBe(moves);
        expect(new Set(receiver.received.map((r) => r.body.alias)).size).toBe(moves);
        expect((await listDeliveries(ts.store, webhook.id)).every((x) => x.attempts === 1)).toBe(true);
      } finally {
        await other.close();
      }
    });

    it('stops polling on close', async () => {
      receiver = await startReceiver();
      await registerVersions(ts.store, ts.dir, 'churn', 1);
      await createWebhook(ts.store, { url: receiver.url, events: ['model_version.alias_moved'] });
      const d = start(ts.store, { ...FAST, poll: true, intervalMs: 5 });
      await setAlias(ts.store, 'churn', 'one', 1);
      await waitFor(() => receiver?.received.length === 1);
      await d.close();
      await setAlias(ts.store, 'churn', 'two', 1);
      await new Promise((r) => setTimeout(r, 60));
      expect(receiver.received).toHaveLength(1);
    });
  });
}
