import { relative } from 'node:path';
import type { Command } from 'commander';
import { loadPipeline, parseSetArgument, type PipelineSpec } from '../config/index.js';
import { invalid, SlipwayError } from '../errors.js';
import {
  addData, buildDag, checkout, type DagFormat, diffMarkdown, findPipelineFile, metricsDiff, paramsDiff, type PipelineEvent,
  pipelineStatus, renderDag, runPipeline, selectStages,
} from '../pipeline/index.js';
import { formatNumber, printJson, printLine, printTable } from './output.js';
import { collect, parsePositiveInt } from './parse-args.js';
import { withStore } from './with-store.js';

async function load(file: string | undefined, sets: readonly string[] = []): Promise<PipelineSpec> {
  const path = findPipelineFile(process.cwd(), file);
  const overrides: Record<string, unknown> = {};
  for (const s of sets) {
    const o = parseSetArgument(s);
    overrides[o.file ? `${o.file}:${o.key}` : o.key] = o.value;
  }
  return loadPipeline(relative(process.cwd(), path) || 'slipway.yaml', { overrides });
}

export function pipelineCommands(program: Command): void {
  program.command('run [stages...]')
    .description('bring the pipeline (or the named stages) up to date: only what changed re-runs')
    .option('--file <path>', 'pipeline file (default: the nearest slipway.yaml)')
    .option('-f, --force', 'run the named stages (or all) even if nothing changed')
    .option('--downstream', 'also run every stage downstream of the named ones')
    .option('--dry-run', 'say what would run and why; change nothing')
    .option('-j, --jobs <n>', 'stages to run at once (default: number of cores)')
    .option('-k, --keep-going', 'on a failure, finish every stage that does not depend on it')
    .option('--no-run-cache', 'do not restore outs from earlier runs with the same inputs')
    .option('-s, --set <key=value>', 'override a param for this run (repeatable; recorded on the run)', collect, [])
    .option('--json', 'print JSON: {"ok", "parent_run_id"?, "interrupted", "stages": [{"stage", "outcome", "reasons", "error"?, "run_id"?, "duration_ms"}]}')
    .action(async (stages: string[], o: { file?: string; force?: boolean; downstream?: boolean; dryRun?: boolean; jobs?: string; keepGoing?: boolean; runCache: boolean; set: string[]; json?: boolean }) => {
      const spec = await load(o.file, o.set);
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write('\nslipway: stopping running stages (Ctrl-C again to quit at once)...\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      try {
        const report = await withStore((store) => runPipeline(store, spec, {
          targets: stages, force: o.force ?? false, downstream: o.downstream ?? false, dryRun: o.dryRun ?? false,
          keepGoing: o.keepGoing ?? false, noRunCache: !o.runCache, signal: controller.signal,
          overrides: Object.fromEntries(o.set.map((s) => { const i = s.indexOf('='); return [s.slice(0, i), s.slice(i + 1)]; })),
          ...(o.jobs ? { jobs: parsePositiveInt('--jobs', o.jobs) } : {}),
          ...(o.json ? {} : { onEvent: printEvent }),
        }));
        if (o.json) {
          printJson({
            ok: report.ok, ...(report.parentRunId ? { parent_run_id: report.parentRunId } : {}), interrupted: report.interrupted,
            stages: report.stages.map((s) => ({ stage: s.stage, outcome: s.outcome, reasons: s.reasons, ...(s.error ? { error: s.error } : {}), ...(s.runId ? { run_id: s.runId } : {}), duration_ms: Math.round(s.durationMs) })),
          });
        } else printSummary(report.stages, o.dryRun ?? false);
        if (report.interrupted) throw Object.assign(new SlipwayError('CHECK_FAILED', 'interrupted'), { exitCode: 130 });
        if (!report.ok) throw new SlipwayError('CHECK_FAILED', `pipeline failed: ${report.stages.filter((s) => s.outcome === 'failed').map((s) => `${s.stage} (${s.error})`).join('; ')}`);
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
    });

  program.command('status [stages...]')
    .description('what `slipway run` would re-run, and why')
    .option('--file <path>', 'pipeline file')
    .option('--json', 'print JSON: {"stages": [{"stage", "changed", "reasons"}], "data": [{"path", "state"}]}')
    .action(async (stages: string[], o: { file?: string; json?: boolean }) => {
      const spec = await load(o.file);
      const status = await pipelineStatus(spec, stages);
      if (o.json) return printJson(status);
      const changed = status.stages.filter((s) => s.changed);
      if (changed.length === 0) printLine('Pipeline is up to date.');
      for (const s of changed) printLine(`${s.stage}:\n${s.reasons.map((r) => `    ${r}`).join('\n')}`);
      for (const d of status.data.filter((x) => x.state !== 'ok')) printLine(`data ${d.path}: ${d.state}`);
    });

  program.command('dag')
    .description('print the pipeline graph')
    .option('--file <path>', 'pipeline file')
    .option('--mermaid', 'Mermaid flowchart')
    .option('--dot', 'Graphviz dot')
    .option('--json', 'print JSON: {"stages": [name], "edges": [[from, to]]}')
    .action(async (o: { file?: string; mermaid?: boolean; dot?: boolean; json?: boolean }) => {
      const dag = buildDag(await load(o.file));
      if (o.json) return printJson({ stages: dag.order, edges: dag.order.flatMap((n) => [...(dag.upstream.get(n) ?? [])].sort().map((u) => [u, n])) });
      const format: DagFormat = o.mermaid ? 'mermaid' : o.dot ? 'dot' : 'text';
      process.stdout.write(renderDag(dag, format));
    });

  program.command('add <paths...>')
    .description('version data files or folders by content (hash into slipway.lock, bytes into the store)')
    .option('--file <path>', 'pipeline file')
    .option('--json', 'print JSON: {"added": [{"path", "hash", "size", "nfiles"?}]}')
    .action(async (paths: string[], o: { file?: string; json?: boolean }) => {
      const root = (await load(o.file)).root;
      const added = await withStore((s) => addData(s, root, paths, process.cwd()));
      if (o.json) return printJson({ added });
      for (const a of added) printLine(`Tracking ${a.path} (sha256:${a.hash.slice(0, 12)}, ${a.size} bytes${a.nfiles !== undefined ? `, ${a.nfiles} files` : ''}). Commit slipway.lock to version it.`);
    });

  program.command('checkout [stages...]')
    .description('restore tracked data and stage outs to what slipway.lock says')
    .option('--file <path>', 'pipeline file')
    .option('--json', 'print JSON: {"results": [{"path", "action"}]}')
    .action(async (stages: string[], o: { file?: string; json?: boolean }) => {
      const spec = await load(o.file);
      // Group names (foreach/matrix) select their generated stages; unknown names are errors, as for `run`.
      const names = stages.length ? selectStages(buildDag(spec), stages, { single: true }) : [];
      const results = await withStore((s) => checkout(s, spec.root, names));
      if (o.json) printJson({ results });
      else for (const r of results) printLine(`${r.action.padEnd(18)} ${r.path}`);
      const missing = results.filter((r) => r.action === 'missing-from-store');
      if (missing.length) throw new SlipwayError('CHECK_FAILED', `${missing.length} path(s) are not in the object store: ${missing.map((m) => m.path).join(', ')}`);
    });

  for (const kind of ['params', 'metrics'] as const) {
    program.command(kind).description(`compare ${kind}`).command('diff [a] [b]')
      .description(`${kind} that differ between A and B: git refs, run ids or "workspace" (default: HEAD vs workspace)`)
      .option('--file <path>', 'pipeline file')
      .option('--all', 'include unchanged values')
      .option('--md', 'print a Markdown table')
      .option('--json', 'print JSON: {"a", "b", "rows": [{"path", "key", "old", "new", "change"?}]}')
      .action(async (a: string | undefined, b: string | undefined, o: { file?: string; all?: boolean; md?: boolean; json?: boolean }) => {
        const spec = await load(o.file);
        const left = a ?? 'HEAD';
        const right = b ?? 'workspace';
        if (left === right) throw invalid('Give two different sides to compare.');
        const rows = await withStore((s) => (kind === 'params' ? paramsDiff : metricsDiff)(s, spec, left, right, o.all ?? false));
        if (o.json) return printJson({ a: left, b: right, rows });
        if (o.md) {
          process.stdout.write(diffMarkdown(rows, left, right, kind === 'metrics'));
          return;
        }
        const show = (v: string | number | null | undefined) => (v === null || v === undefined ? '-' : typeof v === 'number' ? formatNumber(v) : v);
        printTable(['PATH', 'KEY', left, right, ...(kind === 'metrics' ? ['CHANGE'] : [])], rows.map((r) => [r.path, r.key, show(r.old), show(r.new), ...(kind === 'metrics' ? [show(r.change)] : [])]));
      });
  }
}

const isTty = Boolean(process.stdout.isTTY);

function printEvent(e: PipelineEvent): void {
  switch (e.type) {
    case 'stage-start':
      printLine(`${isTty ? '\x1b[1m' : ''}[${e.index}/${e.total}] ${e.stage}: running (${e.reasons.join('; ')})${isTty ? '\x1b[0m' : ''}`);
      break;
    case 'stage-line':
      printLine(`${e.stage} | ${e.line}`);
      break;
    case 'stage-end': {
      const secs = `${(e.durationMs / 1000).toFixed(1)}s`;
      if (e.outcome === 'skipped') printLine(`[${e.index}/${e.total}] ${e.stage}: up to date${e.reasons.length ? ` (${e.reasons.join('; ')})` : ''}`);
      else if (e.outcome === 'would-run') printLine(`[${e.index}/${e.total}] ${e.stage}: would run (${e.reasons.join('; ')})`);
      else if (e.outcome === 'restored') printLine(`[${e.index}/${e.total}] ${e.stage}: restored from the run cache (${secs})`);
      else if (e.outcome === 'ran') printLine(`[${e.index}/${e.total}] ${e.stage}: done (${secs})`);
      else printLine(`[${e.index}/${e.total}] ${e.stage}: ${e.outcome.toUpperCase()} after ${secs}: ${e.error ?? ''}`);
      break;
    }
  }
}

function printSummary(stages: readonly { stage: string; outcome: string; reasons: readonly string[] }[], dryRun: boolean): void {
  const count = (o: string) => stages.filter((s) => s.outcome === o).length;
  if (dryRun) return printLine(`\n${count('would-run')} stage(s) would run, ${count('skipped')} up to date.`);
  const parts = [`${count('ran')} ran`, `${count('restored')} restored`, `${count('skipped')} up to date`];
  if (count('failed')) parts.push(`${count('failed')} failed`);
  if (count('not-run')) parts.push(`${count('not-run')} not run`);
  printLine(`\n${parts.join(', ')}.`);
}
