import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { rm } from 'node:fs/promises';
import type { PipelineSpec, StageSpec } from '../config/index.js';
import { SlipwayError } from '../errors.js';
import type { Store } from '../store/index.js';
import { type TrackingClient, trackingClientFor } from '../tracking/index.js';
import { buildDag, selectStages } from './dag.js';
import { executeStage } from './execute-stage.js';
import { gitInfo } from './git-info.js';
import { type LockFile, type LockedPath, type LockedStage, readLock, writeLock } from './lock-file.js';
import { readMetricsFile, readPlotPoints } from './metrics-files.js';
import { applyParamOverrides } from './param-overrides.js';
import { failOrphanedRuns, finishStageRun, pipelineExperiment, startParentRun, startStageRun } from './pipeline-tracking.js';
import { type CachedOut, lookupRunCache, lookupRunCacheRun, saveRunCache } from './run-cache.js';
import { stageState, toLocked } from './stage-state.js';
import { HashState, hashPath, materialize, storeOut } from './workspace/index.js';

export interface RunPipelineOptions {
  /** Stage names (or foreach/matrix group names); empty = the whole pipeline. */
  targets?: readonly string[];
  /** Run the targets even when nothing changed. */
  force?: boolean;
  /** Also run everything downstream of the targets (instead of upstream). */
  downstream?: boolean;
  /** Say what would run and why, change nothing. */
  dryRun?: boolean;
  /** @default the number of cores */
  jobs?: number;
  /** On a failure, finish every stage that does not depend on the failed one. */
  keepGoing?: boolean;
  /** Do not restore outs from earlier runs with the same key. */
  noRunCache?: boolean;
  /** `--set key=value` as given, recorded on the parent run. */
  overrides?: Record<string, string>;
  signal?: AbortSignal;
  /** Receives every event (stage started, output line, finished); the CLI prints them. */
  onEvent?: (e: PipelineEvent) => void;
  /**
   * Where the parent and stage runs are recorded. The run cache, the lock and the outs' objects stay
   * in the project's own store whatever this is: they are the workspace's state, not tracking.
   * @default the client SLIPWAY_TRACKING_URI chooses: that server, or (unset) the local store
   */
  tracking?: TrackingClient;
}

export type StageOutcome = 'ran' | 'skipped' | 'restored' | 'failed' | 'not-run' | 'would-run' | 'interrupted';

export type PipelineEvent =
  | { type: 'stage-start'; stage: string; reasons: readonly string[]; index: number; total: number }
  | { type: 'stage-line'; stage: string; line: string }
  | { type: 'stage-end'; stage: string; outcome: StageOutcome; reasons: readonly string[]; error?: string; durationMs: number; index: number; total: number };

export interface StageReport {
  readonly stage: string;
  readonly outcome: StageOutcome;
  readonly reasons: readonly string[];
  readonly error?: string;
  readonly runId?: string;
  readonly attempts?: number;
  readonly durationMs: number;
}

export interface PipelineReport {
  readonly ok: boolean;
  readonly parentRunId?: string;
  readonly stages: readonly StageReport[];
  readonly interrupted: boolean;
}

/**
 * `slipway run`: brings the selected stages up to date. Independent stages run in parallel up to
 * `jobs`; a stage whose key and outs match the lock is skipped; one whose key an earlier run produced
 * is restored from the run cache; the rest run. The lock is rewritten after every stage that finishes,
 * so whatever happens later it describes exactly what is in the workspace.
 */
export async function runPipeline(store: Store, spec: PipelineSpec, options: RunPipelineOptions = {}): Promise<PipelineReport> {
  // First, so a bad SLIPWAY_TRACKING_URI is reported before anything runs.
  const tracking = options.tracking ?? trackingClientFor(store);
  const dag = buildDag(spec);
  const selected = selectStages(dag, options.targets ?? [], { downstream: options.downstream ?? false });
  const forced = new Set(options.force ? (options.targets?.length ? selectStages(dag, options.targets, { single: true }) : selected) : []);
  const state = new HashState(join(spec.root, '.slipway', 'state.db'));
  const emit = options.onEvent ?? (() => {});
  const signal = options.signal ?? new AbortController().signal;
  // Without --keep-going, the first failure stops the stages still running too.
  const stopOnFailure = new AbortController();
  const stageSignal = AbortSignal.any([signal, stopOnFailure.signal]);
  let lock: LockFile = await readLock(spec.root);
  let lockWrite = Promise.resolve();
  const saveLock = (name: string, entry: LockedStage) => {
    lock = { ...lock, stages: { ...lock.stages, [name]: entry } };
    const snapshot = lock;
    lockWrite = lockWrite.then(() => writeLock(spec.root, snapshot, dag.order));
    return lockWrite;
  };

  // Asked only once something runs: spawning git costs more than a whole no-op run.
  let git: ReturnType<typeof gitInfo>;
  let experimentId: string | undefined;
  let parentRunId: string | undefined;
  if (!options.dryRun) {
    // Runs a killed `slipway run` left RUNNING are closed first, even when this run has nothing to do.
    experimentId = await pipelineExperiment(tracking, spec);
    await failOrphanedRuns(tracking, experimentId);
  }
  const ensureParent = async () => {
    if (parentRunId) return parentRunId;
    git = gitInfo(spec.root);
    experimentId ??= await pipelineExperiment(tracking, spec);
    parentRunId = await startParentRun(tracking, spec, experimentId, git, options.overrides ?? {});
    return parentRunId;
  };

  const reports = new Map<string, StageReport>();
  /** Stages that were up to date, with their key: the parent run points at the runs that made their outs. */
  const skippedKeys = new Map<string, string>();
  const total = selected.length;
  let index = 0;
  const failed = new Set<string>();
  let stopAll = false;

  const runOne = async (name: string): Promise<void> => {
    const stage = dag.stages.get(name) as StageSpec;
    const started = performance.now();
    const position = ++index;
    const finish = (r: Omit<StageReport, 'stage' | 'durationMs'>) => {
      const report = { stage: name, durationMs: performance.now() - started, ...r };
      reports.set(name, report);
      if (r.outcome === 'failed' || r.outcome === 'interrupted') failed.add(name);
      emit({ type: 'stage-end', stage: name, outcome: r.outcome, reasons: r.reasons, durationMs: report.durationMs, index: position, total, ...(r.error ? { error: r.error } : {}) });
    };
    if (stage.frozen && !forced.has(name)) return finish({ outcome: 'skipped', reasons: ['frozen'] });
    const st = await stageState(spec, stage, lock.stages[name], state);
    if (options.dryRun) {
      // Nothing ran, so a stage below one that would run still sees old deps: judge it as `status` does.
      const upstream = [...(dag.upstream.get(name) ?? [])].filter((u) => reports.get(u)?.outcome === 'would-run');
      const own = upstream.length ? st.reasons.filter((r) => !(r.startsWith('dep ') && r.endsWith(' missing'))) : st.reasons;
      const reasons = [...own, ...upstream.map((u) => `upstream stage ${u} will run`), ...(forced.has(name) && own.length === 0 && upstream.length === 0 ? ['forced'] : [])];
      return finish(reasons.length ? { outcome: 'would-run', reasons } : { outcome: 'skipped', reasons: [] });
    }
    if (st.missingDeps.length > 0) {
      return finish({ outcome: 'failed', reasons: st.reasons, error: `missing dependencies: ${st.missingDeps.join(', ')}` });
    }
    const reasons = forced.has(name) && st.reasons.length === 0 ? ['forced'] : st.reasons;
    if (reasons.length === 0) {
      skippedKeys.set(name, st.key);
      return finish({ outcome: 'skipped', reasons: [] });
    }
    const entry = (outs: readonly LockedPath[]): LockedStage => ({
      cmd: stage.uses ? [] : stage.cmd, ...(stage.uses ? { uses: stage.uses } : {}), ...(Object.keys(stage.env).length ? { env: stage.env } : {}),
      deps: st.deps, params: st.params, outs, key: st.key,
    });

    // A persistent out accumulates across runs (a growing log, a checkpoint folder): restoring an old copy would lose that.
    const cacheable = !stage.alwaysChanged && ![...stage.outs, ...stage.metrics, ...stage.plots].some((o) => o.persist);
    const cached = options.noRunCache || forced.has(name) || !cacheable ? undefined : await lookupRunCache(store, st.key);
    if (cached) {
      for (const out of cached) await materialize(store.objects, { kind: out.kind, hash: out.hash }, join(spec.root, out.path), state);
      const parent = await ensureParent();
      const runId = await startStageRun(tracking, experimentId as string, parent, stage, git, st.params, st.deps, true);
      await finishStageRun(tracking, runId, 'FINISHED', { outs: cached, metrics: await readStageMetrics(spec, stage), points: await readStagePlots(spec, stage), durationMs: performance.now() - started, log: '' });
      await saveLock(name, entry(cached.map(({ kind: _kind, ...o }) => o)));
      return finish({ outcome: 'restored', reasons, runId });
    }

    emit({ type: 'stage-start', stage: name, reasons, index: position, total });
    // A stage owns its outs: stale ones are removed first so a stage that forgets to write one fails loudly.
    for (const out of [...stage.outs, ...stage.metrics, ...stage.plots]) {
      if (!out.persist) await rm(join(spec.root, out.path), { recursive: true, force: true });
    }
    const parent = await ensureParent();
    const runId = await startStageRun(tracking, experimentId as string, parent, stage, git, st.params, st.deps, false);
    const logChunks: string[] = [];
    const log = new PassThrough();
    log.on('data', (c: Buffer) => logChunks.push(c.toString()));
    const env = stageEnv(store, tracking, spec, stage, runId, parent, experimentId as string);
    const outcome = await executeStage({
      spec, stage, store, tracking, runId, parentRunId: parent, params: st.params, signal: stageSignal,
      log: (line) => {
        emit({ type: 'stage-line', stage: name, line });
        if (stage.uses) log.write(`${line}\n`);
      },
    }, env, log);
    log.end();
    if (!outcome.ok) {
      await finishStageRun(tracking, runId, outcome.aborted ? 'KILLED' : 'FAILED', { outs: [], metrics: { ...(outcome.result?.metrics ?? {}) }, durationMs: performance.now() - started, log: logChunks.join('') });
      const stopped = outcome.aborted && !signal.aborted;
      return finish({
        outcome: outcome.aborted ? 'interrupted' : 'failed', reasons, runId, attempts: outcome.attempts,
        error: stopped ? 'stopped after another stage failed' : (outcome.error ?? 'failed'),
      });
    }
    try {
      const outs: CachedOut[] = [];
      for (const out of [...stage.outs, ...stage.metrics, ...stage.plots]) {
        const h = out.cache ? await storeOut(store.objects, spec.root, out.path, state) : await hashPath(spec.root, out.path, state);
        if (h.kind === 'missing') throw new SlipwayError('CHECK_FAILED', `stage '${name}' did not produce its out '${out.path}'.`);
        outs.push({ ...toLocked(out.path, h), kind: h.kind, ...(out.cache ? {} : { cache: false }) });
      }
      const metrics = { ...(await readStageMetrics(spec, stage)), ...(outcome.result?.metrics ?? {}) };
      await finishStageRun(tracking, runId, 'FINISHED', { outs, metrics, points: await readStagePlots(spec, stage), durationMs: performance.now() - started, log: logChunks.join('') });
      if (cacheable && outs.every((o) => o.cache !== false)) await saveRunCache(store, st.key, name, outs, runId);
      await saveLock(name, entry(outs.map(({ kind: _kind, ...o }) => o)));
      return finish({ outcome: 'ran', reasons, runId, attempts: outcome.attempts });
    } catch (err) {
      await tracking.updateRun(runId, { status: 'FAILED' });
      return finish({ outcome: 'failed', reasons, error: (err as Error).message, runId, attempts: outcome.attempts });
    }
  };

  // The scheduler: start every selected stage whose selected upstream stages succeeded, up to `jobs` at once.
  const jobs = Math.max(1, options.jobs ?? availableParallelism());
  const pending = [...selected];
  const running = new Map<string, Promise<void>>();
  const upstreamOf = (n: string) => [...(dag.upstream.get(n) ?? [])].filter((u) => selected.includes(u));
  const restoreParams = options.dryRun ? async () => {} : await applyParamOverrides(spec);
  try {
    while (pending.length > 0 || running.size > 0) {
      if (signal.aborted) stopAll = true;
      for (let i = 0; i < pending.length && running.size < jobs && !stopAll; ) {
        const name = pending[i] as string;
        const ups = upstreamOf(name);
        if (ups.some((u) => failed.has(u) || reports.get(u)?.outcome === 'not-run')) {
          pending.splice(i, 1);
          const blocker = ups.find((u) => failed.has(u) || reports.get(u)?.outcome === 'not-run') as string;
          reports.set(name, { stage: name, outcome: 'not-run', reasons: [`upstream stage ${blocker} ${failed.has(blocker) ? 'failed' : 'did not run'}`], durationMs: 0 });
          continue;
        }
        if (ups.every((u) => reports.has(u))) {
          pending.splice(i, 1);
          const p = runOne(name).catch((err: unknown) => {
            reports.set(name, { stage: name, outcome: 'failed', reasons: [], error: (err as Error).message, durationMs: 0 });
            failed.add(name);
          }).finally(() => running.delete(name));
          running.set(name, p);
          continue;
        }
        i++;
      }
      if (running.size === 0) {
        if (stopAll || pending.length === 0) break;
        throw new SlipwayError('INTERNAL_ERROR', `scheduler stalled with pending stages: ${pending.join(', ')}`);
      }
      await Promise.race(running.values());
      if (failed.size > 0 && !options.keepGoing && !stopAll) {
        stopAll = true;
        stopOnFailure.abort();
      }
    }
    for (const name of pending) reports.set(name, { stage: name, outcome: 'not-run', reasons: [stopAll && !signal.aborted ? 'stopped after a failure' : 'interrupted'], durationMs: 0 });
  } finally {
    await restoreParams();
    await lockWrite;
    state.flush();
    state.close();
  }
  const stages = selected.map((n) => reports.get(n)).filter((r): r is StageReport => r !== undefined);
  const ok = stages.every((s) => s.outcome !== 'failed' && s.outcome !== 'interrupted' && s.outcome !== 'not-run');
  if (parentRunId) {
    await linkSkippedStages(store, tracking, parentRunId, skippedKeys);
    await tracking.updateRun(parentRunId, { status: signal.aborted ? 'KILLED' : ok ? 'FINISHED' : 'FAILED' });
  }
  return { ok, ...(parentRunId ? { parentRunId } : {}), stages, interrupted: signal.aborted };
}

/**
 * A pipeline run in which some stages were up to date still describes the whole pipeline: tag
 * `slipway.stage_run.<stage>` names the run that produced each skipped stage's current outs, so
 * comparing two pipeline runs compares every stage.
 */
async function linkSkippedStages(store: Store, tracking: TrackingClient, parentRunId: string, skipped: ReadonlyMap<string, string>): Promise<void> {
  const tags: { key: string; value: string }[] = [];
  for (const [stage, key] of skipped) {
    const producer = await lookupRunCacheRun(store, key);
    if (producer) tags.push({ key: `slipway.stage_run.${stage}`, value: producer });
  }
  for (let i = 0; i < tags.length; i += 100) await tracking.logBatch(parentRunId, { tags: tags.slice(i, i + 100) });
}

async function readStagePlots(spec: PipelineSpec, stage: StageSpec) {
  return (await Promise.all(stage.plots.map((p) => readPlotPoints(spec.root, p.path)))).flat();
}

async function readStageMetrics(spec: PipelineSpec, stage: StageSpec): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of stage.metrics) Object.assign(out, await readMetricsFile(spec.root, m.path));
  return out;
}

/**
 * What a stage's commands see: their run, the project's store, and where tracking goes. With a
 * server, MLflow's own variables too, so an unchanged `mlflow` script resumes the stage's run
 * (`mlflow.start_run()` honours MLFLOW_RUN_ID) and logs into it. With the local store they are left
 * out: MLflow's client cannot write to Slipway's database, and a run id it cannot find would fail it.
 */
function stageEnv(store: Store, tracking: TrackingClient, spec: PipelineSpec, stage: StageSpec, runId: string, parentRunId: string, experimentId: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...stage.env,
    SLIPWAY_RUN_ID: runId,
    SLIPWAY_PARENT_RUN_ID: parentRunId,
    SLIPWAY_EXPERIMENT_ID: experimentId,
    SLIPWAY_STAGE: stage.name,
    SLIPWAY_PROJECT_ROOT: spec.root,
    SLIPWAY_HOME: store.location.home,
    SLIPWAY_DATABASE_URL: store.location.databaseUrl.includes('***') ? (process.env.SLIPWAY_DATABASE_URL ?? '') : store.location.databaseUrl,
    SLIPWAY_ARTIFACTS: store.location.artifacts,
  };
  const target = tracking.target;
  if (target.kind === 'remote') {
    env.SLIPWAY_TRACKING_URI = target.url;
    env.MLFLOW_TRACKING_URI = target.url;
    env.MLFLOW_RUN_ID = runId;
    env.MLFLOW_EXPERIMENT_ID = experimentId;
    if (target.token && !env.MLFLOW_TRACKING_TOKEN) env.MLFLOW_TRACKING_TOKEN = target.token;
  } else {
    // A `slipway` command inside the stage then tracks into the same local store (SLIPWAY_HOME and friends).
    delete env.SLIPWAY_TRACKING_URI;
  }
  return env;
}
