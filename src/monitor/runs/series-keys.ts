/**
 * The names of monitor time series, one convention for every monitor so the UI can chart any of them:
 *
 * | key                              | value                                              |
 * |----------------------------------|----------------------------------------------------|
 * | `drift.<column>.statistic`       | the column's drift test statistic                  |
 * | `drift.<column>.p_value`         | its p-value (tests that have one)                  |
 * | `drift.share`                    | share of monitored columns that drifted, 0..1      |
 * | `metric.<name>`                  | a model-quality metric over the window's labelled rows (`metric.accuracy`, `metric.rmse`) |
 * | `serving.error_rate`             | share of requests answered with status ≥ 500       |
 * | `serving.p99_latency_ms`         | nearest-rank 99th-percentile request latency       |
 * | `serving.requests`               | logged requests in the window                      |
 *
 * A point's time is its run's window end. A column name may hold dots (`drift.a.b.statistic` is
 * column `a.b`): read the last segment as the figure. Query one column's series with the prefix
 * `drift.<column>.` (with its trailing dot, so column `age` does not also match `age_group`).
 */
export const SERIES = {
  driftStatistic: (column: string) => `drift.${column}.statistic`,
  driftPValue: (column: string) => `drift.${column}.p_value`,
  driftShare: 'drift.share',
  metric: (name: string) => `metric.${name}`,
  errorRate: 'serving.error_rate',
  p99LatencyMs: 'serving.p99_latency_ms',
  requests: 'serving.requests',
} as const;
