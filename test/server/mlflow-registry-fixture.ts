import type { FastifyInstance } from 'fastify';
import { createServerApp, type ServerAppOptions } from '../../src/server/index.js';
import type { Role } from '../../src/server/index.js';
import { createJsonLogger } from '../../src/serve/index.js';
import { createRun, putArtifact } from '../../src/tracking/index.js';
import type { TestBackend } from '../backends.js';
import { createTestStore, steppingClock, type TestStore } from '../helpers/test-store.js';
import { type CallResult, toQuery } from './server-fixture.js';

/** Who a test request is from: `[name, role]`; without one, the server's own user as admin (auth off). */
export type As = readonly [name: string, role: Role];

export interface RegistryTestServer {
  readonly app: FastifyInstance;
  readonly ts: TestStore;
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, params?: Record<string, unknown>, as?: As): Promise<CallResult>;
  /** A run (in the Default experiment) holding `model/MLmodel`; returns its id. */
  runWithModel(content?: string): Promise<string>;
  dispose(): Promise<void>;
}

const PRINCIPAL_HEADER = 'x-test-principal';

/**
 * The Slipway server over a fresh store, as test/server/server-fixture.ts builds it, plus a hook that
 * lets a request name its principal, so governance (viewer/editor/approver) is testable before the
 * token authentication lands. The hook runs after the auth hook and only replaces its answer.
 */
export async function createRegistryTestServer(backend: TestBackend, options: Partial<ServerAppOptions> = {}): Promise<RegistryTestServer> {
  const ts = await createTestStore(backend, { now: steppingClock() });
  const app = await createServerApp({ log: createJsonLogger({ level: 'error', stream: { write: () => true } }), webhooks: false, ...options, store: ts.store });
  app.addHook('onRequest', async (request) => {
    const given = request.headers[PRINCIPAL_HEADER];
    if (typeof given !== 'string') return;
    const [name = '', role = 'viewer'] = given.split(':');
    request.principal = { name, role: role as Role };
  });
  await app.ready();
  return {
    app, ts,
    async call(method, path, params, as) {
      const get = method === 'GET';
      const query = get && params ? `?${toQuery(params)}` : '';
      const res = await app.inject({
        method, url: path + query,
        headers: { ...(!get && params ? { 'content-type': 'application/json' } : {}), ...(as ? { [PRINCIPAL_HEADER]: `${as[0]}:${as[1]}` } : {}) },
        ...(!get && params ? { payload: JSON.stringify(params) } : {}),
      });
      return { status: res.statusCode, body: JSON.parse(res.body) as unknown, headers: res.headers };
    },
    async runWithModel(content = 'flavors: {}\n') {
      const run = await createRun(ts.store);
      await putArtifact(ts.store, run.info.run_id, 'model/MLmodel', content);
      return run.info.run_id;
    },
    async dispose() {
      await app.close();
      await ts.dispose();
    },
  };
}
