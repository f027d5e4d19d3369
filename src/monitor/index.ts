/**
 * Monitor: drift tests, performance with delayed labels, alert rules and schedules, and the stored
 * results (runs and their time series) the UI charts.
 */
// Reference data, live performance and run storage.
export type {
  ModelReference, Reference, ReferenceOptions, RegistrationEvaluation, SampleOptions,
} from './reference/index.js';
export {
  buildReference, buildReferenceFromChunks, EVALUATION_REPORT_ARTIFACT, getModelReference, readReference, registrationEvaluation,
  registrationMetrics, ReservoirSampler, reservoirSample, writeReference,
} from './reference/index.js';
export type {
  CompareOptions, MetricComparison, PerformanceFigures, PerformanceVerdict, PerformanceWindow, PerformanceWindowsOptions, ServingFigures,
  ServingStats, ServingStatsOptions, TimeWindow, WindowSpec,
} from './performance/index.js';
export {
  compareWithRegistration, DEFAULT_MIN_LABELLED, LOWER_IS_BETTER, MAX_WINDOWS, nearestRank, performanceWindows, servingStats, timeWindows,
} from './performance/index.js';
export type { ListMonitorRunsOptions, MonitorRun, MonitorStatus, RecordMonitorRunInput, SeriesPoint, SeriesRange } from './runs/index.js';
export { getMonitorReport, getMonitorRun, listMonitorRuns, MONITOR_STATUSES, monitorSeries, recordMonitorRun, SERIES } from './runs/index.js';
// Drift detection: per-column tests (Evidently's choice, SciPy's statistics), stored references, HTML.
export type {
  CategoricalReferenceColumn, ColumnDrift, ColumnDriftOptions, ColumnKind, ColumnRole, Correction, DatasetDrift, DistributionChart,
  DriftHtmlContext, DriftOptions, DriftReference, DriftReferenceOptions, DriftReport, DriftTestName, NumericReferenceColumn,
  ReferenceColumn, Verdict,
} from './drift/index.js';
export {
  adjustPValues, buildDriftReference, computeDrift, CORRECTIONS, DEFAULT_DRIFT_SHARE, DEFAULT_MIN_SAMPLE_SIZE, defaultTest,
  DRIFT_REFERENCE_FORMAT, DRIFT_TESTS, driftTest, isDriftReference, isDriftTestName, parseDriftReference, renderDriftHtml,
  serializeDriftReference,
} from './drift/index.js';
// Alert rules, their firing/resolved lifecycle and actions (log, webhook, retrain); cron schedules.
export type {
  ActionContext, ActionResult, Alert, AlertAction, AlertCondition, AlertEvent, AlertEventName, AlertLogger, AlertRule, AlertState,
  AlertTransitions, AlertWebhookBody, Comparison, EvaluatedAlerts, ListAlertsOptions, LogAction, LogLevelName, MonitorSnapshot,
  RetrainAction, RetrainOutcome, RetrainRequest, RuleState, RuleVerdict, SnapshotColumnDrift, SnapshotCounts, WebhookAction,
  WebhookAttempt, WebhookDelivery, WebhookOptions,
} from './alerts/index.js';
export {
  alertRuleSchema, alertRulesSchema, alertWebhookBody, applyAlertTransitions, evaluateAlerts, evaluateRule, isHttpUrl, listAlerts,
  parseAlertRules, parseRetryAfter, postWebhook, runActions, sendWebhookOnce, signWebhookBody, verifyWebhookSignature, webhookRetryDelay,
} from './alerts/index.js';
export type {
  CronSchedule, ListScheduleRunsOptions, Schedule, Scheduler, SchedulerLogger, SchedulerOptions, ScheduleRun, ScheduleRunStatus,
  TickOutcome, TickResult,
} from './schedule/index.js';
export { createScheduler, listScheduleRuns, parseCron } from './schedule/index.js';
export { defaultMonitor, type MonitorSpec, parseDuration, parseMonitors } from './monitor-config.js';
export { type MonitorResult, PREDICTION_COLUMN, runMonitor, type RunMonitorOptions, windowTable } from './run-monitor.js';
export { renderMonitorHtml } from './monitor-html.js';
export { DEFAULT_WINDOW_FILE, type RetrainContext, retrainOnWindow } from './retrain-on-window.js';
