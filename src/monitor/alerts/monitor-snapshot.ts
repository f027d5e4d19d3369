/**
 * What one monitor run measured over one window of served traffic: the input alert rules are judged
 * on. Every figure is optional: a run that could not measure something (too few rows, no labels yet,
 * no latency recorded) leaves it out, and a rule over a missing figure is 'unknown' for that run
 * (neither breached nor holding), so an alert neither fires nor resolves on missing data.
 *
 * @example
 *   const snapshot: MonitorSnapshot = {
 *     monitor: 'churn-drift', deployment: 'churn',
 *     window: { start: Date.parse('2025-01-01T00:00Z'), end: Date.parse('2025-01-02T00:00Z') },
 *     counts: { rows: 5210, referenceRows: 20000 },
 *     driftShare: 0.25,
 *     columns: { age: { test: 'ks', statistic: 0.31, pValue: 0.0004, drifted: true } },
 *     metrics: { accuracy: 0.83 },
 *   };
 */
export interface MonitorSnapshot {
  /** The monitor's name (alerts are kept per monitor and rule). */
  readonly monitor: string;
  /** The deployment it watches. */
  readonly deployment: string;
  /** The window of traffic measured, epoch ms, start inclusive, end exclusive. */
  readonly window: { readonly start: number; readonly end: number };
  /** How much data the figures rest on. */
  readonly counts?: SnapshotCounts;
  /** Share of the monitored columns that drifted, 0..1. */
  readonly driftShare?: number | null;
  /** Per-column drift, by column name. */
  readonly columns?: Readonly<Record<string, SnapshotColumnDrift>>;
  /** Model-quality metrics over the labelled part of the window, by name (e.g. accuracy, rmse). */
  readonly metrics?: Readonly<Record<string, number | null>>;
  /** Share of requests that failed, 0..1. */
  readonly errorRate?: number | null;
  /** 99th-percentile request latency in milliseconds. */
  readonly p99LatencyMs?: number | null;
}

export interface SnapshotCounts {
  /** Rows (predictions) in the window. */
  readonly rows?: number | null;
  /** Rows of the reference data the window was compared with. */
  readonly referenceRows?: number | null;
  /** Rows in the window that had ground-truth labels. */
  readonly labelled?: number | null;
  /** Requests in the window. */
  readonly requests?: number | null;
  /** Failed requests in the window. */
  readonly errors?: number | null;
}

/** One column's drift test result. */
export interface SnapshotColumnDrift {
  /** Which test produced it, e.g. 'ks', 'chi2', 'psi', 'wasserstein'. */
  readonly test?: string;
  /** The test's statistic (its scale depends on the test). */
  readonly statistic?: number | null;
  readonly pValue?: number | null;
  readonly drifted?: boolean;
  /**
   * The test's verdict in words. 'insufficient_data' makes every rule about the column unknown, even
   * when numbers are present.
   */
  readonly verdict?: 'drift' | 'no_drift' | 'insufficient_data' | (string & {});
}
