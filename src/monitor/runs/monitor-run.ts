/** A stored monitor run, as the read functions return it. */

export const MONITOR_STATUSES = ['ok', 'drift', 'alert', 'insufficient_data', 'failed'] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];

export interface MonitorRun {
  readonly id: number;
  readonly monitor: string;
  readonly deployment: string;
  /** The window of traffic the run measured, epoch ms, start inclusive, end exclusive. */
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly startedTime: number;
  readonly finishedTime: number | null;
  readonly status: MonitorStatus;
  /** The run's JSON summary, parsed. */
  readonly summary: unknown;
  /** Object-store address of the full JSON report; null when the run stored none. */
  readonly reportHash: string | null;
}

/** One point of a series. */
export interface SeriesPoint {
  /** The run's window end, epoch ms. */
  readonly time: number;
  readonly value: number;
  readonly key: string;
  readonly runId: number;
}
