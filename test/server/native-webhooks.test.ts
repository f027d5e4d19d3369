import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelVersion, createRegisteredModel, recordBlessing, setAlias } from '../../src/registry/index.js';
import { verifyRegistryWebhook } from '../../src/server/index.js';
import { BACKENDS } from '../backends.js';
import { createNativeTestServer, type NativeTestServer } from './native-helpers.js';
import { startReceiver, waitFor, type Receiver } from './native-receiver.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`native API: webhooks (${backend.name})`, () => {
    let s: NativeTestServer;
    let receiver: Receiver;
    beforeEach(async () => {
      receiver = await startReceiver((n) => ({ status: n === 1 ? 500 : 200 }));
      // The server delivers from its own dispatcher, polling fast, retrying at once.
      s = await createNativeTestServer(backend, { webhooks: { intervalMs: 10, baseDelayMs: 1, maxDelayMs: 1 }, now: Date.now });
      await createRegisteredModel(s.ts.store, 'churn');
      await writeFile(join(s.ts.dir, 'm.onnx'), 'bytes');
      await createModelVersion(s.ts.store, 'churn', { source: join(s.ts.dir, 'm.onnx') });
    });
    /** The server's dispatcher has read every audit entry so far. */
    const caughtUp = async () => {
      const db = s.ts.store.db;
      const cursor = await db.selectFrom('webhook_cursor').select('audit_id').executeTakeFirst();
      const newest = await db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
      return cursor !== undefined && Number(cursor.audit_id) === Number(newest.id);
    };
    afterEach(async () => {
      await s.dispose();
      await receiver.close();
    });

    it('subscribes over HTTP; the server delivers a promotion made over HTTP, signed, retried after a 500', async () => {
      const created = await s.call('POST', '/api/v1/webhooks', { url: `${receiver.url}/hook`, events: ['model_version.promoted'], model_name: 'churn', description: 'deploy bot' });
      expect(created.status).toBe(201);
      const { webhook, secret } = created.body;
      expect(webhook).toMatchObject({ url: `${receiver.url}/hook`, events: ['model_version.promoted'], model_name: 'churn', status: 'active', created_by: 'alice', description: 'deploy bot' });
      expect(webhook.id).toMatch(/^wh_[0-9a-f]{16}$/);

      await recordBlessing(s.ts.store, 'churn', 1, { target: 'staging', passed: true, rules: [] });
      expect((await s.call('POST', '/api/v1/models/churn/versions/1/promote', { alias: 'staging', reason: 'ship' }, 'eddie:editor')).status).toBe(200);
      await waitFor(async () => (await s.call('GET', `/api/v1/webhooks/${webhook.id}/deliveries`, { status: 'delivered' })).body.deliveries.length === 1);
      expect(receiver.received).toHaveLength(2);
      const [, delivered] = receiver.received;
      expect(delivered?.body).toMatchObject({ event: 'model_version.promoted', actor: 'eddie', reason: 'ship', model: 'churn', version: '1', alias: 'staging' });
      expect(verifyRegistryWebhook(secret, delivered?.rawBody ?? '', delivered?.headers['x-slipway-signature'] as string, delivered?.headers['x-slipway-timestamp'] as string)).toBe(true);

      const deliveries = await s.call('GET', `/api/v1/webhooks/${webhook.id}/deliveries`);
      expect(deliveries.body.deliveries).toHaveLength(1);
      const [d] = deliveries.body.deliveries;
      expect(d).toMatchObject({ webhook_id: webhook.id, event: 'model_version.promoted', status: 'delivered', attempts: 2, last_status_code: 200, last_error: null });
      expect(d.payload).toEqual(delivered?.body);
      expect((await s.call('GET', `/api/v1/webhooks/${webhook.id}/deliveries/${d.id}`)).body.delivery).toEqual(d);
      expect((await s.call('GET', `/api/v1/webhooks/${webhook.id}/deliveries`, { status: 'failed' })).body.deliveries).toEqual([]);

      const again = await s.call('POST', `/api/v1/webhooks/${webhook.id}/deliveries/${d.id}/redeliver`);
      expect(again.body.delivery).toMatchObject({ status: 'pending', attempts: 0 });
      await waitFor(() => receiver.received.length === 3);
      expect(receiver.received[2]?.headers['x-slipway-delivery']).toBe(String(d.id));
      expect((await s.call('GET', `/api/v1/webhooks/${webhook.id}/deliveries/99999`)).status).toBe(404);
    });

    it('lists, changes and deletes subscriptions; deliveries page by id', async () => {
      const ids: string[] = [];
      for (const events of [['model_version.alias_moved'], ['model_version.created', 'deployment.rolled_back']]) {
        ids.push((await s.call('POST', '/api/v1/webhooks', { url: receiver.url, events })).body.webhook.id);
      }
      const listed = await s.call('GET', '/api/v1/webhooks', { limit: 1 });
      expect(listed.body.webhooks).toHaveLength(1);
      expect((await s.call('GET', '/api/v1/webhooks', { page_token: listed.body.next_page_token })).body.webhooks).toHaveLength(1);
      expect(JSON.stringify((await s.call('GET', '/api/v1/webhooks')).body)).not.toContain('whsec_');

      const patched = await s.call('PATCH', `/api/v1/webhooks/${ids[0]}`, { events: ['model_version.deployed'], model_name: 'churn', status: 'disabled' });
      expect(patched.body.webhook).toMatchObject({ events: ['model_version.deployed'], model_name: 'churn', status: 'disabled' });
      expect((await s.call('PATCH', `/api/v1/webhooks/${ids[0]}`, { model_name: null })).body.webhook.model_name).toBeNull();
      expect((await s.call('GET', `/api/v1/webhooks/${ids[0]}`)).body.webhook.status).toBe('disabled');

      for (let i = 0; i < 3; i++) await setAlias(s.ts.store, 'churn', `a${i}`, 1);
      await waitFor(caughtUp);
      await s.call('PATCH', `/api/v1/webhooks/${ids[0]}`, { events: ['model_version.alias_moved'], status: 'active' });
      for (let i = 3; i < 6; i++) await setAlias(s.ts.store, 'churn', `a${i}`, 1);
      await waitFor(async () => (await s.call('GET', `/api/v1/webhooks/${ids[0]}/deliveries`, { status: 'delivered' })).body.deliveries.length === 3);
      const page = await s.call('GET', `/api/v1/webhooks/${ids[0]}/deliveries`, { limit: 2 });
      const next = await s.call('GET', `/api/v1/webhooks/${ids[0]}/deliveries`, { limit: 2, page_token: page.body.next_page_token });
      expect([...page.body.deliveries, ...next.body.deliveries].map((d: { payload: { alias: string } }) => d.payload.alias)).toEqual(['a5', 'a4', 'a3']);
      expect(next.body.next_page_token).toBeUndefined();

      expect((await s.call('DELETE', `/api/v1/webhooks/${ids[0]}`)).body).toEqual({ id: ids[0], deleted: true });
      expect((await s.call('GET', `/api/v1/webhooks/${ids[0]}`)).status).toBe(404);
      expect((await s.call('DELETE', `/api/v1/webhooks/${ids[0]}`)).status).toBe(404);
      expect((await s.call('GET', '/api/v1/webhook-events')).body.events).toEqual([
        'model_version.created', 'model_version.alias_moved', 'model_version.promoted', 'model_version.deployed', 'deployment.rolled_back',
      ]);
      const audit = await s.call('GET', '/api/v1/audit', { subject_type: 'webhook' });
      expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['webhook.delete', 'webhook.update', 'webhook.update', 'webhook.update', 'webhook.create', 'webhook.create']);
      expect(JSON.stringify(audit.body)).not.toContain('whsec_');
    });

    it('refuses bad subscriptions with a 400 naming what is wrong', async () => {
      const cases: [unknown, string][] = [
        [{ events: ['model_version.created'] }, "Missing body field 'url'"],
        [{ url: 'file:///etc/passwd', events: ['model_version.created'] }, "A webhook URL must be an http:// or https:// URL, got 'file:///etc/passwd'."],
        [{ url: receiver.url, events: [] }, "Invalid body field 'events': Too small: expected array to have >=1 items"],
        [{ url: receiver.url, events: ['model.deleted'] }, "Unknown webhook event 'model.deleted': expected model_version.created, model_version.alias_moved, model_version.promoted, model_version.deployed, deployment.rolled_back."],
        [{ url: receiver.url, events: ['model_version.created'], secret: 'short' }, "Invalid body field 'secret': Too small: expected string to have >=16 characters"],
        [{ url: receiver.url, events: ['model_version.created'], model_name: 'a/b' }, "Invalid model name 'a/b'"],
        [{ url: receiver.url, events: ['model_version.created'], active: true }, "Unknown body field 'active'"],
      ];
      for (const [body, message] of cases) {
        const r = await s.call('POST', '/api/v1/webhooks', body);
        expect(r.status).toBe(400);
        expect(r.body.message).toContain(message);
      }
      expect((await s.call('PATCH', '/api/v1/webhooks/wh_nope', { status: 'paused' })).body.message).toBe('Invalid body field \'status\': Invalid option: expected one of "active"|"disabled"');
      expect((await s.call('GET', '/api/v1/webhooks/wh_nope/deliveries')).status).toBe(404);
    });
  });
}
