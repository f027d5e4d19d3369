/**
 * One monitor run: the deployment's traffic over a window, compared with the training reference of
 * the version serving it (drift per column and of its predictions), its real accuracy where labels
 * came back (against the metrics at registration), its error rate and latency; then the alert rules,
 * their actions (log, webhook, retrain), and the run stored with its series and report.
 */
import { tableFromColumns, type Table } from '../data/index.js';
import { type EvaluationTask } from '../evaluate/index.js';
import { getModelVersion } from '../registry/index.js';
import { getDeployment, OUTPUT_LABEL, OUTPUT_VALUE, type PayloadRow } from '../serve/index.js';
import type { Store } from '../store/index.js';
import { predict, readModelFromOnnx, type TrainedModel } from '../train/index.js';
import { type ActionContext, evaluateAlerts, type EvaluatedAlerts, type MonitorSnapshot } from './alerts/index.js';
import { computeDrift, type DriftOptions, type DriftReport } from './drift/index.js';
import type { MonitorSpec } from './monitor-config.js';
import { compareWithRegistration, type MetricComparison, performanceWindows, type PerformanceWindow, servingStats, type ServingStats } from './performance/index.js';
import { lastPayloadRows, payloadWindow } from './performance/payload-window.js';
import { getModelReference, registrationMetrics } from './reference/index.js';
import { type MonitorRun, type MonitorStatus, recordMonitorRun, SERIES } from './runs/index.js';

/** The prediction column's name in both windows (a model output, never a feature). */
export const PREDICTION_COLUMN = '__prediction__';

export interface RunMonitorOptions {
  /** The window's end (exclusive). @default store.now() */
  readonly now?: number;
  /** Overrides the monitor's window length. */
  readonly windowMs?: number;
  /** Instead of a time window: the last N logged rows before `now` (the window starts at the first). */
  readonly lastRows?: number;
  /** Alert actions' context (logger, retrain callback, webhook transport). */
  readonly actions?: ActionContext;
}

export interface MonitorResult {
  readonly run: MonitorRun;
  readonly status: MonitorStatus;
  readonly window: { readonly start: number; readonly end: number };
  readonly model: { readonly name: string; readonly version: string };
  readonly drift: DriftReport;
  readonly performance: PerformanceWindow | undefined;
  readonly comparison: Record<string, MetricComparison>;
  readonly serving: ServingStats;
  readonly snapshot: MonitorSnapshot;
  readonly alerts: EvaluatedAlerts;
}

export async function runMonitor(store: Store, spec: MonitorSpec, options: RunMonitorOptions = {}): Promise<MonitorResult> {
  const started = store.now();
  const end = options.now ?? started;
  let start = end - (options.windowMs ?? spec.windowMs);
  // The window's payload log is read once: drift, performance and serving figures all use it.
  let logged: PayloadRow[];
  let rows: PayloadRow[];
  if (options.lastRows !== undefined) {
    ({ kept: rows, logged } = await lastPayloadRows(store, spec.deployment, options.lastRows, end, served));
    start = rows[0]?.time ?? end;
  } else {
    logged = await payloadWindow(store, spec.deployment, start, end);
    rows = logged.filter(served);
  }
  const deployment = await getDeployment(store, spec.deployment);
  const ref = deployment.spec.stable;
  const mv = await getModelVersion(store, ref.model, ref.version);
  const model = readModelFromOnnx(await store.objects.get(mv.blob.hash));
  const reference = await getModelReference(store, ref.model, ref.version);

  const features = model.preprocessor.features.map((f) => f.name);
  const current = windowTable(rows, features, spec.drift.prediction);
  const referenceTable = spec.drift.prediction ? withPredictions(reference.sample, model) : reference.sample;
  const drift = computeDrift(referenceTable, current, driftOptions(spec, features));

  const task: EvaluationTask = model.task;
  const [performance] = await performanceWindows(store, {
    deployment: spec.deployment, from: start, to: end, window: { count: 1 }, task, logged,
    ...(model.classes ? { classes: model.classes } : {}),
    ...(spec.performance.minLabelled ? { minLabelled: spec.performance.minLabelled } : {}),
  });
  const comparison = compareWithRegistration(performance?.metrics ?? null, await registrationMetrics(store, ref.model, ref.version));
  const serving = await servingStats(store, { deployment: spec.deployment, from: start, to: end, logged });

  const snapshot = toSnapshot(spec, { start, end }, drift, performance, serving, reference.sample.rowCount);
  const alerts = await evaluateAlerts(store, snapshot, spec.alerts, options.actions ?? {});
  const firing = alerts.verdicts.some((v) => v.state === 'breached');
  const status: MonitorStatus = firing ? 'alert' : drift.dataset.verdict === 'drift' ? 'drift' : drift.dataset.verdict === 'insufficient_data' && performance?.verdict !== 'ok' ? 'insufficient_data' : 'ok';

  const report = { monitor: spec.name, deployment: spec.deployment, window: { start, end }, model: { name: ref.model, version: ref.version }, status, drift, performance, comparison, serving, alerts: alerts.events.map((e) => ({ event: e.event, rule: e.rule.name, message: e.alert.message })) };
  const run = await recordMonitorRun(store, {
    monitor: spec.name, deployment: spec.deployment, windowStart: start, windowEnd: end, status, startedTime: started, finishedTime: store.now(),
    summary: {
      model: `${ref.model}/${ref.version}`, rows: rows.length, drift_share: drift.dataset.share, dataset_drift: drift.dataset.verdict,
      drifted: drift.columns.filter((c) => c.drifted).map((c) => c.column), metrics: performance?.metrics ?? null,
      error_rate: serving.errorRate, p99_latency_ms: serving.p99LatencyMs, alerts: alerts.events.map((e) => `${e.event} ${e.rule.name}`),
    },
    report: JSON.stringify(report),
    series: seriesOf(drift, performance, serving),
  });
  return { run, status, window: { start, end }, model: { name: ref.model, version: ref.version }, drift, performance, comparison, serving, snapshot, alerts };
}

/** Rows answered to callers (not shadow copies) without an error: what drift compares. */
const served = (r: PayloadRow) => r.role !== 'shadow' && r.status < 400;

/** The window's logged rows as a table: one column per model feature, plus the prediction. */
export function windowTable(rows: readonly PayloadRow[], features: readonly string[], withPrediction: boolean): Table {
  const columns: Record<string, unknown[]> = {};
  for (const f of features) columns[f] = rows.map((r) => r.inputs[f] ?? null);
  if (withPrediction) columns[PREDICTION_COLUMN] = rows.map((r) => r.outputs[OUTPUT_LABEL] ?? r.outputs[OUTPUT_VALUE] ?? null);
  return tableFromColumns(columns);
}

/** The reference sample with the model's predictions on it: the baseline for prediction drift. */
function withPredictions(sample: Table, model: TrainedModel): Table {
  const p = predict(model, sample);
  const column = p.labels ? [...p.labels] : Array.from(p.values ?? []);
  return { ...sample, columns: [...sample.columns, ...tableFromColumns({ [PREDICTION_COLUMN]: column }).columns] };
}

function driftOptions(spec: MonitorSpec, features: readonly string[]): DriftOptions {
  const d = spec.drift;
  const perColumn: Record<string, { test?: DriftOptions['stattest']; threshold?: number }> = {};
  for (const [c, test] of Object.entries(d.tests)) perColumn[c] = { ...perColumn[c], test };
  for (const [c, threshold] of Object.entries(d.thresholds)) perColumn[c] = { ...perColumn[c], threshold };
  return {
    columns: d.columns ?? features, exclude: d.exclude, perColumn,
    ...(d.prediction ? { prediction: PREDICTION_COLUMN } : {}),
    ...(d.stattest ? { stattest: d.stattest } : {}), ...(d.correction ? { correction: d.correction } : {}),
    ...(d.minSample ? { minSampleSize: d.minSample } : {}), ...(d.driftShare === undefined ? {} : { driftShare: d.driftShare }),
  };
}

function toSnapshot(spec: MonitorSpec, window: { start: number; end: number }, drift: DriftReport, performance: PerformanceWindow | undefined, serving: ServingStats, referenceRows: number): MonitorSnapshot {
  // drift.columns holds the prediction column too (it counts toward the drift share, as in Evidently).
  const columns = Object.fromEntries(drift.columns.map((c) => [
    c.column === PREDICTION_COLUMN ? 'prediction' : c.column,
    { test: c.test, ...(c.statistic === null ? {} : { statistic: c.statistic }), ...(c.p_value === null ? {} : { pValue: c.adjusted_p_value ?? c.p_value }), drifted: c.drifted, verdict: c.verdict },
  ]));
  const metrics = performance?.metrics ? Object.fromEntries(Object.entries(performance.metrics).filter((e): e is [string, number] => typeof e[1] === 'number')) : undefined;
  return {
    monitor: spec.name, deployment: spec.deployment, window,
    counts: { rows: drift.current_rows, referenceRows, labelled: performance?.labelled ?? 0, requests: serving.requests, errors: serving.errors },
    ...(drift.dataset.verdict === 'insufficient_data' ? {} : { driftShare: drift.dataset.share }),
    columns,
    ...(metrics ? { metrics } : {}),
    ...(serving.errorRate === null ? {} : { errorRate: serving.errorRate }),
    ...(serving.p99LatencyMs === null ? {} : { p99LatencyMs: serving.p99LatencyMs }),
  };
}

function seriesOf(drift: DriftReport, performance: PerformanceWindow | undefined, serving: ServingStats): { key: string; value: number }[] {
  const out: { key: string; value: number }[] = [];
  const push = (key: string, value: number | null | undefined) => {
    if (typeof value === 'number' && Number.isFinite(value)) out.push({ key, value });
  };
  if (drift.dataset.verdict !== 'insufficient_data') push(SERIES.driftShare, drift.dataset.share);
  for (const c of drift.columns) {
    const name = c.column === PREDICTION_COLUMN ? 'prediction' : c.column;
    push(SERIES.driftStatistic(name), c.statistic);
    push(SERIES.driftPValue(name), c.p_value);
  }
  for (const [k, v] of Object.entries(performance?.metrics ?? {})) push(SERIES.metric(k), v);
  push(SERIES.errorRate, serving.errorRate);
  push(SERIES.p99LatencyMs, serving.p99LatencyMs);
  push(SERIES.requests, serving.requests);
  return out;
}
