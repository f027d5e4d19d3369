/** Reading monitor runs back: the newest runs of a monitor, one series for a chart, a run's full report. */
import { sql, type Selectable } from 'kysely';
import { invalid, notFound } from '../../errors.js';
import type { Database, Store } from '../../store/index.js';
import type { MonitorRun, MonitorStatus, SeriesPoint } from './monitor-run.js';

export interface ListMonitorRunsOptions {
  /** @default 100 */
  readonly limit?: number;
  /** Only runs whose window ends at or after this time (epoch ms). */
  readonly since?: number;
}

/** A monitor's runs, newest window first. */
export async function listMonitorRuns(store: Store, monitor: string, options: ListMonitorRunsOptions = {}): Promise<MonitorRun[]> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1) throw invalid(`limit must be a positive integer, got ${limit}`);
  let q = store.db.selectFrom('monitor_runs').selectAll().where('monitor', '=', monitor);
  if (options.since !== undefined) q = q.where('window_end', '>=', options.since);
  const rows = await q.orderBy('window_end', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRun);
}

export async function getMonitorRun(store: Store, runId: number): Promise<MonitorRun> {
  if (!Number.isSafeInteger(runId) || runId < 1) throw invalid(`a monitor run id is a positive integer, got ${runId}`);
  const row = await store.db.selectFrom('monitor_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  if (!row) throw notFound(`Monitor run ${runId} not found`, { runId });
  return toRun(row);
}

/** The full report a run stored, parsed (verified by hash on read). */
export async function getMonitorReport(store: Store, runId: number): Promise<unknown> {
  const run = await getMonitorRun(store, runId);
  if (run.reportHash === null) throw notFound(`Monitor run ${runId} (${run.monitor}) stored no report; its summary is on the run itself.`, { runId });
  return JSON.parse((await store.objects.get(run.reportHash)).toString('utf8')) as unknown;
}

export interface SeriesRange {
  /** Points at or after this time (epoch ms). */
  readonly from?: number;
  /** Points before this time (epoch ms, exclusive). */
  readonly to?: number;
}

/**
 * One series (`'metric.accuracy'`) or every series under a prefix (`{ prefix: 'drift.age.' }`), oldest
 * first, points at the same time ordered by key.
 *
 * @example
 *   const points = await monitorSeries(store, 'income-daily', 'metric.accuracy', { from: weekAgo });
 */
export async function monitorSeries(store: Store, monitor: string, key: string | { readonly prefix: string }, range: SeriesRange = {}): Promise<SeriesPoint[]> {
  let q = store.db.selectFrom('monitor_series').select(['run_id', 'time', 'key', 'value']).where('monitor', '=', monitor);
  if (typeof key === 'string') q = q.where('key', '=', key);
  else if (key.prefix !== '') {
    // substr, not LIKE (whose % and _ may be in column names) nor a range (collations may ignore punctuation).
    q = q.where(sql<boolean>`substr(${sql.ref('key')}, 1, ${key.prefix.length}) = ${key.prefix}`);
  }
  if (range.from !== undefined) q = q.where('time', '>=', range.from);
  if (range.to !== undefined) q = q.where('time', '<', range.to);
  const rows = await q.orderBy('time').orderBy('key').orderBy('run_id').execute();
  return rows.map((r) => ({ time: Number(r.time), value: Number(r.value), key: r.key, runId: Number(r.run_id) }));
}

function toRun(r: Selectable<Database['monitor_runs']>): MonitorRun {
  return {
    id: Number(r.id),
    monitor: r.monitor,
    deployment: r.deployment,
    windowStart: Number(r.window_start),
    windowEnd: Number(r.window_end),
    startedTime: Number(r.started_time),
    finishedTime: r.finished_time === null ? null : Number(r.finished_time),
    status: r.status as MonitorStatus,
    summary: JSON.parse(r.summary) as unknown,
    reportHash: r.report_hash,
  };
}
