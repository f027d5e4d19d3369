/**
 * Storing one monitor run: its row in monitor_runs, its figures as monitor_series points (one per key,
 * at the window's end, for charts) and its full report as a blob, the rows in one transaction.
 */
import { invalid } from '../../errors.js';
import { bulkInsert, type Store } from '../../store/index.js';
import { MONITOR_STATUSES, type MonitorRun, type MonitorStatus } from './monitor-run.js';

export interface RecordMonitorRunInput {
  readonly monitor: string;
  readonly deployment: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly status: MonitorStatus;
  /** Anything JSON can carry: what the run found in brief (dataset drift, metrics, alerts fired). */
  readonly summary: unknown;
  /** The full report: JSON text, or a value to serialise. Stored in the object store. @default none */
  readonly report?: string | object;
  /**
   * The run's figures by series key (see SERIES for the convention), as `{key: value}` records or
   * `{key, value}` points. Values that are not finite numbers (a metric undefined on the window, a
   * null) are left out: the chart has a gap there rather than a made-up point.
   * @default none
   */
  readonly series?: Readonly<Record<string, number | null | undefined>> | readonly { readonly key: string; readonly value: number | null }[];
  /** @default store.now() */
  readonly startedTime?: number;
  /** @default store.now() */
  readonly finishedTime?: number;
}

const MAX_NAME = 256;
const MAX_KEY = 512;

/**
 * @example
 *   await recordMonitorRun(store, {
 *     monitor: 'income-daily', deployment: 'income', windowStart, windowEnd, status: 'ok',
 *     summary: { accuracy: 0.84 }, report: JSON.stringify(fullReport),
 *     series: { 'metric.accuracy': 0.84, 'serving.error_rate': 0.001 },
 *   });
 */
export async function recordMonitorRun(store: Store, input: RecordMonitorRunInput): Promise<MonitorRun> {
  const { monitor, deployment, windowStart, windowEnd, status } = input;
  name('monitor', monitor);
  name('deployment', deployment);
  if (!Number.isInteger(windowStart) || !Number.isInteger(windowEnd) || windowEnd <= windowStart) {
    throw invalid(`a monitor window must be whole epoch milliseconds with start < end, got ${windowStart}..${windowEnd}`);
  }
  if (!MONITOR_STATUSES.includes(status)) throw invalid(`monitor run status '${String(status)}' is not one of ${MONITOR_STATUSES.join(', ')}`);
  const summary = JSON.stringify(input.summary) as string | undefined;
  if (summary === undefined) throw invalid('a monitor run needs a JSON summary (an object, list, string, number or null)');
  const points = seriesPoints(input.series);
  let reportText: string | undefined;
  if (input.report !== undefined) {
    reportText = typeof input.report === 'string' ? input.report : JSON.stringify(input.report);
    try {
      JSON.parse(reportText);
    } catch (err) {
      throw invalid(`a monitor report must be JSON: ${(err as Error).message}`);
    }
  }
  const now = store.now();
  const startedTime = input.startedTime ?? now;
  const finishedTime = input.finishedTime ?? now;
  // The blob first: content-addressed, so a failed transaction leaves at most an unreferenced blob.
  const reportHash = reportText === undefined ? null : (await store.objects.put(reportText)).hash;
  const id = await store.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('monitor_runs')
      .values({ monitor, deployment, window_start: windowStart, window_end: windowEnd, started_time: startedTime, finished_time: finishedTime, status, summary, report_hash: reportHash })
      .returning('id')
      .executeTakeFirstOrThrow();
    const runId = Number(row.id);
    await bulkInsert(trx, store.dialect, 'monitor_series', ['run_id', 'monitor', 'time', 'key', 'value'], points.map(([key, value]) => [runId, monitor, windowEnd, key, value]));
    return runId;
  });
  return { id, monitor, deployment, windowStart, windowEnd, startedTime, finishedTime, status, summary: JSON.parse(summary) as unknown, reportHash };
}

function name(what: string, v: string): void {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_NAME) throw invalid(`the ${what} name must be 1 to ${MAX_NAME} characters, got ${JSON.stringify(v)}`);
}

function seriesPoints(series: RecordMonitorRunInput['series']): [string, number][] {
  if (series === undefined) return [];
  const entries: [unknown, unknown][] = Array.isArray(series)
    ? (series as readonly { key: unknown; value: unknown }[]).map((p) => [p.key, p.value])
    : Object.entries(series);
  const seen = new Set<string>();
  const out: [string, number][] = [];
  for (const [key, value] of entries) {
    if (typeof key !== 'string') throw invalid(`a series point needs a string key, got ${JSON.stringify(key)}`);
    if (key.length === 0 || key.length > MAX_KEY) throw invalid(`a series key must be 1 to ${MAX_KEY} characters, got ${JSON.stringify(key.slice(0, 40))}`);
    if (seen.has(key)) throw invalid(`series key '${key}' is given twice`, { key });
    seen.add(key);
    if (typeof value === 'number' && Number.isFinite(value)) out.push([key, value]);
    else if (value !== null && value !== undefined && typeof value !== 'number') throw invalid(`series '${key}' must be a number, got ${JSON.stringify(value)}`, { key });
  }
  return out;
}
