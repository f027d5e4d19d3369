import { hostname } from 'node:os';
import type { PipelineSpec, StageSpec } from '../config/index.js';
import type { Store } from '../store/index.js';
import {
  createExperiment, createRun, getExperimentByName, logBatch, logInputs, putArtifact, searchRuns, updateRun,
  type RunStatus,
} from '../tracking/index.js';
import { type GitInfo } from './git-info.js';
import type { LockedPath } from './lock-file.js';
import { flattenParams } from './metrics-files.js';

/**
 * How `slipway run` appears in tracking: one parent run per invocation, in the experiment named after
 * the pipeline, and one child run per stage that ran (or was restored from the run cache), carrying
 * the stage's params, metrics, deps and outs by hash, its log and its timing.
 */
export async function pipelineExperiment(store: Store, spec: PipelineSpec): Promise<string> {
  const name = spec.name;
  const found = await getExperimentByName(store, name).catch(() => undefined);
  if (found) return found.experiment_id;
  return createExperiment(store, name).then(
    (e) => e.experiment_id,
    async (err) => {
      // Another `slipway run` created it between our look-up and create.
      const again = await getExperimentByName(store, name).catch(() => undefined);
      if (again) return again.experiment_id;
      throw err;
    },
  );
}

const pipelineTags = (git: GitInfo | undefined) => [
  { key: 'slipway.host', value: hostname() },
  { key: 'slipway.pid', value: String(process.pid) },
  ...(git ? [{ key: 'slipway.git.dirty', value: String(git.dirty) }] : []),
];

export async function startParentRun(store: Store, spec: PipelineSpec, experimentId: string, git: GitInfo | undefined, overrides: Record<string, string>): Promise<string> {
  const run = await createRun(store, {
    experimentId, runName: `${spec.name} pipeline`,
    tags: [{ key: 'slipway.kind', value: 'pipeline' }, ...pipelineTags(git)],
    ...(git ? { sourceGitCommit: git.commit } : {}),
  });
  const params = Object.entries(overrides).map(([key, value]) => ({ key: `set.${key}`, value }));
  for (let i = 0; i < params.length; i += 100) await logBatch(store, run.info.run_id, { params: params.slice(i, i + 100) });
  return run.info.run_id;
}

export async function startStageRun(
  store: Store, experimentId: string, parentRunId: string, stage: StageSpec, git: GitInfo | undefined,
  params: Readonly<Record<string, Readonly<Record<string, unknown>>>>, deps: readonly LockedPath[], cached: boolean,
): Promise<string> {
  const run = await createRun(store, {
    experimentId, runName: stage.name, parentRunId,
    tags: [
      { key: 'slipway.kind', value: 'stage' }, { key: 'slipway.stage', value: stage.name },
      { key: 'slipway.cache', value: cached ? 'run-cache' : 'none' }, ...pipelineTags(git),
      ...(stage.desc ? [{ key: 'mlflow.note.content', value: stage.desc }] : []),
    ],
    ...(git ? { sourceGitCommit: git.commit } : {}),
  });
  const runId = run.info.run_id;
  const flat = Object.entries(flattenParams(Object.values(params).reduce((a, b) => ({ ...a, ...b }), {})))
    .map(([key, value]) => ({ key, value: value.slice(0, 6000) }));
  for (let i = 0; i < flat.length; i += 100) await logBatch(store, runId, { params: flat.slice(i, i + 100) });
  await logInputs(store, runId, deps.map((d) => ({ name: d.path, digest: d.hash, context: 'input', source: d.path, size: d.size })));
  return runId;
}

export async function finishStageRun(
  store: Store, runId: string, status: RunStatus,
  result: { outs: readonly LockedPath[]; metrics: Record<string, number>; points?: readonly { key: string; value: number; step: number }[]; durationMs: number; log: string },
): Promise<void> {
  await logInputs(store, runId, result.outs.map((o) => ({ name: o.path, digest: o.hash, context: 'output', source: o.path, size: o.size })));
  const metrics: { key: string; value: number; step?: number }[] = [...(result.points ?? [])];
  metrics.push(...Object.entries(result.metrics).map(([key, value]) => ({ key, value })));
  metrics.push({ key: 'slipway.duration_s', value: result.durationMs / 1000 });
  for (let i = 0; i < metrics.length; i += 1000) await logBatch(store, runId, { metrics: metrics.slice(i, i + 1000) });
  if (result.log) await putArtifact(store, runId, 'logs/stage.log', result.log);
  await updateRun(store, runId, { status });
}

/**
 * Runs left RUNNING by a `slipway run` on this host whose process is gone (kill -9, power loss) are
 * marked FAILED, so the store never claims work is in progress that is not.
 */
export async function failOrphanedRuns(store: Store, experimentId: string): Promise<number> {
  const { runs } = await searchRuns(store, {
    experimentIds: [experimentId], filter: `attributes.status = 'RUNNING' and tags.\`slipway.host\` = '${hostname().replace(/'/g, "''")}'`, maxResults: 1000,
  });
  let n = 0;
  for (const r of runs) {
    const pid = Number(r.data.tags.find((t) => t.key === 'slipway.pid')?.value);
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    await updateRun(store, r.info.run_id, { status: 'FAILED' });
    n++;
  }
  return n;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
