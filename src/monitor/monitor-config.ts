/**
 * slipway.yaml's `monitors:` section: what to watch, how often, with which tests, and what to do.
 *
 *     monitors:
 *       income-live:
 *         deployment: adult-income
 *         schedule: "*\/15 * * * *"        # cron, UTC (slipway scheduler)
 *         window: 1h                     # the traffic each run looks at: 30m, 1h, 1d ...
 *         drift:
 *           columns: [age, hours_per_week]   # default: every model feature
 *           tests: {age: psi}                # per-column test; default Evidently's choice
 *           thresholds: {age: 0.2}
 *           correction: bh                   # or bonferroni
 *           min_sample: 100
 *           drift_share: 0.5
 *           prediction: true                 # prediction drift on the model's output
 *         performance: {min_labelled: 50}
 *         alerts:
 *           - name: data-drift
 *             when: {drift_share: {above: 0.3}}
 *             actions: [log, {webhook: {url: "http://127.0.0.1:9000/hook"}}, {retrain: {pipeline: slipway.yaml}}]
 */
import { z } from 'zod';
import { durationParser, type DurationUnits } from '../config/index.js';
import { invalid } from '../errors.js';
import { type AlertRule, parseAlertRules } from './alerts/index.js';
import { type Correction, DRIFT_TESTS, type DriftTestName, isDriftTestName } from './drift/index.js';
import { parseCron } from './schedule/index.js';

export interface MonitorSpec {
  readonly name: string;
  readonly deployment: string;
  readonly schedule: string | undefined;
  readonly windowMs: number;
  readonly drift: {
    readonly columns: readonly string[] | undefined;
    readonly exclude: readonly string[];
    readonly stattest: DriftTestName | undefined;
    readonly tests: Readonly<Record<string, DriftTestName>>;
    readonly thresholds: Readonly<Record<string, number>>;
    readonly correction: Correction | undefined;
    readonly minSample: number | undefined;
    readonly driftShare: number | undefined;
    readonly prediction: boolean;
  };
  readonly performance: { readonly minLabelled: number | undefined };
  readonly alerts: readonly AlertRule[];
}

/** Monitor windows come in seconds to days (pipeline timeouts also take ms but not days). */
const WINDOW_UNITS: DurationUnits = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const parseWindow = durationParser(WINDOW_UNITS);

/** '90s', '30m', '1h', '7d' → milliseconds. */
export function parseDuration(text: string, where: string): number {
  const ms = parseWindow(text);
  if (ms === undefined) throw invalid(`${where}: '${text}' is not a duration; use a number and s, m, h or d, e.g. 30m or 1h`);
  if (!(ms > 0)) throw invalid(`${where}: '${text}' must be longer than zero`);
  return ms;
}

const testName = z.string().refine(isDriftTestName, { error: `is not a drift test (${DRIFT_TESTS.join(', ')})` });

const monitorSchema = z.strictObject({
  deployment: z.string().min(1),
  schedule: z.string().optional(),
  window: z.string().default('1h'),
  drift: z.strictObject({
    columns: z.array(z.string()).optional(),
    exclude: z.array(z.string()).default([]),
    stattest: testName.optional(),
    tests: z.record(z.string(), testName).default({}),
    thresholds: z.record(z.string(), z.number()).default({}),
    correction: z.enum(['bonferroni', 'bh']).optional(),
    min_sample: z.int().min(1).optional(),
    drift_share: z.number().min(0).max(1).optional(),
    prediction: z.boolean().default(true),
  }).default({ exclude: [], tests: {}, thresholds: {}, prediction: true }),
  performance: z.strictObject({ min_labelled: z.int().min(1).optional() }).default({}),
  alerts: z.unknown().optional(),
});

/** Parses the section (undefined → no monitors); errors name the file, the monitor and the field. */
export function parseMonitors(section: unknown, file = 'slipway.yaml'): MonitorSpec[] {
  if (section === undefined || section === null) return [];
  if (typeof section !== 'object' || Array.isArray(section)) throw invalid(`${file}: monitors: must be a mapping of monitor names to monitors`);
  return Object.entries(section as Record<string, unknown>).map(([name, raw]) => {
    const where = `${file}: monitors.${name}`;
    const parsed = monitorSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalid(`${where}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    const m = parsed.data;
    if (m.schedule !== undefined) {
      try {
        parseCron(m.schedule);
      } catch (err) {
        throw invalid(`${where}.schedule: ${(err as Error).message}`);
      }
    }
    return {
      name, deployment: m.deployment, schedule: m.schedule, windowMs: parseDuration(m.window, `${where}.window`),
      drift: {
        columns: m.drift.columns, exclude: m.drift.exclude, stattest: m.drift.stattest as DriftTestName | undefined,
        tests: m.drift.tests as Record<string, DriftTestName>, thresholds: m.drift.thresholds, correction: m.drift.correction,
        minSample: m.drift.min_sample, driftShare: m.drift.drift_share, prediction: m.drift.prediction,
      },
      performance: { minLabelled: m.performance.min_labelled },
      alerts: m.alerts === undefined ? [] : parseAlertRules(m.alerts, `${where}.alerts`),
    };
  });
}

/** The monitor used when a deployment has none configured: every feature, default tests, no alerts. */
export function defaultMonitor(deployment: string): MonitorSpec {
  return {
    name: deployment, deployment, schedule: undefined, windowMs: WINDOW_UNITS.h as number,
    drift: { columns: undefined, exclude: [], stattest: undefined, tests: {}, thresholds: {}, correction: undefined, minSample: undefined, driftShare: undefined, prediction: true },
    performance: { minLabelled: undefined },
    alerts: [],
  };
}
