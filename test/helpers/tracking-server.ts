import type { FastifyInstance } from 'fastify';
import type { TestBackend } from '../backends.js';
import { createTestStore, type TestStore, type TestStoreOptions } from './test-store.js';
import { createServerApp, type ServerAppOptions } from '../../src/server/index.js';
import { createJsonLogger } from '../../src/serve/index.js';

export interface TrackingServer {
  /** `http://127.0.0.1:<port>`: what SLIPWAY_TRACKING_URI is set to. */
  readonly url: string;
  readonly app: FastifyInstance;
  /** The server's own store (a fresh database and object folder), to check what arrived. */
  readonly ts: TestStore;
  close(): Promise<void>;
}

/**
 * `slipway server` over a fresh store of `backend`, listening on a free loopback port, for tests
 * that talk to it over real HTTP (remote tracking, a stage's MLflow calls). Logs are kept quiet.
 */
export async function startTrackingServer(
  backend: TestBackend, options: Partial<ServerAppOptions> & TestStoreOptions = {},
): Promise<TrackingServer> {
  const { actor, now, ...appOptions } = options;
  const ts = await createTestStore(backend, { ...(actor ? { actor } : {}), ...(now ? { now } : {}) });
  const app = await createServerApp({
    log: createJsonLogger({ level: 'error', stream: { write: () => true } }), webhooks: false, ...appOptions, store: ts.store,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  let closed: Promise<void> | undefined;
  return {
    url: address, app, ts,
    close() {
      closed ??= (async () => {
        try {
          await app.close();
        } finally {
          await ts.dispose();
        }
      })();
      return closed;
    },
  };
}
