/** Monitor results: runs with their summaries and reports, and the time series the UI charts. */
export type { MonitorRun, MonitorStatus, SeriesPoint } from './monitor-run.js';
export { MONITOR_STATUSES } from './monitor-run.js';
export type { RecordMonitorRunInput } from './record-monitor-run.js';
export { recordMonitorRun } from './record-monitor-run.js';
export type { ListMonitorRunsOptions, SeriesRange } from './read-monitor-runs.js';
export { getMonitorReport, getMonitorRun, listMonitorRuns, monitorSeries } from './read-monitor-runs.js';
export { SERIES } from './series-keys.js';
