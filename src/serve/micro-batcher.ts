/**
 * Adaptive micro-batching: requests that arrive close together are merged into one runtime call.
 * onnxruntime-node costs 25–40 µs per `run()` whatever the batch size, so merging is where serving
 * throughput comes from (see the serving reference). A batch is cut when it holds `maxBatchSize`
 * rows or when its first request has waited `maxLatencyMs`, whichever comes first; a single request
 * bigger than `maxBatchSize` runs alone rather than being split (splitting would only add calls).
 */
import type { Predictions } from '../train/index.js';

/** Plain column arrays keyed by input name; every array has the same length (the rows). */
export type Columns = Record<string, unknown[]>;

export interface MicroBatcherOptions {
  /** Rows per runtime call. @default 64 */
  readonly maxBatchSize?: number;
  /** Longest a request waits for company before its batch runs. @default 2 */
  readonly maxLatencyMs?: number;
  /** Told each batch's size as it is cut, before it runs (for metrics); an error it throws is ignored. @default nothing */
  readonly onBatch?: (rows: number, requests: number) => void;
}

export interface MicroBatcher {
  /** Predicts `rows` rows; resolves with exactly these rows' predictions, in order. */
  submit(columns: Columns, rows: number): Promise<Predictions>;
  /** Runs whatever is queued now (used on shutdown). */
  flush(): void;
  /** Rows queued and not yet handed to the runtime (the queue depth). */
  pending(): number;
}

interface Pending {
  readonly columns: Columns;
  readonly rows: number;
  resolve(p: Predictions): void;
  reject(err: unknown): void;
}

export type RunBatch = (columns: Columns) => Promise<Predictions>;

export function createMicroBatcher(run: RunBatch, inputNames: readonly string[], options: MicroBatcherOptions = {}): MicroBatcher {
  const maxBatchSize = Math.max(1, options.maxBatchSize ?? 64);
  const maxLatencyMs = Math.max(0, options.maxLatencyMs ?? 2);
  const onBatch = options.onBatch;
  const queue: Pending[] = [];
  let queuedRows = 0;
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (queue.length > 0) {
      // Take requests in arrival order until the next one would overflow the batch.
      const batch: Pending[] = [];
      let rows = 0;
      while (queue.length > 0) {
        const next = queue[0] as Pending;
        if (batch.length > 0 && rows + next.rows > maxBatchSize) break;
        batch.push(next);
        rows += next.rows;
        queue.shift();
      }
      queuedRows -= rows;
      if (onBatch) {
        try {
          onBatch(rows, batch.length);
        } catch {
          // an observer's bug must not strand the batch's callers
        }
      }
      void runBatch(batch, rows);
    }
  }

  async function runBatch(batch: Pending[], rows: number): Promise<void> {
    if (batch.length === 1) {
      const only = batch[0] as Pending;
      try {
        only.resolve(await run(only.columns));
      } catch (err) {
        only.reject(err);
      }
      return;
    }
    let merged: Predictions;
    try {
      merged = await run(concat(batch, inputNames, rows));
    } catch {
      // One request's bad value must not fail its neighbours: rerun each alone so the error lands
      // only on the request that caused it.
      await Promise.all(batch.map((p) => runBatch([p], p.rows)));
      return;
    }
    let offset = 0;
    for (const p of batch) {
      p.resolve(slicePredictions(merged, offset, p.rows, rows));
      offset += p.rows;
    }
  }

  return {
    submit(columns, rows) {
      return new Promise<Predictions>((resolve, reject) => {
        queue.push({ columns, rows, resolve, reject });
        queuedRows += rows;
        if (queuedRows >= maxBatchSize) flush();
        else if (!timer) timer = setTimeout(flush, maxLatencyMs);
      });
    },
    flush,
    pending: () => queuedRows,
  };
}

function concat(batch: readonly Pending[], names: readonly string[], rows: number): Columns {
  const out: Columns = {};
  for (const name of names) {
    const merged = new Array<unknown>(rows);
    let at = 0;
    for (const p of batch) {
      const values = p.columns[name] ?? [];
      for (let i = 0; i < p.rows; i++) merged[at++] = values[i];
    }
    out[name] = merged;
  }
  return out;
}

/** Rows [offset, offset + n) of a batch's predictions (copies, so callers own their arrays). */
export function slicePredictions(p: Predictions, offset: number, n: number, totalRows: number): Predictions {
  const k = p.probabilities && totalRows > 0 ? p.probabilities.length / totalRows : 0;
  return {
    labels: p.labels?.slice(offset, offset + n),
    probabilities: p.probabilities?.slice(offset * k, (offset + n) * k),
    values: p.values?.slice(offset, offset + n),
  };
}
