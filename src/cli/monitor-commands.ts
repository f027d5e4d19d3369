import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { loadPipeline } from '../config/index.js';
import { invalid, SlipwayError } from '../errors.js';
import {
  createScheduler, defaultMonitor, type MonitorResult, type MonitorSpec, parseDuration, parseMonitors, renderMonitorHtml, retrainOnWindow, runMonitor,
} from '../monitor/index.js';
import { createJsonLogger } from '../serve/index.js';
import { findProjectHome, type Store } from '../store/index.js';
import { formatTime, printJson, printLine, printTable } from './output.js';
import { parsePositiveInt } from './parse-args.js';
import { noteLocalStore, withOps, withStore } from './with-store.js';

interface Project {
  readonly file: string;
  readonly root: string;
  readonly monitors: MonitorSpec[];
}

/** The monitors of the nearest slipway.yaml (none when there is no project). */
async function loadProject(file: string | undefined): Promise<Project | undefined> {
  const path = file ?? (findProjectHome(process.cwd()) ? join(dirname(findProjectHome(process.cwd()) as string), 'slipway.yaml') : undefined);
  if (!path) return undefined;
  const spec = await loadPipeline(path);
  return { file: path, root: spec.root, monitors: parseMonitors(spec.extra.monitors, path) };
}

/** A monitor by its name, else the monitors of a deployment by that name, else the default one. */
function pick(project: Project | undefined, name: string): MonitorSpec[] {
  const byName = project?.monitors.filter((m) => m.name === name) ?? [];
  if (byName.length > 0) return byName;
  const byDeployment = project?.monitors.filter((m) => m.deployment === name) ?? [];
  return byDeployment.length > 0 ? byDeployment : [defaultMonitor(name)];
}

function actionsFor(store: Store, project: Project | undefined) {
  const logger = createJsonLogger();
  return {
    logger,
    retrain: (request: Parameters<typeof retrainOnWindow>[1]) => {
      if (!project) throw invalid('a retrain action needs a project (slipway.yaml) to run its pipeline in');
      return retrainOnWindow({ store, projectRoot: project.root, log: (l) => logger.info(l) }, request);
    },
  };
}

function describe(r: MonitorResult): string[] {
  const drifted = r.drift.columns.filter((c) => c.drifted).map((c) => `${c.column} (${c.test} ${c.statistic?.toPrecision(3) ?? '-'})`);
  const metrics = Object.entries(r.comparison).filter(([, c]) => c.current !== null).map(([k, c]) => `${k} ${c.current?.toFixed(4)}${c.at_registration === null ? '' : ` (at registration ${c.at_registration.toFixed(4)})`}`);
  return [
    `${r.snapshot.monitor}: ${r.status.toUpperCase()} — ${r.model.name}/${r.model.version} on ${r.snapshot.deployment}, ${formatTime(r.window.start)} .. ${formatTime(r.window.end)}, ${r.drift.current_rows} rows`,
    `  drift: ${r.drift.dataset.verdict} (${r.drift.dataset.drifted_columns} of ${r.drift.dataset.columns} columns${drifted.length ? `: ${drifted.join(', ')}` : ''})`,
    `  performance: ${metrics.length ? metrics.join(', ') : `${r.performance?.labelled ?? 0} labelled rows (too few to score)`}`,
    `  serving: ${r.serving.requests} requests, error rate ${r.serving.errorRate ?? '-'}, p99 ${r.serving.p99LatencyMs?.toFixed(2) ?? '-'} ms`,
    ...r.alerts.events.map((e) => `  ${e.event}: ${e.rule.name} — ${e.alert.message}`),
  ];
}

export function monitorCommands(program: Command): void {
  program.command('monitor')
    .description("check a deployment's traffic: drift against its training data, real accuracy from feedback, errors, latency; alerts and their actions")
    .argument('<name>', 'a monitor in slipway.yaml, or a deployment (its monitors, or a default one)')
    .option('--window <duration>', "the traffic to look at, ending now: e.g. 30m, 1h, 1d (default: the monitor's)")
    .option('--last <n>', 'instead of a time window: the last N logged rows')
    .option('--file <slipway.yaml>', 'the project file with the monitors (default: the nearest)')
    .option('--json', 'print the results as JSON')
    .option('--html <file>', 'write the report as one self-contained HTML file')
    .action(async (name: string, o: { window?: string; last?: string; file?: string; json?: boolean; html?: string }) => {
      if (o.window && o.last) throw invalid('give --window or --last, not both.');
      const windowMs = o.window ? parseDuration(o.window, '--window') : undefined;
      const lastRows = o.last ? parsePositiveInt('--last', o.last) : undefined;
      const project = await loadProject(o.file);
      noteLocalStore('slipway monitor reads served traffic and records its runs and alerts in the local store');
      const results = await withStore(async (store) => {
        const out: MonitorResult[] = [];
        for (const spec of pick(project, name)) out.push(await runMonitor(store, spec, { ...(windowMs ? { windowMs } : {}), ...(lastRows ? { lastRows } : {}), actions: actionsFor(store, project) }));
        return out;
      });
      if (o.html) await writeFile(o.html, results.map(renderMonitorHtml).join('\n'));
      if (o.json) printJson({ monitors: results.map((r) => ({ run_id: r.run.id, status: r.status, window: r.window, model: r.model, drift: r.drift, performance: r.performance ?? null, comparison: r.comparison, serving: r.serving, alerts: r.alerts.events.map((e) => ({ event: e.event, rule: e.rule.name, alert: e.alert })) })) });
      else for (const r of results) for (const line of describe(r)) printLine(line);
      const failing = results.filter((r) => r.status === 'drift' || r.status === 'alert');
      if (failing.length > 0) throw new SlipwayError('CHECK_FAILED', `${failing.map((r) => `${r.snapshot.monitor}: ${r.status}`).join(', ')} (run ${failing.map((r) => r.run.id).join(', ')})`);
    });

  const monitors = program.command('monitors').description('configured monitors and their stored runs');
  monitors.command('list')
    .description("the monitors slipway.yaml configures, each with its newest stored run and how many of its alerts are firing")
    .option('--file <slipway.yaml>', 'the project file (default: the nearest)')
    .option('--json', 'print JSON: {"monitors": [MonitorSpec & {"last_run": MonitorRun | null, "firing_alerts"}]}')
    .action(async (o: { file?: string; json?: boolean }) => {
      const project = await loadProject(o.file);
      const specs = project?.monitors ?? [];
      const list = specs.length === 0 ? [] : await withOps((ops) => Promise.all(specs.map(async (m) => {
        const [last] = await ops.listMonitorRuns(m.name, 1);
        const firing = await ops.listAlerts({ monitor: m.name, state: 'firing' });
        return { ...m, last_run: last ?? null, firing_alerts: firing.length };
      })));
      if (o.json) return printJson({ monitors: list });
      printTable(['NAME', 'DEPLOYMENT', 'SCHEDULE (UTC)', 'WINDOW', 'ALERT RULES', 'LAST RUN', 'FIRING'], list.map((m) => [
        m.name, m.deployment, m.schedule ?? '', `${m.windowMs / 60_000} min`, m.alerts.map((a) => a.name).join(', '),
        m.last_run ? `${m.last_run.status} ${formatTime(m.last_run.windowEnd)}` : '', String(m.firing_alerts),
      ]));
    });
  monitors.command('runs')
    .argument('<monitor>', 'monitor name')
    .option('--limit <n>', 'newest first, at most this many', '20')
    .option('--json', 'print JSON')
    .action(async (monitor: string, o: { limit: string; json?: boolean }) => {
      const limit = parsePositiveInt('--limit', o.limit);
      const runs = await withOps((ops) => ops.listMonitorRuns(monitor, limit));
      if (o.json) return printJson({ runs });
      printTable(['ID', 'WINDOW END', 'STATUS', 'SUMMARY'], runs.map((r) => [String(r.id), formatTime(r.windowEnd), r.status, JSON.stringify(r.summary).slice(0, 100)]));
    });

  program.command('alerts')
    .description('alerts raised by monitors: firing and resolved')
    .option('--monitor <name>', 'only this monitor')
    .option('--state <state>', 'firing | resolved')
    .option('--json', 'print JSON')
    .action(async (o: { monitor?: string; state?: string; json?: boolean }) => {
      if (o.state && o.state !== 'firing' && o.state !== 'resolved') throw invalid(`--state expects firing or resolved, got '${o.state}'.`);
      const alerts = await withOps((ops) => ops.listAlerts({ ...(o.monitor ? { monitor: o.monitor } : {}), ...(o.state ? { state: o.state as 'firing' | 'resolved' } : {}) }));
      if (o.json) return printJson({ alerts });
      printTable(['ID', 'MONITOR', 'RULE', 'STATE', 'SINCE', 'RESOLVED', 'MESSAGE'], alerts.map((a) => [
        String(a.id), a.monitor, a.rule, a.state, formatTime(a.startedTime), a.resolvedTime === null ? '' : formatTime(a.resolvedTime), a.message,
      ]));
    });

  program.command('scheduler')
    .description("run the project's monitors on their schedules (cron, UTC); a missed run after downtime is caught up once")
    .option('--file <slipway.yaml>', 'the project file (default: the nearest)')
    .action(async (o: { file?: string }) => {
      const project = await loadProject(o.file);
      const scheduled = project?.monitors.filter((m) => m.schedule) ?? [];
      if (scheduled.length === 0) throw invalid('no monitor in slipway.yaml has a schedule: add `schedule: "*/15 * * * *"` to one.');
      const logger = createJsonLogger();
      noteLocalStore('slipway scheduler runs monitors on the traffic in the local store and records their runs and alerts there');
      await withStore(async (store) => {
        const scheduler = createScheduler({
          store, logger, unref: false, // the scheduler's timer is what keeps this command running
          schedules: scheduled.map((m) => ({
            name: `monitor:${m.name}`, cron: m.schedule as string,
            run: async (due: number) => {
              const r = await runMonitor(store, m, { now: due, actions: actionsFor(store, project) });
              logger.info('monitor run', { monitor: m.name, status: r.status, run_id: r.run.id, drift_share: r.drift.dataset.share });
            },
          })),
        });
        await scheduler.start();
        printLine(`Scheduling ${scheduled.map((m) => `${m.name} (${m.schedule})`).join(', ')}. Ctrl-C stops.`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        await scheduler.stop();
      });
    });
}
