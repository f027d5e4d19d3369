/**
 * Alert webhooks: one JSON POST per alert event, signed when a secret is set, retried with
 * exponential backoff on failures that may pass (network errors, timeouts, 5xx, 429) and never on
 * ones that will not (other 4xx, redirects). Delivery never throws: it returns what happened.
 *
 * The body (`AlertWebhookBody`), times in epoch milliseconds:
 *
 *   {
 *     "event": "alert.fired",                     // or "alert.resolved"
 *     "alert": { "id": 12, "monitor": "churn-drift", "rule": "dataset-drift", "state": "firing",
 *                "started_time": 1735693200000, "resolved_time": null,
 *                "value": 0.62, "message": "dataset drift share 0.62 is above 0.5" },
 *     "deployment": "churn",
 *     "window": { "start": 1735606800000, "end": 1735693200000 },
 *     "snapshot": { "drift_share": 0.62, "drifted_columns": ["age", "income"],
 *                   "metrics": { "accuracy": 0.81 }, "error_rate": 0.002, "p99_latency_ms": 14.5,
 *                   "counts": { "rows": 5210, "reference_rows": 20000, "labelled": 800, "requests": null, "errors": null } },
 *     "sent_at": 1735693201234
 *   }
 *
 * Headers: `content-type: application/json`, `x-slipway-event: alert.fired`, `x-slipway-delivery:
 * <uuid>` (the same on every retry of one delivery: receivers can drop duplicates by it, or by
 * alert.id + event), and, with a secret, `x-slipway-signature: sha256=<hex HMAC-SHA256 of the raw body>`.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { VERSION } from '../../version.js';
import type { AlertEvent, AlertEventName } from './alert-event.js';
import { isHttpUrl } from './alert-rules.js';

export interface AlertWebhookBody {
  readonly event: AlertEventName;
  readonly alert: {
    readonly id: number;
    readonly monitor: string;
    readonly rule: string;
    readonly state: 'firing' | 'resolved';
    readonly started_time: number;
    readonly resolved_time: number | null;
    readonly value: number | null;
    readonly message: string;
  };
  readonly deployment: string;
  readonly window: { readonly start: number; readonly end: number };
  readonly snapshot: {
    readonly drift_share: number | null;
    readonly drifted_columns: readonly string[];
    readonly metrics: Readonly<Record<string, number | null>>;
    readonly error_rate: number | null;
    readonly p99_latency_ms: number | null;
    readonly counts: Readonly<Record<'rows' | 'reference_rows' | 'labelled' | 'requests' | 'errors', number | null>>;
  };
  readonly sent_at: number;
}

/** The documented webhook body for an alert event. */
export function alertWebhookBody(e: AlertEvent, sentAt: number): AlertWebhookBody {
  const s = e.snapshot;
  const a = e.alert;
  const c = s.counts ?? {};
  return {
    event: e.event,
    alert: {
      id: a.id, monitor: a.monitor, rule: a.rule, state: a.state, started_time: a.startedTime, resolved_time: a.resolvedTime,
      value: a.value, message: a.message,
    },
    deployment: s.deployment,
    window: { start: s.window.start, end: s.window.end },
    snapshot: {
      drift_share: s.driftShare ?? null,
      drifted_columns: Object.entries(s.columns ?? {}).filter(([, d]) => d.drifted === true).map(([name]) => name),
      metrics: { ...(s.metrics ?? {}) },
      error_rate: s.errorRate ?? null,
      p99_latency_ms: s.p99LatencyMs ?? null,
      counts: { rows: c.rows ?? null, reference_rows: c.referenceRows ?? null, labelled: c.labelled ?? null, requests: c.requests ?? null, errors: c.errors ?? null },
    },
    sent_at: sentAt,
  };
}

export interface WebhookOptions {
  /** Signs the body: `x-slipway-signature: sha256=<hex>`. */
  readonly secret?: string;
  /** Per attempt, including reading the response. @default 5000 */
  readonly timeoutMs?: number;
  /** @default 5 */
  readonly maxAttempts?: number;
  /** The first backoff; each retry doubles it, with jitter over its upper half. @default 500 */
  readonly baseDelayMs?: number;
  /** @default 30000 */
  readonly maxDelayMs?: number;
  /** A longer Retry-After than this is cut to it. @default 60000 */
  readonly maxRetryAfterMs?: number;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** @default a setTimeout promise */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). @default Math.random */
  readonly random?: () => number;
}

export interface WebhookDelivery {
  /** A 2xx answer was received. */
  readonly delivered: boolean;
  /** Requests made (0 when the URL was refused before sending). */
  readonly attempts: number;
  /** The last HTTP status received, if any. */
  readonly status?: number;
  /** Why the last attempt failed. */
  readonly error?: string;
}

/**
 * POSTs `body` (serialised once, so every retry sends, and signs, the same bytes) to `url`.
 *
 * @example
 *   const d = await postWebhook(url, 'alert.fired', alertWebhookBody(event, Date.now()), { secret });
 *   if (!d.delivered) log.warn('webhook failed', { url, ...d });
 */
export async function postWebhook(url: string, event: string, body: unknown, options: WebhookOptions = {}): Promise<WebhookDelivery> {
  if (!isHttpUrl(url)) return { delivered: false, attempts: 0, error: `'${url}' is not an http:// or https:// URL` };
  let raw: string;
  try {
    raw = JSON.stringify(body);
  } catch (err) {
    return { delivered: false, attempts: 0, error: `body is not JSON: ${messageOf(err)}` };
  }
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const headers: Record<string, string> = {
    'user-agent': `slipway/${VERSION}`,
    ...options.headers,
    'content-type': 'application/json',
    'x-slipway-event': event,
    'x-slipway-delivery': randomUUID(),
  };
  if (options.secret) headers['x-slipway-signature'] = signWebhookBody(options.secret, raw);

  let last: WebhookDelivery = { delivered: false, attempts: 0 };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const outcome = await sendWebhookOnce(url, raw, headers, options);
    last = { delivered: outcome.ok, attempts: attempt, ...(outcome.status !== undefined ? { status: outcome.status } : {}), ...(outcome.error ? { error: outcome.error } : {}) };
    if (outcome.ok || !outcome.retry || attempt === maxAttempts) return last;
    await sleep(webhookRetryDelay(attempt, outcome.retryAfterMs, options));
  }
  return last;
}

/** What one POST came to: delivered (`ok`), or whether a retry may succeed and how long the receiver asked to wait. */
export interface WebhookAttempt {
  readonly ok: boolean;
  readonly retry: boolean;
  readonly status?: number;
  readonly error?: string;
  readonly retryAfterMs?: number;
}

/**
 * One POST of an already-serialised body with exactly these headers, within `timeoutMs`. For senders
 * that keep their own retry schedule (the registry webhooks retry from a database queue); others use
 * `postWebhook`.
 */
export async function sendWebhookOnce(url: string, raw: string, headers: Readonly<Record<string, string>>, options: Pick<WebhookOptions, 'timeoutMs' | 'fetch'> = {}): Promise<WebhookAttempt> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await (options.fetch ?? globalThis.fetch)(url, { method: 'POST', headers, body: raw, signal: controller.signal, redirect: 'manual' });
    // Read (a little of) the answer within the timeout: it frees the connection and explains a refusal.
    const text = (await res.text()).slice(0, 200).trim();
    const status = res.status;
    if (status >= 200 && status < 300) return { ok: true, retry: false, status };
    const error = `HTTP ${status}${text ? `: ${text}` : ''}`;
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
      return { ok: false, retry: true, status, error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    if (status >= 300 && status < 400) return { ok: false, retry: false, status, error: `HTTP ${status}: redirects are not followed (POST to the final URL)` };
    return { ok: false, retry: false, status, error };
  } catch (err) {
    if (controller.signal.aborted) return { ok: false, retry: true, error: `timed out after ${timeoutMs} ms` };
    return { ok: false, retry: true, error: messageOf(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Retry-After as seconds or an HTTP date → milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before retry number `attempt` (1 = after the first failure): Retry-After when given, else exponential backoff with jitter. */
export function webhookRetryDelay(attempt: number, retryAfterMs: number | undefined, options: Pick<WebhookOptions, 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs' | 'random'> = {}): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxRetryAfterMs ?? 60_000);
  const ceiling = Math.min(options.maxDelayMs ?? 30_000, (options.baseDelayMs ?? 500) * 2 ** (attempt - 1));
  // "Equal jitter": at least half the backoff, so retries never bunch up at zero.
  return Math.round(ceiling / 2 + (options.random ?? Math.random)() * (ceiling / 2));
}

/** The `x-slipway-signature` value for a raw body: `sha256=<hex HMAC-SHA256>`. */
export function signWebhookBody(secret: string, rawBody: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** For receivers: whether `signature` is the body's HMAC with `secret` (compared in constant time). */
export function verifyWebhookSignature(secret: string, rawBody: string | Uint8Array, signature: string | undefined | null): boolean {
  if (!signature) return false;
  const expected = Buffer.from(signWebhookBody(secret, rawBody));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
    const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
    return detail ? `${err.message} (${detail})` : err.message;
  }
  return String(err);
}
