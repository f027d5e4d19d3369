import type { Command } from 'commander';
import { invalid } from '../errors.js';
import type { Run, RunStatus } from '../tracking/index.js';
import { resolveExperiment } from './experiments-command.js';
import { formatNumber, formatTime, printJson, printLine, printTable } from './output.js';
import { collect, parseKeyValue, parseMetric, parsePositiveInt } from './parse-args.js';
import { withTracking } from './with-store.js';

export function runsCommand(program: Command): void {
  const cmd = program.command('runs').description('create, log to, search and compare runs');

  cmd.command('list')
    .description("search runs with MLflow's filter grammar")
    .option('-e, --experiment <id-or-name...>', 'experiments to search (default: all active)')
    .option('-f, --filter <filter>', `e.g. "metrics.acc > 0.8 and params.lr = '0.1'"`)
    .option('-o, --order-by <clause>', 'e.g. "metrics.acc DESC" (repeatable)', collect, [])
    .option('--max <n>', 'at most this many runs', '100')
    .option('--page-token <token>', 'continue a previous listing')
    .option('--view <type>', 'ACTIVE_ONLY | DELETED_ONLY | ALL', 'ACTIVE_ONLY')
    .option('--json', 'print JSON: {"runs": [Run], "next_page_token"?}')
    .action(async (o: { experiment?: string[]; filter?: string; orderBy: string[]; max: string; pageToken?: string; view: string; json?: boolean }) => {
      const view = o.view.toUpperCase();
      if (!['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'].includes(view)) throw invalid(`--view must be ACTIVE_ONLY, DELETED_ONLY or ALL, got '${o.view}'.`);
      const result = await withTracking(async (t) => {
        const experimentIds = o.experiment
          ? await Promise.all(o.experiment.map(async (e) => (await resolveExperiment(t, e)).experiment_id))
          : (await t.listExperiments()).map((e) => e.experiment_id);
        return t.searchRuns({
          experimentIds, orderBy: o.orderBy, maxResults: parsePositiveInt('--max', o.max), runViewType: view as 'ALL',
          ...(o.filter ? { filter: o.filter } : {}), ...(o.pageToken ? { pageToken: o.pageToken } : {}),
        });
      });
      if (o.json) return printJson(result);
      const metricKeys = [...new Set(result.runs.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort().slice(0, 6);
      printTable(
        ['RUN ID', 'NAME', 'EXP', 'STATUS', 'STARTED', ...metricKeys],
        result.runs.map((r) => [
          r.info.run_id, r.info.run_name, r.info.experiment_id, r.info.status, formatTime(r.info.start_time),
          ...metricKeys.map((k) => { const m = r.data.metrics.find((x) => x.key === k); return m ? formatNumber(m.value) : ''; }),
        ]),
      );
      if (result.next_page_token) printLine(`\nMore runs: --page-token ${result.next_page_token}`);
    });

  cmd.command('show <run-id>')
    .description('show a run: info, params, latest metrics, tags, inputs')
    .option('--json', 'print JSON: {"run": Run}')
    .action(async (runId: string, o: { json?: boolean }) => {
      const run = await withTracking((t) => t.getRun(runId));
      if (o.json) return printJson({ run });
      printRun(run);
    });

  cmd.command('create')
    .description('start a run (status RUNNING) and print its id')
    .option('-e, --experiment <id-or-name>', 'experiment (created if a name does not exist)', '0')
    .option('-n, --name <name>', 'run name (default: generated)')
    .option('--tag <key=value>', 'tag (repeatable)', collect, [])
    .option('--git-commit <sha>', 'source git commit to record')
    .option('--parent <run-id>', 'parent run')
    .option('--json', 'print JSON: {"run": Run}')
    .action(async (o: { experiment: string; name?: string; tag: string[]; gitCommit?: string; parent?: string; json?: boolean }) => {
      const tags = o.tag.map((t) => parseKeyValue('--tag', t));
      const run = await withTracking(async (t) => {
        const experimentId = /^\d+$/.test(o.experiment)
          ? o.experiment
          : await t.getExperimentByName(o.experiment).then(
              (e) => e.experiment_id,
              (err: unknown) => {
                // Only a missing experiment is created; an unreachable server is reported as it is.
                if ((err as { code?: string }).code !== 'RESOURCE_DOES_NOT_EXIST') throw err;
                return t.createExperiment(o.experiment).then((e) => e.experiment_id);
              },
            );
        return t.createRun({
          experimentId, tags, ...(o.name ? { runName: o.name } : {}), ...(o.gitCommit ? { sourceGitCommit: o.gitCommit } : {}),
          ...(o.parent ? { parentRunId: o.parent } : {}),
        });
      });
      if (o.json) return printJson({ run });
      printLine(run.info.run_id);
    });

  cmd.command('log <run-id>')
    .description('log params, metrics and tags to a run, atomically')
    .option('-p, --param <key=value>', 'param (repeatable; cannot change once set)', collect, [])
    .option('-m, --metric <key=value[@step]>', 'metric point (repeatable)', collect, [])
    .option('-t, --tag <key=value>', 'tag (repeatable)', collect, [])
    .option('--step <n>', 'step for metrics given without @step', '0')
    .option('--json', 'print JSON: {"run_id", "logged": {"params", "metrics", "tags"}}')
    .action(async (runId: string, o: { param: string[]; metric: string[]; tag: string[]; step: string; json?: boolean }) => {
      const step = Number(o.step);
      if (!Number.isSafeInteger(step)) throw invalid(`--step expects an integer, got '${o.step}'.`);
      const params = o.param.map((p) => parseKeyValue('--param', p));
      const tags = o.tag.map((t) => parseKeyValue('--tag', t));
      const metrics = o.metric.map(parseMetric).map((m) => ({ ...m, step: m.step ?? step }));
      if (params.length + tags.length + metrics.length === 0) throw invalid('Nothing to log: give --param, --metric or --tag.');
      await withTracking((t) => t.logBatch(runId, { params, tags, metrics }));
      const logged = { params: params.length, metrics: metrics.length, tags: tags.length };
      if (o.json) return printJson({ run_id: runId, logged });
      printLine(`Logged ${logged.params} params, ${logged.metrics} metrics, ${logged.tags} tags to run ${runId}.`);
    });

  cmd.command('end <run-id>')
    .description('finish a run')
    .option('--status <status>', 'FINISHED | FAILED | KILLED', 'FINISHED')
    .option('--json', 'print JSON: {"run_info": RunInfo}')
    .action(async (runId: string, o: { status: string; json?: boolean }) => {
      const status = o.status.toUpperCase();
      if (!['FINISHED', 'FAILED', 'KILLED'].includes(status)) throw invalid(`--status must be FINISHED, FAILED or KILLED, got '${o.status}'.`);
      const info = await withTracking((t) => t.updateRun(runId, { status: status as RunStatus }));
      if (o.json) return printJson({ run_info: info });
      printLine(`Run ${runId} is ${info.status}.`);
    });

  cmd.command('compare <run-ids...>')
    .description('params and latest metrics of several runs side by side; differing rows are marked *')
    .option('--json', 'print JSON: {"runs": [run ids], "params": {key: [values]}, "metrics": {key: [values]}}')
    .action(async (runIds: string[], o: { json?: boolean }) => {
      if (runIds.length < 2) throw invalid('compare needs at least two run ids.');
      const runs = await withTracking((t) => Promise.all(runIds.map((id) => t.getRun(id))));
      const table = compareRuns(runs);
      if (o.json) return printJson(table);
      const rows: string[][] = [];
      for (const [kind, values] of [['param', table.params], ['metric', table.metrics]] as const) {
        for (const [key, vals] of Object.entries(values)) {
          const shown = (vals as readonly (string | number | null)[]).map((v) => (v === null ? '-' : typeof v === 'number' ? formatNumber(v) : v));
          const differs = new Set(shown).size > 1;
          rows.push([`${differs ? '*' : ' '} ${kind}s.${key}`, ...shown]);
        }
      }
      printTable(['KEY', ...runs.map((r) => r.info.run_name)], rows);
    });
}

export function compareRuns(runs: readonly Run[]) {
  const params: Record<string, (string | null)[]> = {};
  const metrics: Record<string, (number | null)[]> = {};
  const paramKeys = [...new Set(runs.flatMap((r) => r.data.params.map((p) => p.key)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort();
  for (const k of paramKeys) params[k] = runs.map((r) => r.data.params.find((p) => p.key === k)?.value ?? null);
  for (const k of metricKeys) metrics[k] = runs.map((r) => r.data.metrics.find((m) => m.key === k)?.value ?? null);
  return { runs: runs.map((r) => r.info.run_id), params, metrics };
}

function printRun(run: Run): void {
  const i = run.info;
  printLine(`Run ${i.run_id} (${i.run_name})`);
  printLine(`  experiment ${i.experiment_id}, ${i.status}, ${i.lifecycle_stage}, by ${i.user_id}`);
  printLine(`  started ${formatTime(i.start_time)}${i.end_time ? `, ended ${formatTime(i.end_time)}` : ''}`);
  if (i.source_git_commit) printLine(`  git commit ${i.source_git_commit}`);
  if (i.parent_run_id) printLine(`  parent run ${i.parent_run_id}`);
  printLine(`  artifacts ${i.artifact_uri}`);
  printLine('\nParams');
  printTable(['KEY', 'VALUE'], run.data.params.map((p) => [p.key, p.value]));
  printLine('\nMetrics (latest)');
  printTable(['KEY', 'VALUE', 'STEP', 'TIME'], run.data.metrics.map((m) => [m.key, formatNumber(m.value), String(m.step), formatTime(m.timestamp)]));
  printLine('\nTags');
  printTable(['KEY', 'VALUE'], run.data.tags.map((t) => [t.key, t.value]));
  if (run.inputs.datasets.length) {
    printLine('\nInputs');
    printTable(['NAME', 'CONTEXT', 'DIGEST', 'SOURCE'], run.inputs.datasets.map((d) => [d.name, d.context, d.digest.slice(0, 12), d.source]));
  }
}
