/** Live metrics beside the metrics a model version had when it was registered (see registrationMetrics). */
import { invalid } from '../../errors.js';

/** Metrics where a smaller value is better; every other metric is better larger. */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['log_loss', 'brier_score', 'mae', 'mse', 'rmse', 'mape', 'median_absolute_error']);

export interface CompareOptions {
  /**
   * How much worse than at registration a metric may get (in the metric's own units) before it counts
   * as degraded.
   * @default 0
   */
  readonly tolerance?: number;
  /**
   * The metrics to compare.
   * @default every registration metric except `fairness.*` (windows have no sensitive columns to compute them on)
   */
  readonly metrics?: readonly string[];
}

export interface MetricComparison {
  /** The window's value; null when the window had too few labels or the metric is undefined on it. */
  readonly current: number | null;
  readonly at_registration: number | null;
  /** current − at_registration. */
  readonly change: number | null;
  /** change / |at_registration|; null when either is unknown or at_registration is 0. */
  readonly relative_change: number | null;
  /** Worse than at registration by more than the tolerance, in the metric's direction; null when unknown. */
  readonly degraded: boolean | null;
}

/**
 * @example
 *   compareWithRegistration({ accuracy: 0.81, log_loss: 0.45 }, { accuracy: 0.86, log_loss: 0.31 }, { tolerance: 0.02 })
 *   // { accuracy: { current: 0.81, at_registration: 0.86, change: -0.05, relative_change: -0.058…, degraded: true },
 *   //   log_loss: { current: 0.45, at_registration: 0.31, change: 0.14, relative_change: 0.45…, degraded: true } }
 */
export function compareWithRegistration(
  current: Readonly<Record<string, number | null>> | null,
  registration: Readonly<Record<string, number | null>> | undefined,
  options: CompareOptions = {},
): Record<string, MetricComparison> {
  const tolerance = options.tolerance ?? 0;
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) throw invalid(`tolerance must be a finite number ≥ 0, got ${tolerance}`);
  const names = options.metrics ?? Object.keys(registration ?? {}).filter((m) => !m.startsWith('fairness.'));
  const out: Record<string, MetricComparison> = {};
  for (const name of names) {
    const now = finite(current?.[name]);
    const then = finite(registration?.[name]);
    const change = now !== null && then !== null ? now - then : null;
    const worse = change === null ? null : LOWER_IS_BETTER.has(name) ? change : -change;
    out[name] = {
      current: now,
      at_registration: then,
      change,
      relative_change: change !== null && then !== 0 ? change / Math.abs(then as number) : null,
      degraded: worse === null ? null : worse > tolerance,
    };
  }
  return out;
}

const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
