import type { FastifyInstance } from 'fastify';
import type { TestBackend } from '../backends.js';
import { createTestStore, steppingClock, type TestStore } from '../helpers/test-store.js';
import { createServerApp, type ServerAppOptions } from '../../src/server/index.js';
import { createJsonLogger } from '../../src/serve/index.js';

export interface CallResult {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- contract tests read MLflow bodies field by field
  readonly body: any;
  readonly headers: Record<string, unknown>;
}

export interface TestServer {
  readonly app: FastifyInstance;
  readonly ts: TestStore;
  /** An MLflow-style call: GET sends `params` as the query string, anything else as a JSON body. */
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, params?: unknown, headers?: Record<string, string>): Promise<CallResult>;
  dispose(): Promise<void>;
}

/** The Slipway server over a fresh store of `backend`, called in-process with inject(); logs are kept quiet. */
export async function createTestServer(backend: TestBackend, options: Partial<ServerAppOptions> & { now?: () => number } = {}): Promise<TestServer> {
  const ts = await createTestStore(backend, { now: options.now ?? steppingClock() });
  const app = await createServerApp({ log: createJsonLogger({ level: 'error', stream: { write: () => true } }), ...options, store: ts.store });
  await app.ready();
  return {
    app, ts,
    async call(method, path, params, headers = {}) {
      const get = method === 'GET';
      const query = get && params ? toQuery(params as Record<string, unknown>) : '';
      const res = await app.inject({
        method, url: path + (query ? `?${query}` : ''), headers: { ...(get || params === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(!get && params !== undefined ? { payload: typeof params === 'string' ? params : JSON.stringify(params) } : {}),
      });
      let body: unknown = res.body;
      try {
        body = JSON.parse(res.body);
      } catch {
        // plain text answers (health, version, downloads) stay text
      }
      return { status: res.statusCode, body, headers: res.headers };
    },
    async dispose() {
      await app.close();
      await ts.dispose();
    },
  };
}

/** MLflow GET parameters as a query string (a list repeats its key). */
export function toQuery(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x));
    else if (v !== undefined) q.append(k, String(v));
  }
  return q.toString();
}
