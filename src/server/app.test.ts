import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../test/backends.js';
import { createTestServer, type TestServer } from '../../test/server/server-fixture.js';
import { createJsonLogger } from '../serve/index.js';
import { VERSION } from '../version.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite') ?? (BACKENDS[0] as (typeof BACKENDS)[number]);
let s: TestServer;
beforeAll(async () => {
  s = await createTestServer(sqlite);
});
afterAll(async () => s.dispose());

describe('the Slipway server app', () => {
  it('answers /health and /version as MLflow does (plain text)', async () => {
    expect(await s.call('GET', '/health')).toMatchObject({ status: 200, body: 'OK' });
    expect(await s.call('GET', '/version')).toMatchObject({ status: 200, body: VERSION });
  });

  it('answers an unknown API path with ENDPOINT_NOT_FOUND', async () => {
    const r = await s.call('POST', '/api/2.0/mlflow/runs/no-such-route', {});
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error_code: 'ENDPOINT_NOT_FOUND', message: 'No route for POST /api/2.0/mlflow/runs/no-such-route' });
  });

  it('returns the caller\'s request id, or makes one', async () => {
    expect((await s.call('GET', '/health', undefined, { 'x-request-id': 'abc-1' })).headers['x-request-id']).toBe('abc-1');
    expect((await s.call('GET', '/health', undefined, { 'x-request-id': 'bad id with spaces' })).headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it('serves Prometheus metrics labelled by route pattern', async () => {
    await s.call('GET', '/health');
    const r = await s.call('GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/slipway_server_requests_total\{route="\/health",method="GET",status="200"\} \d+/);
  });

  it('writes one JSON access-log line per request when asked, with the request id, route pattern, status and user', async () => {
    const lines: string[] = [];
    const logged = await createTestServer(sqlite, { accessLog: true, log: createJsonLogger({ stream: { write: (l: string) => lines.push(l) } }) });
    try {
      await logged.call('GET', '/api/2.0/mlflow/experiments/get', { experiment_id: '0' }, { 'x-request-id': 'req-7' });
      await logged.call('GET', '/api/2.0/mlflow/experiments/get', { experiment_id: '999' });
    } finally {
      await logged.dispose();
    }
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ level: 'info', requestId: 'req-7', method: 'GET', route: '/api/2.0/mlflow/experiments/get', status: 200, user: 'alice' });
    expect(entries[1]).toMatchObject({ route: '/api/2.0/mlflow/experiments/get', status: 404 });
    expect(typeof entries[0]?.ms).toBe('number');
  });
});
