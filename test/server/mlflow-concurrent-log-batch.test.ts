import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS } from '../backends.js';
import { createTestStore, type TestStore } from '../helpers/test-store.js';
import { createServerApp } from '../../src/server/index.js';
import { createJsonLogger } from '../../src/serve/index.js';
import { createRun, getMetricHistory } from '../../src/tracking/index.js';

const CLIENTS = 40;
const BATCHES = 15;
const METRICS = 10;

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`concurrent log-batch over HTTP (${backend.name})`, () => {
    let ts: TestStore | undefined;
    let app: FastifyInstance | undefined;
    afterEach(async () => {
      await app?.close();
      await ts?.dispose();
    });

    async function listen(): Promise<{ base: string; store: TestStore['store'] }> {
      ts = await createTestStore(backend);
      app = await createServerApp({ store: ts.store, webhooks: false, log: createJsonLogger({ level: 'error', stream: { write: () => true } }) });
      return { base: await app.listen({ host: '127.0.0.1', port: 0 }), store: ts.store };
    }

    const post = (base: string, route: string, body: unknown) =>
      fetch(`${base}/api/2.0/mlflow/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it(`${CLIENTS} clients × ${BATCHES} batches into one run lose nothing and store nothing twice`, async () => {
      const { base, store } = await listen();
      const runId = (await createRun(store)).info.run_id;
      const statuses = await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          const codes: number[] = [];
          for (let b = 0; b < BATCHES; b++) {
            const metrics = Array.from({ length: METRICS }, (_, m) => ({ key: `client_${c}`, value: b * METRICS + m, timestamp: 1_700_000_000_000, step: b * METRICS + m }));
            const res = await post(base, 'runs/log-batch', { run_id: runId, metrics, params: b === 0 ? [{ key: `p_${c}`, value: String(c) }] : [] });
            codes.push(res.status);
            await res.arrayBuffer();
          }
          return codes;
        }),
      );
      expect(statuses.flat().filter((s) => s !== 200)).toEqual([]);
      const rows = await store.db.selectFrom('metrics').select((eb) => eb.fn.countAll<number | string>().as('n')).where('run_uuid', '=', runId).executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(CLIENTS * BATCHES * METRICS);
      for (const c of [0, CLIENTS - 1]) {
        const history = await getMetricHistory(store, runId, `client_${c}`);
        expect(history.map((m) => m.value)).toEqual(Array.from({ length: BATCHES * METRICS }, (_, i) => i));
      }
      const params = await store.db.selectFrom('params').select('key').where('run_uuid', '=', runId).execute();
      expect(params).toHaveLength(CLIENTS);
    }, 120_000);

    it('two clients racing to log one param with different values: exactly one wins, the other is refused', async () => {
      const { base, store } = await listen();
      for (let round = 0; round < 10; round++) {
        const runId = (await createRun(store)).info.run_id;
        const answers = await Promise.all(['a', 'b'].map(async (value) => {
          const res = await post(base, 'runs/log-batch', { run_id: runId, params: [{ key: 'lr', value }] });
          return { status: res.status, body: (await res.json()) as { error_code?: string } };
        }));
        expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
        expect(answers.find((a) => a.status === 400)?.body.error_code).toBe('INVALID_PARAMETER_VALUE');
        const stored = await store.db.selectFrom('params').select('value').where('run_uuid', '=', runId).execute();
        expect(stored).toHaveLength(1);
      }
    }, 60_000);
  });
}
