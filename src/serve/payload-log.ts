/**
 * Payload logging off the hot path. `record()` decides sampling and pushes the caller's object into
 * a bounded in-memory queue: no serialisation, no I/O, no promise. A single background writer takes
 * batches of at most `maxBatchRecords`, serialises them (one blob per deployment, see
 * payload-rows.ts for the row schema), writes them to the object store and indexes each blob in
 * `payload_batches`.
 *
 * The log may lose records, never the server: when the queue (waiting + being written) holds
 * `maxBufferedRecords`, new records are dropped and counted, and a batch whose write fails is
 * reported to `onError`, counted as dropped and not retried. Losing a sample of the log is better than
 * memory growing without bound behind a slow object store.
 *
 * @example
 *   const log = createPayloadLog({ store, sampleRate: 0.1, format: 'parquet' });
 *   log.record({ requestId, time, deployment: 'churn', model: 'churn', version: '3', role: 'primary',
 *                inputs: columns, outputs: { label: p.labels }, latencyMs, status: 200 });
 *   await log.close(); // on shutdown: writes what is left
 */
import type { Store } from '../store/index.js';
import { encodePayload, rowsOf, type PayloadFormat, type PayloadRecord } from './payload-rows.js';

export type { PayloadRecord } from './payload-rows.js';

export interface PayloadLogOptions {
  readonly store: Store;
  /** Share of requests logged, 0..1; a request is logged whole or not at all. @default 1 */
  readonly sampleRate?: number;
  /** @default 'jsonl' */
  readonly format?: PayloadFormat;
  /** Records per batch; a full batch is written without waiting for the timer. @default 1000 */
  readonly maxBatchRecords?: number;
  /** How often a partial batch is written. @default 1000 */
  readonly flushIntervalMs?: number;
  /** Records held in memory (waiting or being written) before new ones are dropped. @default 10000 */
  readonly maxBufferedRecords?: number;
  /** Uniform in [0, 1): injectable so sampling is testable. @default Math.random */
  readonly random?: () => number;
  /** Called with each failed batch write; its records are dropped. @default nothing */
  readonly onError?: (err: unknown) => void;
}

export interface PayloadLogStats {
  /** Records kept by sampling (including those later dropped). */
  readonly sampled: number;
  /** Records in memory now: waiting or being written. */
  readonly buffered: number;
  /** Records written and indexed. */
  readonly written: number;
  /** Rows written (a record has one row per predicted row). */
  readonly writtenRows: number;
  /** Sampled records lost: the buffer was full, the write failed, or the log was closed. */
  readonly dropped: number;
  /** Blobs written (a batch spanning several deployments writes one each). */
  readonly batches: number;
  /** The most records ever held in memory at once. */
  readonly maxBuffered: number;
}

export interface PayloadLog {
  /**
   * Logs one served request (if sampled). Keeps a reference to `r`: its arrays must not be changed
   * afterwards.
   */
  record(r: PayloadRecord): void;
  /** Resolves once every record accepted before the call is written or dropped; never rejects. */
  flush(): Promise<void>;
  /** Flushes and stops the timer; later records are dropped. */
  close(): Promise<void>;
  /** Counters; `sampled = buffered + written + dropped` always holds. */
  stats(): PayloadLogStats;
}

export function createPayloadLog(options: PayloadLogOptions): PayloadLog {
  const { store } = options;
  const sampleRate = Math.min(1, Math.max(0, options.sampleRate ?? 1));
  const format = options.format ?? 'jsonl';
  const maxBatch = Math.max(1, options.maxBatchRecords ?? 1000);
  const maxBuffered = Math.max(1, options.maxBufferedRecords ?? 10_000);
  const random = options.random ?? Math.random;
  const onError = options.onError ?? (() => {});

  let queue: PayloadRecord[] = [];
  let inFlight = 0;
  /** Records ever queued, ever taken off the queue by the writer, and ever finished (written or dropped). */
  let accepted = 0;
  let taken = 0;
  let settled = 0;
  /** The writer keeps going until `taken` reaches this (set by flush). */
  let target = 0;
  let running = false;
  let closed = false;
  const waiters: { until: number; resolve: () => void }[] = [];
  const stats = { sampled: 0, written: 0, writtenRows: 0, dropped: 0, batches: 0, maxBuffered: 0 };

  const timer = setInterval(
    () => {
      if (queue.length > 0) void flush();
    },
    Math.max(1, options.flushIntervalMs ?? 1000),
  );
  timer.unref();

  function record(r: PayloadRecord): void {
    if (sampleRate < 1 && !(random() < sampleRate)) return;
    stats.sampled++;
    const held = queue.length + inFlight;
    if (closed || held >= maxBuffered) {
      stats.dropped++;
      return;
    }
    queue.push(r);
    accepted++;
    if (held + 1 > stats.maxBuffered) stats.maxBuffered = held + 1;
    if (queue.length >= maxBatch) kick();
  }

  function kick(): void {
    if (running) return;
    running = true;
    // Off the caller's stack: serialising a batch must not run inside the request that filled it.
    setImmediate(() => void run());
  }

  async function run(): Promise<void> {
    try {
      while (queue.length >= maxBatch || (queue.length > 0 && taken < target)) {
        const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
        queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
        inFlight = batch.length;
        taken += batch.length;
        await write(batch);
        inFlight = 0;
        settled += batch.length;
        for (let i = waiters.length - 1; i >= 0; i--) {
          const w = waiters[i];
          if (w && w.until <= settled) {
            waiters.splice(i, 1);
            w.resolve();
          }
        }
      }
    } finally {
      running = false;
    }
  }

  /** Writes one batch, a blob per deployment; never throws. */
  async function write(batch: readonly PayloadRecord[]): Promise<void> {
    const byDeployment = new Map<string, PayloadRecord[]>();
    for (const r of batch) {
      const group = byDeployment.get(r.deployment);
      if (group) group.push(r);
      else byDeployment.set(r.deployment, [r]);
    }
    for (const [deployment, records] of byDeployment) {
      try {
        let first = Infinity;
        let last = -Infinity;
        let rows = 0;
        for (const r of records) {
          if (r.time < first) first = r.time;
          if (r.time > last) last = r.time;
          rows += rowsOf(r);
        }
        const ref = await store.objects.put(encodePayload(records, format));
        await store.db
          .insertInto('payload_batches')
          .values({
            deployment,
            format,
            blob_hash: ref.hash,
            blob_size: ref.size,
            records: rows,
            first_time: Math.floor(first),
            last_time: Math.ceil(last),
            created_time: store.now(),
          })
          .execute();
        stats.written += records.length;
        stats.writtenRows += rows;
        stats.batches++;
      } catch (err) {
        stats.dropped += records.length;
        try {
          onError(err);
        } catch {
          // a failing error handler must not stop the writer
        }
      }
    }
  }

  function flush(): Promise<void> {
    target = accepted;
    if (settled >= target) return Promise.resolve();
    const done = new Promise<void>((resolve) => waiters.push({ until: target, resolve }));
    if (queue.length > 0) kick();
    return done;
  }

  return {
    record,
    flush,
    async close() {
      closed = true;
      clearInterval(timer);
      await flush();
    },
    stats: () => ({ ...stats, buffered: queue.length + inFlight }),
  };
}
