import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { expectCode } from '../../../test/helpers/test-store.js';
import { MlflowHttp, type MlflowHttpOptions } from './mlflow-http.js';

/**
 * The HTTP layer against a scripted server: each request gets the next scripted answer, and what
 * the client sent is recorded. Waits go through an injected sleep, so backoff is checked, not slept.
 */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}
type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function scripted(answers: Answer[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      const a = answers.shift() ?? { status: 200, body: '{}' };
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const waits: number[] = [];
const client = (url: string, options: Partial<MlflowHttpOptions> = {}) => {
  waits.length = 0;
  return new MlflowHttp({ url, maxRetries: 5, backoffFactor: 2, backoffJitter: 0, timeout: 5, sleep: async (ms) => { waits.push(ms); }, ...options });
};
const mlflowError = (status: number, error_code: string, message: string): Answer => ({ status, body: JSON.stringify({ error_code, message }) });

describe('MlflowHttp', () => {
  it('sends GET params as a query string (lists repeated), other bodies as JSON, with the bearer token', async () => {
    const s = await scripted([{ status: 200, body: '{"run":{"info":{}}}' }, { status: 200, body: '' }]);
    const http = client(s.url, { token: 'sw_secret' });
    expect(await http.call('GET', 'runs/get', { run_id: 'abc', ids: ['1', '2'], skip: undefined })).toEqual({ run: { info: {} } });
    expect(await http.call('POST', 'runs/update', { run_id: 'abc', status: 'FINISHED' })).toEqual({});
    expect(s.seen.map((r) => [r.method, r.url, r.body])).toEqual([
      ['GET', '/api/2.0/mlflow/runs/get?run_id=abc&ids=1&ids=2', ''],
      ['POST', '/api/2.0/mlflow/runs/update', '{"run_id":"abc","status":"FINISHED"}'],
    ]);
    expect(s.seen[0]?.headers.authorization).toBe('Bearer sw_secret');
    expect(s.seen[0]?.headers['user-agent']).toMatch(/^slipway\//);
    expect(s.seen[1]?.headers['content-type']).toBe('application/json');
  });

  it('retries 408, 429, 500, 502, 503 and 504 with MLflow\'s backoff: the jitter first, then factor x 2^(n-1) seconds', async () => {
    const s = await scripted([{ status: 503 }, { status: 500 }, { status: 408 }, { status: 502 }, { status: 504 }, { status: 200, body: '{"ok":true}' }]);
    expect(await client(s.url).call('GET', 'experiments/get', { experiment_id: '1' })).toEqual({ ok: true });
    expect(s.seen).toHaveLength(6);
    expect(waits).toEqual([0, 4000, 8000, 16000, 32000]);
  });

  it('waits what a 429 or 503 asks for in Retry-After, at most 120 s', async () => {
    const s = await scripted([{ status: 429, headers: { 'retry-after': '7' } }, { status: 503, headers: { 'retry-after': '900' } }, { status: 200 }]);
    await client(s.url).call('POST', 'runs/log-batch', {});
    expect(waits).toEqual([7000, 120000]);
  });

  it('gives up after maxRetries with the last answer, naming the route and the server', async () => {
    const s = await scripted(Array.from({ length: 3 }, () => mlflowError(500, 'INTERNAL_ERROR', 'database is locked')));
    const err = await expectCode(client(s.url, { maxRetries: 2 }).call('POST', 'runs/create', {}), 'INTERNAL_ERROR');
    expect(err.message).toBe(`database is locked (POST /api/2.0/mlflow/runs/create on ${s.url})`);
    expect(err.context).toEqual({ server: s.url, route: '/api/2.0/mlflow/runs/create', status: 500, errorCode: 'INTERNAL_ERROR' });
    expect(s.seen).toHaveLength(3);
  });

  it('maps MLflow error codes back to Slipway codes without retrying them', async () => {
    const s = await scripted([
      mlflowError(404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=abc not found'),
      mlflowError(400, 'INVALID_PARAMETER_VALUE', 'Changing param values is not allowed.'),
      mlflowError(400, 'RESOURCE_ALREADY_EXISTS', "Experiment 'x' already exists."),
      mlflowError(409, 'RESOURCE_CONFLICT', 'busy'),
      mlflowError(403, 'PERMISSION_DENIED', 'bob (viewer) may not edit'),
      mlflowError(400, 'INVALID_STATE', 'gate failed'),
      mlflowError(400, 'MALFORMED_REQUEST', 'bad json'),
      mlflowError(413, 'REQUEST_LIMIT_EXCEEDED', 'request body too large'),
    ]);
    const http = client(s.url);
    const e1 = await expectCode(http.call('GET', 'runs/get', { run_id: 'abc' }), 'RESOURCE_DOES_NOT_EXIST');
    expect(e1.message).toBe(`Run with id=abc not found (GET /api/2.0/mlflow/runs/get on ${s.url})`);
    expect((await expectCode(http.call('POST', 'runs/log-batch'), 'INVALID_PARAMETER_VALUE')).message).toBe(`Changing param values is not allowed (POST /api/2.0/mlflow/runs/log-batch on ${s.url})`);
    await expectCode(http.call('POST', 'experiments/create'), 'RESOURCE_ALREADY_EXISTS');
    await expectCode(http.call('POST', 'x'), 'RESOURCE_CONFLICT');
    await expectCode(http.call('POST', 'x'), 'PERMISSION_DENIED');
    await expectCode(http.call('POST', 'x'), 'CHECK_FAILED');
    await expectCode(http.call('POST', 'x'), 'INVALID_PARAMETER_VALUE');
    expect((await expectCode(http.call('POST', 'runs/log-batch'), 'INVALID_PARAMETER_VALUE')).message).toBe(`request body too large (POST /api/2.0/mlflow/runs/log-batch on ${s.url})`);
    expect(s.seen).toHaveLength(8);
    expect(waits).toEqual([]);
  });

  it('says what to do about a refused token and a route the server does not have', async () => {
    const s = await scripted([mlflowError(401, 'UNAUTHENTICATED', 'A bearer token is required.'), mlflowError(404, 'ENDPOINT_NOT_FOUND', 'No route for POST /api/2.0/mlflow/runs/nope')]);
    const http = client(s.url);
    expect((await expectCode(http.call('POST', 'runs/create'), 'INVALID_PARAMETER_VALUE')).message).toBe(
      `The tracking server refused POST /api/2.0/mlflow/runs/create on ${s.url}: A bearer token is required. Set SLIPWAY_TRACKING_TOKEN (or MLFLOW_TRACKING_TOKEN) to a token of that server.`,
    );
    expect((await expectCode(http.call('POST', 'runs/nope'), 'INVALID_PARAMETER_VALUE')).message).toBe(
      `The tracking server has no route for POST /api/2.0/mlflow/runs/nope on ${s.url}: No route for POST /api/2.0/mlflow/runs/nope. Is SLIPWAY_TRACKING_URI a Slipway server of this version?`,
    );
  });

  it('reports an answer that is not MLflow JSON (a proxy page, another service) as such', async () => {
    const s = await scripted([{ status: 502, body: '<html>Bad Gateway</html>' }, { status: 502, body: '<html>Bad Gateway</html>' }, { status: 404, body: 'Not Found' }, { status: 200, body: '<html>' }]);
    const http = client(s.url, { maxRetries: 1 });
    expect((await expectCode(http.call('GET', 'runs/get'), 'INTERNAL_ERROR')).message).toBe(
      `The tracking server answered GET /api/2.0/mlflow/runs/get on ${s.url} with HTTP 502 after 2 attempts: '<html>Bad Gateway</html>'. Is SLIPWAY_TRACKING_URI a Slipway server?`,
    );
    expect((await expectCode(http.call('GET', 'runs/get'), 'INVALID_PARAMETER_VALUE')).message).toBe(
      `The tracking server answered GET /api/2.0/mlflow/runs/get on ${s.url} with HTTP 404: 'Not Found'. Is SLIPWAY_TRACKING_URI a Slipway server?`,
    );
    expect((await expectCode(http.call('GET', 'runs/get'), 'INTERNAL_ERROR')).message).toBe(
      `The tracking server ${s.url} answered GET /api/2.0/mlflow/runs/get with something other than JSON: '<html>'. Is SLIPWAY_TRACKING_URI a Slipway server?`,
    );
  });

  it('retries a refused connection, then says the server cannot be reached and what to do', async () => {
    const s = await scripted([]);
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const err = await expectCode(client(s.url, { maxRetries: 2 }).call('GET', 'experiments/get-by-name', { experiment_name: 'x' }), 'INTERNAL_ERROR');
    expect(err.message).toBe(
      `Cannot reach the tracking server ${s.url} (SLIPWAY_TRACKING_URI): GET /api/2.0/mlflow/experiments/get-by-name failed after 3 attempt(s): ` +
        `connect ECONNREFUSED ${s.url.slice('http://'.length)}. Start it with \`slipway server\`, or unset SLIPWAY_TRACKING_URI to track in the local store.`,
    );
    expect(waits).toEqual([0, 4000]);
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    const s = await scripted(['hang']);
    const err = await expectCode(client(s.url, { maxRetries: 0, timeout: 0.2 }).call('GET', 'runs/get'), 'INTERNAL_ERROR');
    expect(err.message).toContain('failed after 1 attempt(s): no answer within 0.2s (MLFLOW_HTTP_REQUEST_TIMEOUT)');
  });

  it('sends an upload again, whole, when it is retried', async () => {
    const s = await scripted([{ status: 503 }, { status: 200 }]);
    let made = 0;
    await client(s.url).send('PUT', '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a.txt', { body: () => { made++; return 'payload'; } });
    expect(made).toBe(2);
    expect(s.seen.map((r) => [r.method, r.body])).toEqual([['PUT', 'payload'], ['PUT', 'payload']]);
  });

  it("reads MLflow's MLFLOW_HTTP_REQUEST_* variables for its defaults", async () => {
    const s = await scripted([{ status: 503 }, { status: 503 }, { status: 503 }]);
    process.env.MLFLOW_HTTP_REQUEST_MAX_RETRIES = '1';
    process.env.MLFLOW_HTTP_REQUEST_BACKOFF_JITTER = '0';
    try {
      await expectCode(new MlflowHttp({ url: s.url, sleep: async () => {} }).call('GET', 'runs/get'), 'INTERNAL_ERROR');
      expect(s.seen).toHaveLength(2);
      process.env.MLFLOW_HTTP_REQUEST_MAX_RETRIES = 'many';
      expect(() => new MlflowHttp({ url: s.url })).toThrow("MLFLOW_HTTP_REQUEST_MAX_RETRIES expects a non-negative number, got 'many'.");
    } finally {
      delete process.env.MLFLOW_HTTP_REQUEST_MAX_RETRIES;
      delete process.env.MLFLOW_HTTP_REQUEST_BACKOFF_JITTER;
    }
  });
});
