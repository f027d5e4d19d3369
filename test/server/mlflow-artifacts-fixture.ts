import { randomBytes } from 'node:crypto';
import type { TestBackend } from '../backends.js';
import { createTestServer, type TestServer } from './server-fixture.js';
import { createRun } from '../../src/tracking/index.js';
import type { ServerAppOptions } from '../../src/server/index.js';

export const PROXY = '/api/2.0/mlflow-artifacts/artifacts';

export interface Raw {
  readonly status: number;
  readonly bytes: Buffer;
  readonly headers: Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- contract tests read MLflow bodies field by field
  json(): any;
}

export interface ArtifactServer extends TestServer {
  /** A run in the Default experiment, and its proxy folder `/api/2.0/mlflow-artifacts/artifacts/0/<run>/artifacts`. */
  readonly runId: string;
  readonly root: string;
  /** Any request with a raw body (bytes in, bytes out). */
  raw(method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, body?: Buffer | string, headers?: Record<string, string>): Promise<Raw>;
  /** PUT `bytes` at `path` under the run's artifact root, as MLflow's client does (Content-Type guessed from the name). */
  upload(path: string, bytes: Buffer | string, contentType?: string): Promise<Raw>;
  /** Lists `path` (relative to the run's artifact root) through the proxy. */
  list(path?: string): Promise<Raw>;
}

export async function createArtifactServer(backend: TestBackend, options: Partial<ServerAppOptions> & { now?: () => number } = {}): Promise<ArtifactServer> {
  const server = await createTestServer(backend, options);
  const run = await createRun(server.ts.store, { experimentId: '0' });
  const runId = run.info.run_id;
  const root = `${PROXY}/0/${runId}/artifacts`;
  const raw: ArtifactServer['raw'] = async (method, url, body, headers = {}) => {
    const res = await server.app.inject({ method, url, headers, ...(body !== undefined ? { payload: body } : {}) });
    return { status: res.statusCode, bytes: res.rawPayload, headers: res.headers, json: () => JSON.parse(res.body) as unknown };
  };
  return {
    ...server, runId, root, raw,
    upload: (path, bytes, contentType = 'application/octet-stream') => raw('PUT', `${root}/${path}`, bytes, { 'content-type': contentType }),
    list: (path) => raw('GET', `${PROXY}?path=${encodeURIComponent(`0/${runId}/artifacts${path ? `/${path}` : ''}`)}`),
  };
}

/** Bytes that cover every byte value and are not valid UTF-8, so any text decoding on the way would show. */
export function binary(size: number): Buffer {
  const bytes = randomBytes(size);
  for (let i = 0; i < Math.min(size, 256); i++) bytes[i] = i;
  return bytes;
}
