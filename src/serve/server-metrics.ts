/**
 * The model server's Prometheus metrics, one set per server instance (never prom-client's global
 * registry, so several servers and tests in one process keep their own counts).
 *
 * | metric                                   | type      | labels                                          |
 * |------------------------------------------|-----------|-------------------------------------------------|
 * | slipway_requests_total                   | counter   | deployment, model, version, protocol, status    |
 * | slipway_request_errors_total             | counter   | deployment, model, version, kind (client: 4xx, server: 5xx) |
 * | slipway_request_duration_seconds         | histogram | deployment, model, version, protocol            |
 * | slipway_batch_size_rows                  | histogram | model, version                                  |
 * | slipway_queue_depth_rows                 | gauge     | model, version (read from trackQueue callbacks at scrape time) |
 * | slipway_payload_log_buffered             | gauge     | (read from tracked payload logs at scrape time) |
 * | slipway_payload_log_dropped_total        | counter   |                                                 |
 * | slipway_payload_log_written_total        | counter   |                                                 |
 * | process_*, nodejs_*                      |           | prom-client's default process metrics           |
 *
 * `status` is the exact HTTP status code ("200", "400", "503"): the server answers few distinct
 * codes, and 404 vs 400 vs 413 tell different stories that a class ("4xx") would merge.
 *
 * The four hot-path families are counted in plain cells found by nested map lookups and rendered
 * at scrape time (prom-text.ts says why not prom-client's classes); the scrape-time gauges and
 * counters are prom-client metrics in `registry`, where a caller may register more.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { PayloadLogStats } from './payload-log.js';
import { family, HistogramCell, histogramSamples, labelPairs, sample } from './prom-text.js';

/** Sub-millisecond to seconds: a one-row ONNX call takes ≈0.1 ms, a cold big batch seconds. */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
/** Powers of two up to 256; bigger batches land in +Inf. */
export const BATCH_SIZE_BUCKETS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

export interface RequestObservation {
  /** The deployment, or the model name when a bare model is served. */
  readonly deployment: string;
  /** Empty when the request named no known model (a 404). */
  readonly model: string;
  readonly version: string;
  /** e.g. 'v2' (Open Inference Protocol), 'mlflow'. */
  readonly protocol: string;
  readonly status: number;
  readonly seconds: number;
}

export interface ServerMetricsOptions {
  /**
   * Include prom-client's default process metrics (CPU, memory, handles, event-loop lag, GC). They
   * describe the process, so one collector is shared by every ServerMetrics in it.
   * @default true
   */
  readonly processMetrics?: boolean;
}

export interface ServerMetrics {
  /** This server's prom-client registry (scrape-time gauges); other metrics may be registered on it. */
  readonly registry: Registry;
  /** The exposition's content type: `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string;
  /** Counts one answered request; call it for every reply, errors included. */
  observeRequest(o: RequestObservation): void;
  /** Counts one runtime call of `rows` rows (a micro-batcher's `onBatch`). */
  observeBatch(model: string, version: string, rows: number): void;
  /** Reports `depth()` (queued rows) as the model's queue depth at every scrape; returns an untrack function. */
  trackQueue(model: string, version: string, depth: () => number): () => void;
  /** Reports a payload log's buffer and counters at every scrape; returns an untrack function. */
  trackPayloadLog(log: { stats(): Pick<PayloadLogStats, 'buffered' | 'dropped' | 'written'> }): () => void;
  /** The Prometheus text exposition of everything above. */
  render(): Promise<string>;
}

interface RequestSeries {
  /** deployment, model, version, protocol as rendered label pairs. */
  readonly labels: string;
  /** deployment, model, version: the errors counter's labels. */
  readonly modelLabels: string;
  readonly duration: HistogramCell;
  readonly statuses: Map<number, number>;
  clientErrors: number;
  serverErrors: number;
}

interface BatchSeries {
  readonly labels: string;
  readonly sizes: HistogramCell;
}

function level<V>(map: Map<string, V>, key: string, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

let processRegistry: Registry | undefined;

export function createServerMetrics(options: ServerMetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  const withProcess = options.processMetrics ?? true;
  if (withProcess && !processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }

  // deployment → model → version → protocol → series
  const requests = new Map<string, Map<string, Map<string, Map<string, RequestSeries>>>>();
  const requestList: RequestSeries[] = [];
  // model → version → series
  const batches = new Map<string, Map<string, BatchSeries>>();
  const batchList: BatchSeries[] = [];

  const queues = new Set<{ model: string; version: string; depth: () => number }>();
  const queueGauge: Gauge<'model' | 'version'> = new Gauge({
    name: 'slipway_queue_depth_rows',
    help: 'Rows waiting in a model micro-batcher queue.',
    labelNames: ['model', 'version'],
    registers: [registry],
    collect() {
      // Several batchers of one model version (e.g. after a reload) add up.
      const sums = new Map<string, { model: string; version: string; rows: number }>();
      for (const q of queues) {
        const s = level(sums, JSON.stringify([q.model, q.version]), () => ({ model: q.model, version: q.version, rows: 0 }));
        s.rows += q.depth();
      }
      queueGauge.reset(); // untracked queues disappear instead of freezing at their last value
      for (const s of sums.values()) queueGauge.set({ model: s.model, version: s.version }, s.rows);
    },
  });

  const logs = new Set<{
    stats(): Pick<PayloadLogStats, 'buffered' | 'dropped' | 'written'>;
    dropped: number;
    written: number;
  }>();
  const buffered = new Gauge({
    name: 'slipway_payload_log_buffered',
    help: 'Payload-log records held in memory, waiting or being written.',
    registers: [registry],
    collect() {
      let n = 0;
      for (const l of logs) n += l.stats().buffered;
      buffered.set(n);
    },
  });
  // Counters fed from the logs' own monotonic counts, by the growth since the last scrape.
  const dropped = new Counter({
    name: 'slipway_payload_log_dropped_total',
    help: 'Sampled payload-log records lost: buffer full, write failed, or log closed.',
    registers: [registry],
    collect() {
      for (const l of logs) {
        const now = l.stats().dropped;
        if (now > l.dropped) dropped.inc(now - l.dropped);
        l.dropped = now;
      }
    },
  });
  const written = new Counter({
    name: 'slipway_payload_log_written_total',
    help: 'Payload-log records written to the object store.',
    registers: [registry],
    collect() {
      for (const l of logs) {
        const now = l.stats().written;
        if (now > l.written) written.inc(now - l.written);
        l.written = now;
      }
    },
  });

  function requestSeries(o: RequestObservation): RequestSeries {
    let byModel = requests.get(o.deployment);
    if (byModel === undefined) requests.set(o.deployment, (byModel = new Map()));
    let byVersion = byModel.get(o.model);
    if (byVersion === undefined) byModel.set(o.model, (byVersion = new Map()));
    let byProtocol = byVersion.get(o.version);
    if (byProtocol === undefined) byVersion.set(o.version, (byProtocol = new Map()));
    let s = byProtocol.get(o.protocol);
    if (s === undefined) {
      const values = [o.deployment, o.model, o.version, o.protocol];
      s = {
        labels: labelPairs(['deployment', 'model', 'version', 'protocol'], values),
        modelLabels: labelPairs(['deployment', 'model', 'version'], values),
        duration: new HistogramCell(REQUEST_DURATION_BUCKETS),
        statuses: new Map(),
        clientErrors: 0,
        serverErrors: 0,
      };
      byProtocol.set(o.protocol, s);
      requestList.push(s);
    }
    return s;
  }

  function renderOwn(): string[] {
    const counts: string[] = [];
    const durations: string[] = [];
    const errors = new Map<string, { client: number; server: number }>();
    for (const s of requestList) {
      for (const [status, n] of s.statuses) counts.push(sample('slipway_requests_total', `${s.labels},status="${status}"`, n));
      durations.push(...histogramSamples('slipway_request_duration_seconds', s.labels, s.duration));
      const e = level(errors, s.modelLabels, () => ({ client: 0, server: 0 }));
      e.client += s.clientErrors;
      e.server += s.serverErrors;
    }
    const errorSamples: string[] = [];
    for (const [labels, e] of errors) {
      if (e.client > 0) errorSamples.push(sample('slipway_request_errors_total', `${labels},kind="client"`, e.client));
      if (e.server > 0) errorSamples.push(sample('slipway_request_errors_total', `${labels},kind="server"`, e.server));
    }
    return [
      family('slipway_requests_total', 'Requests answered, by exact HTTP status.', 'counter', counts),
      family(
        'slipway_request_errors_total',
        'Requests answered with an error: client (4xx) or server (5xx).',
        'counter',
        errorSamples,
      ),
      family('slipway_request_duration_seconds', 'Time from request to reply.', 'histogram', durations),
      family(
        'slipway_batch_size_rows',
        'Rows per runtime call after micro-batching.',
        'histogram',
        batchList.flatMap((b) => histogramSamples('slipway_batch_size_rows', b.labels, b.sizes)),
      ),
    ];
  }

  return {
    registry,
    contentType: Registry.PROMETHEUS_CONTENT_TYPE,
    observeRequest(o) {
      const s = requestSeries(o);
      s.duration.observe(o.seconds);
      s.statuses.set(o.status, (s.statuses.get(o.status) ?? 0) + 1);
      if (o.status >= 500) s.serverErrors++;
      else if (o.status >= 400) s.clientErrors++;
    },
    observeBatch(model, version, rows) {
      let byVersion = batches.get(model);
      if (byVersion === undefined) batches.set(model, (byVersion = new Map()));
      let b = byVersion.get(version);
      if (b === undefined) {
        b = { labels: labelPairs(['model', 'version'], [model, version]), sizes: new HistogramCell(BATCH_SIZE_BUCKETS) };
        byVersion.set(version, b);
        batchList.push(b);
      }
      b.sizes.observe(rows);
    },
    trackQueue(model, version, depth) {
      const entry = { model, version, depth };
      queues.add(entry);
      return () => void queues.delete(entry);
    },
    trackPayloadLog(log) {
      // Everything the log did before it was tracked is reported too (its totals start at 0).
      const entry = { stats: () => log.stats(), dropped: 0, written: 0 };
      logs.add(entry);
      return () => void logs.delete(entry);
    },
    async render() {
      const parts = [renderOwn().join('\n\n'), await registry.metrics()];
      if (withProcess && processRegistry) parts.push(await processRegistry.metrics());
      return `${parts.map((p) => p.trimEnd()).join('\n\n')}\n`;
    },
  };
}
