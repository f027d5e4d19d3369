/**
 * The webhook dispatcher a server runs: every `intervalMs` it turns new audit entries into
 * deliveries and attempts the due ones (signed POSTs, one attempt per claim; failures are retried
 * from the queue with exponential backoff or the receiver's Retry-After, up to `maxAttempts`, then
 * marked failed). Any number of servers may run one against the same database; each delivery is
 * attempted by one of them at a time and delivered at most once per success.
 */
import { sendWebhookOnce, webhookRetryDelay } from '../../monitor/index.js';
import { VERSION } from '../../version.js';
import type { ServerContext } from '../types.js';
import { type AttemptOutcome, claimDue, type ClaimedDelivery, enqueueEvents, finishAttempt, GapTracker } from './delivery-queue.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signRegistryWebhook, TIMESTAMP_HEADER } from './signing.js';

export interface WebhookDispatcherOptions {
  /** Poll the queue on a timer; false: only when `tick()` is called. @default true */
  readonly poll?: boolean;
  /** @default 1000 */
  readonly intervalMs?: number;
  /** Per attempt, including reading the answer. @default 10000 */
  readonly timeoutMs?: number;
  /** Attempts before a delivery is marked failed. @default 8 */
  readonly maxAttempts?: number;
  /** The first retry waits about this long (equal jitter), doubling each time. @default 1000 */
  readonly baseDelayMs?: number;
  /** @default 300000 (5 minutes) */
  readonly maxDelayMs?: number;
  /** A longer Retry-After is cut to this. @default 600000 (10 minutes) */
  readonly maxRetryAfterMs?: number;
  /** Deliveries attempted at once. @default 8 */
  readonly concurrency?: number;
  /** How long a missing audit id may hold the cursor back (see GapTracker). @default 10000 */
  readonly gapGraceMs?: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** Jitter source in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Real time, for due times, backoff and signatures. @default Date.now */
  readonly now?: () => number;
}

export interface TickResult {
  /** Audit entries read. */
  readonly read: number;
  /** Attempts made. */
  readonly attempted: number;
  readonly delivered: number;
}

export interface WebhookDispatcher {
  /** One round: enqueue new events, attempt what is due. Rounds never overlap. */
  tick(): Promise<TickResult>;
  /** Stops polling and waits for attempts in flight (each ends within its timeout). */
  close(): Promise<void>;
}

/**
 * Starts delivering registry webhooks from `ctx.store`.
 *
 * @example
 *   const dispatcher = startWebhookDispatcher(ctx, { intervalMs: 500 });
 *   app.addHook('onClose', () => dispatcher.close());
 */
export function startWebhookDispatcher(ctx: Pick<ServerContext, 'store' | 'log'>, options: WebhookDispatcherOptions = {}): WebhookDispatcher {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const backoff = {
    baseDelayMs: options.baseDelayMs ?? 1000, maxDelayMs: options.maxDelayMs ?? 300_000, maxRetryAfterMs: options.maxRetryAfterMs ?? 600_000,
    ...(options.random ? { random: options.random } : {}),
  };
  const gaps = new GapTracker(options.gapGraceMs ?? 10_000, now);
  const db = ctx.store.db;
  let running: Promise<TickResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function attempt(c: ClaimedDelivery): Promise<boolean> {
    const timestamp = now();
    const headers = {
      'user-agent': `slipway/${VERSION}`, 'content-type': 'application/json', [EVENT_HEADER]: c.event, [DELIVERY_HEADER]: String(c.id),
      [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signRegistryWebhook(c.secret, timestamp, c.payload),
    };
    const a = await sendWebhookOnce(c.url, c.payload, headers, { timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) });
    const outcome: AttemptOutcome = a.ok
      ? { delivered: true, status: a.status ?? 200 }
      : {
        delivered: false, error: a.error ?? 'failed', ...(a.status !== undefined ? { status: a.status } : {}),
        retryAt: a.retry && c.attempt < maxAttempts ? now() + webhookRetryDelay(c.attempt, a.retryAfterMs, backoff) : null,
      };
    if (!outcome.delivered) {
      ctx.log.warn('webhook delivery failed', { webhook: c.webhookId, delivery: c.id, event: c.event, attempt: c.attempt, error: outcome.error, retry: outcome.retryAt !== null });
    }
    await finishAttempt(db, c, outcome, now());
    return outcome.delivered;
  }

  async function round(): Promise<TickResult> {
    const read = await enqueueEvents(db, { now: now(), gaps });
    let attempted = 0;
    let delivered = 0;
    for (;;) {
      const claimed = await claimDue(db, now(), { limit: concurrency, leaseMs: timeoutMs + 30_000 });
      if (claimed.length === 0) break;
      const results = await Promise.all(claimed.map(attempt));
      attempted += claimed.length;
      delivered += results.filter(Boolean).length;
      if (closed || claimed.length < concurrency) break;
    }
    return { read, attempted, delivered };
  }

  function tick(): Promise<TickResult> {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(): void {
    if (closed || options.poll === false) return;
    timer = setTimeout(() => {
      tick().catch((err: unknown) => ctx.log.warn('webhook dispatcher round failed', { err })).finally(schedule);
    }, intervalMs);
    timer.unref();
  }
  schedule();

  return {
    tick,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
