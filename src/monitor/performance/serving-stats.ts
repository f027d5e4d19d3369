/**
 * What callers of a deployment experienced, from its payload log: requests, the share that failed
 * with a server error, and latency percentiles. Counted per request, not per row: a 500-row request
 * is one request with one latency. The log is sampled (`sampleRate`), so `requests` counts logged
 * requests; the rates and percentiles estimate the whole traffic's.
 */
import { invalid } from '../../errors.js';
import type { PayloadRow } from '../../serve/index.js';
import type { Store } from '../../store/index.js';
import { payloadWindow, requestKey } from './payload-window.js';

export interface ServingStatsOptions {
  readonly deployment: string;
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  /** The window's logged rows (payloadWindow), when the caller has read them already. */
  readonly logged?: readonly PayloadRow[];
}

export interface ServingFigures {
  /** Logged requests. */
  readonly requests: number;
  /** Requests answered with a status ≥ 500. */
  readonly errors: number;
  /** Requests answered with a status from 400 to 499 (the caller's mistake: not in errorRate). */
  readonly clientErrors: number;
  /** errors / requests; null without requests. */
  readonly errorRate: number | null;
  /** Nearest-rank percentiles of request latency in ms; null without requests. */
  readonly p50LatencyMs: number | null;
  readonly p99LatencyMs: number | null;
}

export interface ServingStats extends ServingFigures {
  /** Requests answered by callers' sides (primary and canary); mirrored shadow requests are only in byVersion. */
  readonly byVersion: Readonly<Record<string, ServingFigures>>;
}

/**
 * @example
 *   const s = await servingStats(store, { deployment: 'churn', from: Date.now() - 3_600_000, to: Date.now() });
 *   s.errorRate; // 0.002
 *   s.p99LatencyMs; // 41.5
 */
export async function servingStats(store: Store, options: ServingStatsOptions): Promise<ServingStats> {
  const { deployment, from, to } = options;
  if (!(to > from)) throw invalid(`the range is empty: to (${to}) must be after from (${from})`);
  const requests = new Map<string, PayloadRow>();
  for (const r of options.logged ?? (await payloadWindow(store, deployment, from, to))) {
    const key = requestKey(r);
    if (!requests.has(key)) requests.set(key, r);
  }
  const all = [...requests.values()];
  const versions = [...new Set(all.map((r) => r.version))].sort();
  return {
    ...figures(all.filter((r) => r.role !== 'shadow')),
    byVersion: Object.fromEntries(versions.map((v) => [v, figures(all.filter((r) => r.version === v))])),
  };
}

function figures(requests: readonly PayloadRow[]): ServingFigures {
  const n = requests.length;
  const errors = requests.filter((r) => r.status >= 500).length;
  const latencies = Float64Array.from(requests, (r) => r.latencyMs).sort();
  return {
    requests: n,
    errors,
    clientErrors: requests.filter((r) => r.status >= 400 && r.status < 500).length,
    errorRate: n === 0 ? null : errors / n,
    p50LatencyMs: nearestRank(latencies, 50),
    p99LatencyMs: nearestRank(latencies, 99),
  };
}

/**
 * The nearest-rank percentile of ascending values: the smallest value with at least p% of the values
 * at or below it, i.e. sorted[ceil(p/100 · n) − 1]. Always one of the values, never interpolated.
 *
 * @example
 *   nearestRank(Float64Array.of(1, 2, 3, 4), 50) // 2
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[rank - 1] as number;
}
