import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../src/serve/index.js';
import { startWebhookDispatcher } from '../../src/server/webhooks/index.js';
import { verifyRegistryWebhook } from '../../src/server/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { BACKENDS, type TestDatabase } from '../backends.js';
import { runCli } from '../helpers/run-cli.js';
import { startReceiver, type Receiver } from './native-receiver.js';

const log = createJsonLogger({ level: 'error', stream: { write: () => true } });

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`slipway webhooks (${backend.name})`, () => {
    let dir: string;
    let database: TestDatabase;
    let receiver: Receiver;
    let env: Record<string, string>;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'slipway-webhooks-cli-'));
      database = await backend.create();
      receiver = await startReceiver();
      env = { SLIPWAY_DATABASE_URL: database.url, SLIPWAY_ARTIFACTS: join(dir, 'objects'), SLIPWAY_HOME: dir, SLIPWAY_USER: 'alice' };
      await writeFile(join(dir, 'model.onnx'), 'bytes');
    });
    afterEach(async () => {
      await receiver.close();
      await database.dispose();
      await rm(dir, { recursive: true, force: true });
    });
    const cli = (...args: string[]) => runCli(args, env);

    it('subscribes from the CLI, and events made with CLI commands are delivered by a server', async () => {
      const created = await cli('webhooks', 'create', '--url', `${receiver.url}/x`, '--events', 'model_version.created, model_version.alias_moved', '--model', 'churn', '--json');
      expect(created.code).toBe(0);
      const { webhook, secret } = created.json<{ webhook: { id: string; events: string[]; model_name: string; status: string; created_by: string }; secret: string }>();
      expect(webhook).toMatchObject({ events: ['model_version.created', 'model_version.alias_moved'], model_name: 'churn', status: 'active', created_by: 'alice' });
      const text = await cli('webhooks', 'create', '--url', `${receiver.url}/y`, '--events', 'model_version.promoted');
      expect(text.stdout).toMatch(/^Webhook wh_[0-9a-f]{16}: model_version\.promoted → http:\/\/127\.0\.0\.1:\d+\/y\nSecret \(shown only now; deliveries are signed with it\): whsec_/);

      expect((await cli('models', 'register', 'churn', '--source', join(dir, 'model.onnx'))).code).toBe(0);
      expect((await cli('models', 'alias', 'churn', 'staging', '1', '--reason', 'from the CLI')).code).toBe(0);

      const store: Store = await openStore({ location: { home: dir, databaseUrl: database.url, artifacts: join(dir, 'objects') }, actor: 'server' });
      const dispatcher = startWebhookDispatcher({ store, log }, { poll: false });
      try {
        await dispatcher.tick();
      } finally {
        await dispatcher.close();
        await store.close();
      }
      expect(receiver.received.map((r) => [r.path, r.body.event, r.body.actor, r.body.reason])).toEqual([
        ['/x', 'model_version.created', 'alice', ''], ['/x', 'model_version.alias_moved', 'alice', 'from the CLI'],
      ]);
      for (const r of receiver.received) {
        expect(verifyRegistryWebhook(secret, r.rawBody, r.headers['x-slipway-signature'] as string, r.headers['x-slipway-timestamp'] as string)).toBe(true);
      }

      const deliveries = await cli('webhooks', 'deliveries', webhook.id, '--json');
      expect(deliveries.json<{ deliveries: { event: string; status: string; attempts: number }[] }>().deliveries.map((d) => [d.event, d.status, d.attempts])).toEqual([
        ['model_version.alias_moved', 'delivered', 1], ['model_version.created', 'delivered', 1],
      ]);
      expect((await cli('webhooks', 'deliveries', webhook.id, '--status', 'failed', '--json')).json()).toEqual({ deliveries: [] });
      const listed = (await cli('webhooks', 'list', '--json')).json<{ webhooks: { id: string; secret?: string }[] }>().webhooks;
      expect(listed).toHaveLength(2);
      expect(listed.every((w) => !('secret' in w))).toBe(true);

      const disabled = await cli('webhooks', 'update', webhook.id, '--disable', '--all-models', '--json');
      expect(disabled.json()).toMatchObject({ webhook: { status: 'disabled', model_name: null } });
      expect((await cli('webhooks', 'delete', webhook.id, '--json')).json()).toEqual({ id: webhook.id, deleted: true });
      expect((await cli('webhooks', 'list', '--json')).json<{ webhooks: unknown[] }>().webhooks).toHaveLength(1);
    });

    it('refuses bad input with exit code 2 and says what is wrong', async () => {
      const ftp = await cli('webhooks', 'create', '--url', 'ftp://example.com/x', '--events', 'model_version.created');
      expect(ftp.code).toBe(2);
      expect(ftp.stderr).toContain("A webhook URL must be an http:// or https:// URL, got 'ftp://example.com/x'.");
      const unknown = await cli('webhooks', 'create', '--url', receiver.url, '--events', 'model_version.created,model.deleted');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("Unknown webhook event 'model.deleted'");
      const shortSecret = await cli('webhooks', 'create', '--url', receiver.url, '--events', 'model_version.created', '--secret', 'short');
      expect(shortSecret.code).toBe(2);
      expect(shortSecret.stderr).toContain('A webhook secret needs at least 16 characters');
      const missing = await cli('webhooks', 'delete', 'wh_nope');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("No webhook with id 'wh_nope'");
      expect((await cli('webhooks', 'deliveries', 'wh_nope', '--status', 'lost')).stderr).toContain("--status expects pending, delivered, failed, got 'lost'.");
    });
  });
}
