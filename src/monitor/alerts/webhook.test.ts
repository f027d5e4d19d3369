import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from './alert-event.js';
import { parseAlertRules } from './alert-rules.js';
import { alertWebhookBody, parseRetryAfter, postWebhook, verifyWebhookSignature, type WebhookOptions } from './webhook.js';

/** A real HTTP receiver on 127.0.0.1: answers each request with the next scripted reply (the last one repeats). */
interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}
type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

let server: Server;
let url: string;
let script: Reply[] = [];
let received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = script.length > 1 ? script.shift() : script[0];
      if (reply === undefined || reply === 'hang') return; // never answers
      res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  script = [];
  received = [];
});

/** Records backoff sleeps instead of waiting; jitter fixed at the middle of its range. */
function harness(extra: WebhookOptions = {}) {
  const sleeps: number[] = [];
  const options: WebhookOptions = { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, ...extra };
  return { sleeps, options };
}

const body = { event: 'alert.fired', hello: 'world' };

describe('postWebhook against a real server', () => {
  it('succeeds after two 503s: 3 attempts, exponential backoff with jitter, the same bytes and delivery id each time', async () => {
    script = [{ status: 503, body: 'busy' }, { status: 503 }, { status: 204 }];
    const { sleeps, options } = harness();
    const d = await postWebhook(url, 'alert.fired', body, options);
    expect(d).toEqual({ delivered: true, attempts: 3, status: 204 });
    // base 500 ms: ceilings 500 then 1000; equal jitter at 0.5 → 3/4 of each
    expect(sleeps).toEqual([375, 750]);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.body))).toEqual(new Set([JSON.stringify(body)]));
    expect(new Set(received.map((r) => r.headers['x-slipway-delivery'])).size).toBe(1);
    const h = received[0]?.headers ?? {};
    expect(h['content-type']).toBe('application/json');
    expect(h['x-slipway-event']).toBe('alert.fired');
    expect(h['x-slipway-signature']).toBeUndefined();
  });

  it('gives up after max attempts and reports the last failure', async () => {
    script = [{ status: 500, body: 'boom' }];
    const { sleeps, options } = harness({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 });
    const d = await postWebhook(url, 'alert.fired', body, options);
    expect(d).toEqual({ delivered: false, attempts: 4, status: 500, error: 'HTTP 500: boom' });
    expect(sleeps).toEqual([75, 150, 225]); // ceilings 100, 200, then 400 capped at 300
    expect(received).toHaveLength(4);
  });

  it.each([400, 401, 404, 422])('does not retry %i', async (status) => {
    script = [{ status, body: 'no thanks' }, { status: 200 }];
    const { sleeps, options } = harness();
    const d = await postWebhook(url, 'alert.fired', body, options);
    expect(d).toEqual({ delivered: false, attempts: 1, status, error: `HTTP ${status}: no thanks` });
    expect(sleeps).toEqual([]);
    expect(received).toHaveLength(1);
  });

  it('does not follow (or retry) a redirect', async () => {
    script = [{ status: 302, headers: { location: '/elsewhere' } }];
    const { options } = harness();
    const d = await postWebhook(url, 'alert.fired', body, options);
    expect(d.delivered).toBe(false);
    expect(d.attempts).toBe(1);
    expect(d.error).toMatch(/redirects are not followed/);
    expect(received).toHaveLength(1);
  });

  it('honours Retry-After on 429 and 503, cut to maxRetryAfterMs', async () => {
    script = [{ status: 429, headers: { 'retry-after': '7' } }, { status: 503, headers: { 'retry-after': '3600' } }, { status: 200 }];
    const { sleeps, options } = harness({ maxRetryAfterMs: 20_000 });
    const d = await postWebhook(url, 'alert.fired', body, options);
    expect(d).toEqual({ delivered: true, attempts: 3, status: 200 });
    expect(sleeps).toEqual([7000, 20_000]);
  });

  it('signs the raw body with HMAC-SHA256 when a secret is set', async () => {
    script = [{ status: 200 }];
    const { options } = harness({ secret: 'top-secret' });
    await postWebhook(url, 'alert.resolved', body, options);
    const r = received[0];
    const signature = r?.headers['x-slipway-signature'] as string;
    expect(signature).toBe(`sha256=${createHmac('sha256', 'top-secret').update(r?.body ?? '').digest('hex')}`);
    expect(verifyWebhookSignature('top-secret', r?.body ?? '', signature)).toBe(true);
    expect(verifyWebhookSignature('wrong', r?.body ?? '', signature)).toBe(false);
    expect(verifyWebhookSignature('top-secret', `${r?.body} `, signature)).toBe(false);
    expect(verifyWebhookSignature('top-secret', r?.body ?? '', undefined)).toBe(false);
    expect(r?.headers['x-slipway-event']).toBe('alert.resolved');
  });

  it('aborts an attempt at its timeout and retries', async () => {
    script = ['hang', { status: 200 }];
    const { sleeps, options } = harness({ timeoutMs: 150 });
    const started = Date.now();
    const d = await postWebhook(url, 'alert.fired', body, options);
    expect(d).toEqual({ delivered: true, attempts: 2, status: 200 });
    expect(sleeps).toEqual([375]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a timeout when every attempt hangs', async () => {
    script = ['hang'];
    const { options } = harness({ timeoutMs: 100, maxAttempts: 2 });
    const d = await postWebhook(url, 'alert.fired', body, options);
    expect(d).toEqual({ delivered: false, attempts: 2, error: 'timed out after 100 ms' });
    expect(received).toHaveLength(2);
  });

  it('retries network errors (connection refused)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { sleeps, options } = harness({ maxAttempts: 3 });
    const d = await postWebhook(`http://127.0.0.1:${port}/`, 'alert.fired', body, options);
    expect(d.delivered).toBe(false);
    expect(d.attempts).toBe(3);
    expect(d.status).toBeUndefined();
    expect(d.error).toMatch(/ECONNREFUSED/);
    expect(sleeps).toHaveLength(2);
  });

  it('refuses URLs other than http(s) without sending anything', async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = async () => {
      calls++;
      return new Response('');
    };
    for (const bad of ['file:///etc/passwd', 'ftp://example.com/x', 'not a url', 'javascript:alert(1)']) {
      const d = await postWebhook(bad, 'alert.fired', body, { fetch });
      expect(d.delivered).toBe(false);
      expect(d.attempts).toBe(0);
      expect(d.error).toMatch(/not an http:\/\/ or https:\/\/ URL/);
    }
    expect(calls).toBe(0);
  });

  it('never throws, even when fetch itself throws synchronously', async () => {
    const fetch = (() => {
      throw new Error('broken fetch');
    }) as unknown as typeof globalThis.fetch;
    const { options } = harness({ fetch, maxAttempts: 2 });
    await expect(postWebhook(url, 'alert.fired', body, options)).resolves.toEqual({ delivered: false, attempts: 2, error: 'broken fetch' });
  });
});

describe('the webhook body', () => {
  it('is the documented shape', () => {
    const [rule] = parseAlertRules([{ name: 'dataset-drift', when: { drift_share: { above: 0.5 } } }]);
    const event: AlertEvent = {
      event: 'alert.fired',
      alert: { id: 12, monitor: 'churn-drift', rule: 'dataset-drift', state: 'firing', startedTime: 1000, resolvedTime: null, value: 0.62, message: 'dataset drift share 0.62 is above 0.5' },
      rule: rule as NonNullable<typeof rule>,
      snapshot: {
        monitor: 'churn-drift', deployment: 'churn', window: { start: 10, end: 20 }, counts: { rows: 5210, referenceRows: 20000 },
        driftShare: 0.62, columns: { age: { drifted: true, statistic: 0.3 }, income: { drifted: false }, zip: { verdict: 'insufficient_data' } },
        metrics: { accuracy: 0.81 }, p99LatencyMs: 14.5,
      },
    };
    expect(alertWebhookBody(event, 5000)).toEqual({
      event: 'alert.fired',
      alert: { id: 12, monitor: 'churn-drift', rule: 'dataset-drift', state: 'firing', started_time: 1000, resolved_time: null, value: 0.62, message: 'dataset drift share 0.62 is above 0.5' },
      deployment: 'churn',
      window: { start: 10, end: 20 },
      snapshot: {
        drift_share: 0.62, drifted_columns: ['age'], metrics: { accuracy: 0.81 }, error_rate: null, p99_latency_ms: 14.5,
        counts: { rows: 5210, reference_rows: 20000, labelled: null, requests: null, errors: null },
      },
      sent_at: 5000,
    });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('12', 0)).toBe(12_000);
    expect(parseRetryAfter(new Date(90_000).toUTCString(), 30_000)).toBe(60_000);
    expect(parseRetryAfter(new Date(0).toUTCString(), 30_000)).toBe(0);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});
