import { hostname } from 'node:os';
import type { PipelineSpec, StageSpec } from '../config/index.js';
import { SlipwayError } from '../errors.js';
import type { RunStatus, TrackingClient } from '../tracking/index.js';
import { type GitInfo } from './git-info.js';
import type { LockedPath } from './lock-file.js';
import { flattenParams } from './metrics-files.js';

/**
 * How `slipway run` appears in tracking: one parent run per invocation, in the experiment named after
 * the pipeline, and one child run per stage that ran (or was restored from the run cache), carrying
 * the stage's params, metrics, deps and outs by hash, its log and its timing. All of it goes through
 * the tracking client, so it lands in the local store or on the server SLIPWAY_TRACKING_URI names.
 */
export async function pipelineExperiment(tracking: TrackingClient, spec: PipelineSpec): Promise<string> {
  const name = spec.name;
  const found = await tracking.getExperimentByName(name).catch(absent);
  if (found) return found.experiment_id;
  return tracking.createExperiment(name).then(
    (e) => e.experiment_id,
    async (err) => {
      // Another `slipway run` created it between our look-up and create.
      const again = await tracking.getExperimentByName(name).catch(absent);
      if (again) return again.experiment_id;
      throw err;
    },
  );
}

/** Only "no such experiment" means absent; anything else (an unreachable server) is the caller's error. */
function absent(err: unknown): undefined {
  if (err instanceof SlipwayError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
  throw err;
}

const pipelineTags = (git: GitInfo | undefined) => [
  { key: 'slipway.host', value: hostname() },
  { key: 'slipway.pid', value: String(process.pid) },
  ...(git ? [{ key: 'slipway.git.dirty', value: String(git.dirty) }] : []),
];

export async function startParentRun(tracking: TrackingClient, spec: PipelineSpec, experimentId: string, git: GitInfo | undefined, overrides: Record<string, string>): Promise<string> {
  const run = await tracking.createRun({
    experimentId, runName: `${spec.name} pipeline`,
    tags: [{ key: 'slipway.kind', value: 'pipeline' }, ...pipelineTags(git)],
    ...(git ? { sourceGitCommit: git.commit } : {}),
  });
  const params = Object.entries(overrides).map(([key, value]) => ({ key: `set.${key}`, value }));
  for (let i = 0; i < params.length; i += 100) await tracking.logBatch(run.info.run_id, { params: params.slice(i, i + 100) });
  return run.info.run_id;
}

export async function startStageRun(
  tracking: TrackingClient, experimentId: string, parentRunId: string, stage: StageSpec, git: GitInfo | undefined,
  params: Readonly<Record<string, Readonly<Record<string, unknown>>>>, deps: readonly LockedPath[], cached: boolean,
): Promise<string> {
  const run = await tracking.createRun({
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
  for (let i = 0; i < flat.length; i += 100) await tracking.logBatch(runId, { params: flat.slice(i, i + 100) });
  await tracking.logInputs(runId, deps.map((d) => ({ name: d.path, digest: d.hash, context: 'input', source: d.path, size: d.size })));
  return runId;
}

export async function finishStageRun(
  tracking: TrackingClient, runId: string, status: RunStatus,
  result: { outs: readonly LockedPath[]; metrics: Record<string, number>; points?: readonly { key: string; value: number; step: number }[]; durationMs: number; log: string },
): Promise<void> {
  await tracking.logInputs(runId, result.outs.map((o) => ({ name: o.path, digest: o.hash, context: 'output', source: o.path, size: o.size })));
  const metrics: { key: string; value: number; step?: number }[] = [...(result.points ?? [])];
  metrics.push(...Object.entries(result.metrics).map(([key, value]) => ({ key, value })));
  metrics.push({ key: 'slipway.duration_s', value: result.durationMs / 1000 });
  for (let i = 0; i < metrics.length; i += 1000) await tracking.logBatch(runId, { metrics: metrics.slice(i, i + 1000) });
  if (result.log) await tracking.putArtifact(runId, 'logs/stage.log', result.log);
  await tracking.updateRun(runId, { status });
}

/**
 * Runs left RUNNING by a `slipway run` on this host whose process is gone (kill -9, power loss) are
 * marked FAILED, so the store never claims work is in progress that is not.
 */
export async function failOrphanedRuns(tracking: TrackingClient, experimentId: string): Promise<number> {
  const { runs } = await tracking.searchRuns({
    experimentIds: [experimentId], filter: `attributes.status = 'RUNNING' and tags.\`slipway.host\` = '${hostname().replace(/'/g, "''")}'`, maxResults: 1000,
  });
  let n = 0;
  for (const r of runs) {
    const pid = Number(r.data.tags.find((t) => t.key === 'slipway.pid')?.value);
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    await tracking.updateRun(r.info.run_id, { status: 'FAILED' });
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
