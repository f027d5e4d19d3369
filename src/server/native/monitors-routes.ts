/** Monitors (as their stored runs know them), their runs, time series and reports, and the alerts they raised. */
import { z } from 'zod';
import { invalid } from '../../errors.js';
import { type Alert as StoredAlert, getMonitorReport, getMonitorRun, listAlerts, listMonitorRuns, MONITOR_STATUSES, monitorSeries, type MonitorRun as StoredRun } from '../../monitor/index.js';
import type { Store } from '../../store/index.js';
import { AnyJson, EpochMs, PositiveIdParam, TimeQuery } from './common-schemas.js';
import { route, type NativeRoute } from './native-route.js';
import { nextPageToken, offsetOf, offsetPage, pageQuery, DEFAULT_LIMIT } from './paging.js';

const MonitorRun = z.object({
  id: z.number().int(),
  monitor: z.string(),
  deployment: z.string(),
  window_start: EpochMs.describe('The window of traffic measured: start (inclusive), epoch ms.'),
  window_end: EpochMs.describe('End (exclusive), epoch ms.'),
  started_time: EpochMs,
  finished_time: EpochMs.nullable(),
  status: z.enum(MONITOR_STATUSES),
  summary: AnyJson.describe("The run's summary: drift, performance, serving figures, alerts."),
  report_hash: z.string().nullable().describe('Object-store address of the full JSON report (GET /monitor-runs/{id}/report).'),
}).meta({ id: 'MonitorRun' });

const Alert = z.object({
  id: z.number().int(),
  monitor: z.string(),
  rule: z.string(),
  state: z.enum(['firing', 'resolved']),
  started_time: EpochMs,
  resolved_time: EpochMs.nullable(),
  value: z.number().nullable().describe('The figure at the latest evaluation.'),
  message: z.string(),
}).meta({ id: 'Alert' });

const runJson = (r: StoredRun) => ({
  id: r.id, monitor: r.monitor, deployment: r.deployment, window_start: r.windowStart, window_end: r.windowEnd, started_time: r.startedTime,
  finished_time: r.finishedTime, status: r.status, summary: r.summary, report_hash: r.reportHash,
});

const alertJson = (a: StoredAlert) => ({
  id: a.id, monitor: a.monitor, rule: a.rule, state: a.state, started_time: a.startedTime, resolved_time: a.resolvedTime, value: a.value, message: a.message,
});

/** Every monitor that has stored a run, with its newest run and how many alerts it has firing. */
async function storedMonitors(store: Store) {
  // No service lists monitors: they are declared in slipway.yaml, which a server need not have; their runs are in the store.
  const rows = await store.db.selectFrom('monitor_runs').select('monitor').select((eb) => eb.fn.countAll().as('runs')).groupBy('monitor').orderBy('monitor').execute();
  return Promise.all(rows.map(async (r) => {
    const [last] = await listMonitorRuns(store, r.monitor, { limit: 1 });
    const firing = await listAlerts(store, { monitor: r.monitor, state: 'firing', limit: 1000 });
    return { name: r.monitor, deployment: last?.deployment ?? '', runs: Number(r.runs), last_run: last ? runJson(last) : null, firing_alerts: firing.length };
  }));
}

const MonitorPath = z.strictObject({ monitor: z.string().min(1).max(256) });
const RunPath = z.strictObject({ id: PositiveIdParam });

export const monitorsRoutes: readonly NativeRoute[] = [
  route({
    method: 'GET', path: '/monitors', operationId: 'listMonitors', tag: 'monitors', permission: 'read',
    summary: 'Monitors that have run, with their newest run and firing alerts',
    query: z.strictObject({ ...pageQuery }),
    response: z.object({
      monitors: z.array(z.object({ name: z.string(), deployment: z.string(), runs: z.number().int(), last_run: MonitorRun.nullable(), firing_alerts: z.number().int() })),
      next_page_token: nextPageToken,
    }),
    handler: async ({ store, query }) => {
      const page = offsetPage(await storedMonitors(store), query);
      return { monitors: page.items, next_page_token: page.next_page_token };
    },
  }),
  route({
    method: 'GET', path: '/monitors/{monitor}/runs', operationId: 'listMonitorRuns', tag: 'monitors', permission: 'read',
    summary: "A monitor's runs, newest window first",
    params: MonitorPath,
    query: z.strictObject({ since: TimeQuery.optional().describe('Only runs whose window ends at or after this time (epoch ms).'), ...pageQuery }),
    response: z.object({ runs: z.array(MonitorRun), next_page_token: nextPageToken }),
    handler: async ({ store, params, query }) => {
      const offset = offsetOf(query);
      const runs = await listMonitorRuns(store, params.monitor, { limit: offset + (query.limit ?? DEFAULT_LIMIT) + 1, ...(query.since !== undefined ? { since: query.since } : {}) });
      const page = offsetPage(runs, query, offset);
      return { runs: page.items.map(runJson), next_page_token: page.next_page_token };
    },
  }),
  route({
    method: 'GET', path: '/monitors/{monitor}/series', operationId: 'getMonitorSeries', tag: 'monitors', permission: 'read',
    summary: "A monitor's results as time series (one point per run, at its window's end), for charts",
    description: 'Keys: `drift.<column>.statistic`, `drift.<column>.p_value`, `drift.share`, `metric.<name>`, `serving.error_rate`, `serving.p99_latency_ms`, `serving.requests`. Give `key` for one series or `prefix` (e.g. `drift.age.`) for several; neither gives every series.',
    params: MonitorPath,
    query: z.strictObject({
      key: z.string().min(1).max(500).optional(), prefix: z.string().max(500).optional(),
      from: TimeQuery.optional().describe('Points at or after this time.'), to: TimeQuery.optional().describe('Points before this time.'),
    }),
    response: z.object({ points: z.array(z.object({ time: EpochMs, key: z.string(), value: z.number(), run_id: z.number().int() })) }),
    handler: async ({ store, params, query }) => {
      if (query.key !== undefined && query.prefix !== undefined) throw invalid("Invalid query parameter 'prefix': give key or prefix, not both.");
      const points = await monitorSeries(store, params.monitor, query.key ?? { prefix: query.prefix ?? '' }, {
        ...(query.from !== undefined ? { from: query.from } : {}), ...(query.to !== undefined ? { to: query.to } : {}),
      });
      return { points: points.map((p) => ({ time: p.time, key: p.key, value: p.value, run_id: p.runId })) };
    },
  }),
  route({
    method: 'GET', path: '/monitor-runs/{id}', operationId: 'getMonitorRun', tag: 'monitors', permission: 'read', errors: [404],
    summary: 'One monitor run',
    params: RunPath,
    response: z.object({ run: MonitorRun }),
    handler: async ({ store, params }) => ({ run: runJson(await getMonitorRun(store, params.id)) }),
  }),
  route({
    method: 'GET', path: '/monitor-runs/{id}/report', operationId: 'getMonitorReport', tag: 'monitors', permission: 'read', errors: [404],
    summary: "One run's full report: drift per column, performance against registration, serving health, alerts",
    params: RunPath,
    response: z.object({ run: MonitorRun, report: AnyJson }),
    handler: async ({ store, params }) => {
      const run = runJson(await getMonitorRun(store, params.id));
      return { run, report: await getMonitorReport(store, params.id) };
    },
  }),
  route({
    method: 'GET', path: '/alerts', operationId: 'listAlerts', tag: 'alerts', permission: 'read',
    summary: 'Alerts raised by monitors, newest first: firing (open) and resolved',
    query: z.strictObject({
      monitor: z.string().min(1).max(256).optional(), rule: z.string().min(1).max(256).optional(),
      state: z.enum(['firing', 'resolved']).optional().describe('firing: open; resolved: the rule held again.'), ...pageQuery,
    }),
    response: z.object({ alerts: z.array(Alert), next_page_token: nextPageToken }),
    handler: async ({ store, query }) => {
      const offset = offsetOf(query);
      const alerts = await listAlerts(store, {
        limit: offset + (query.limit ?? DEFAULT_LIMIT) + 1, ...(query.monitor ? { monitor: query.monitor } : {}), ...(query.rule ? { rule: query.rule } : {}),
        ...(query.state ? { state: query.state } : {}),
      });
      const page = offsetPage(alerts, query, offset);
      return { alerts: page.items.map(alertJson), next_page_token: page.next_page_token };
    },
  }),
];
