import { recordAudit } from '../audit/index.js';
import { invalid, notFound } from '../errors.js';
import { newRunId, newRunName } from '../store/index.js';
import type { Store } from '../store/index.js';
import { getExperiment, parseExperimentId } from './experiments.js';
import { readRun, toRunInfo } from './read-runs.js';
import { type Run, type RunInfo, RUN_STATUSES, type RunStatus, LIMITS } from './types.js';
import { checkKey, checkRunId, checkValueLength } from './validate.js';

export interface CreateRunOptions {
  /** @default '0' (the Default experiment) */
  experimentId?: string;
  /** @default a generated readable name */
  runName?: string;
  /** @default now */
  startTime?: number;
  tags?: readonly { key: string; value: string }[];
  sourceGitCommit?: string;
  parentRunId?: string;
  /** @default the store's actor */
  userId?: string;
}

export async function createRun(store: Store, options: CreateRunOptions = {}): Promise<Run> {
  const experiment = await getExperiment(store, options.experimentId ?? '0');
  if (experiment.lifecycle_stage !== 'active') {
    throw invalid(`The experiment ${experiment.experiment_id} must be in the 'active' state. Current state is ${experiment.lifecycle_stage}.`);
  }
  const tags = [...(options.tags ?? [])];
  for (const t of tags) {
    checkKey('Tag', t.key);
    checkValueLength('Tag', t.key, t.value, LIMITS.tagValue);
  }
  // MLflow keeps the run name in both the attribute and the mlflow.runName tag; clients read either.
  const runName = options.runName ?? tags.find((t) => t.key === 'mlflow.runName')?.value ?? newRunName();
  if (!tags.some((t) => t.key === 'mlflow.runName')) tags.push({ key: 'mlflow.runName', value: runName });
  if (options.parentRunId) {
    checkRunId(options.parentRunId);
    if (!tags.some((t) => t.key === 'mlflow.parentRunId')) tags.push({ key: 'mlflow.parentRunId', value: options.parentRunId });
  }
  const runId = newRunId();
  const now = store.now();
  const userId = options.userId ?? store.actor;
  await store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('runs')
      .values({
        run_uuid: runId,
        experiment_id: experiment.experiment_id,
        name: runName,
        user_id: userId,
        status: 'RUNNING',
        start_time: options.startTime ?? now,
        end_time: null,
        source_git_commit: options.sourceGitCommit ?? null,
        lifecycle_stage: 'active',
        artifact_uri: `mlflow-artifacts:/${experiment.experiment_id}/${runId}/artifacts`,
        parent_run_id: options.parentRunId ?? null,
        deleted_time: null,
      })
      .execute();
    await trx.insertInto('tags').values(tags.map((t) => ({ run_uuid: runId, key: t.key, value: t.value }))).execute();
    await recordAudit(trx, {
      actor: store.actor, action: 'run.create', subjectType: 'run', subjectId: runId,
      after: { experiment_id: experiment.experiment_id, run_name: runName }, time: now,
    });
  });
  return readRun(store.db, runId);
}

export async function getRun(store: Store, runId: string): Promise<Run> {
  checkRunId(runId);
  return readRun(store.db, runId);
}

export async function getRunInfo(store: Store, runId: string): Promise<RunInfo> {
  checkRunId(runId);
  const row = await store.db.selectFrom('runs').selectAll().where('run_uuid', '=', runId).executeTakeFirst();
  if (!row) throw notFound(`Run with id=${runId} not found`);
  return toRunInfo(row);
}

/** Fails unless the run exists and is active: MLflow refuses writes to deleted runs. */
export async function requireActiveRun(store: Store, runId: string): Promise<RunInfo> {
  const info = await getRunInfo(store, runId);
  if (info.lifecycle_stage !== 'active') {
    throw invalid(`The run ${runId} must be in the 'active' state. Current state is ${info.lifecycle_stage}.`);
  }
  return info;
}

export interface UpdateRunOptions {
  status?: RunStatus;
  endTime?: number;
  runName?: string;
}

/** Sets status / end time / name (MLflow's runs/update, used by end_run). */
export async function updateRun(store: Store, runId: string, update: UpdateRunOptions): Promise<RunInfo> {
  if (update.status !== undefined && !RUN_STATUSES.includes(update.status)) {
    throw invalid(`Invalid run status '${update.status}': expected one of ${RUN_STATUSES.join(', ')}.`);
  }
  const before = await requireActiveRun(store, runId);
  const now = store.now();
  const finished = update.status && update.status !== 'RUNNING' && update.status !== 'SCHEDULED';
  const endTime = update.endTime ?? (finished ? now : undefined);
  await store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('runs')
      .set({
        ...(update.status ? { status: update.status } : {}),
        ...(endTime !== undefined ? { end_time: endTime } : {}),
        ...(update.runName ? { name: update.runName } : {}),
      })
      .where('run_uuid', '=', runId)
      .execute();
    if (update.runName) {
      await trx
        .insertInto('tags')
        .values({ run_uuid: runId, key: 'mlflow.runName', value: update.runName })
        .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet({ value: update.runName ?? '' }))
        .execute();
    }
    if (update.status && update.status !== before.status) {
      await recordAudit(trx, {
        actor: store.actor, action: 'run.status', subjectType: 'run', subjectId: runId,
        before: { status: before.status }, after: { status: update.status, end_time: endTime }, time: now,
      });
    }
  });
  return getRunInfo(store, runId);
}

export async function deleteRun(store: Store, runId: string, reason = ''): Promise<void> {
  await setRunLifecycle(store, runId, 'deleted', reason);
}

export async function restoreRun(store: Store, runId: string, reason = ''): Promise<void> {
  await setRunLifecycle(store, runId, 'active', reason);
}

async function setRunLifecycle(store: Store, runId: string, stage: 'active' | 'deleted', reason: string) {
  const info = await getRunInfo(store, runId);
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
      .where('run_uuid', '=', runId)
      .execute();
    await recordAudit(trx, {
      actor: store.actor, action: stage === 'deleted' ? 'run.delete' : 'run.restore', subjectType: 'run',
      subjectId: runId, before: { lifecycle_stage: info.lifecycle_stage }, after: { lifecycle_stage: stage }, reason, time: now,
    });
  });
}

/** Runs of one experiment whose parent is `parentRunId` (pipeline stages), oldest first. */
export async function listChildRuns(store: Store, parentRunId: string): Promise<RunInfo[]> {
  checkRunId(parentRunId);
  const rows = await store.db.selectFrom('runs').selectAll().where('parent_run_id', '=', parentRunId).orderBy('start_time').execute();
  return rows.map(toRunInfo);
}

export { parseExperimentId };
