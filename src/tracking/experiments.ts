import { recordAudit } from '../audit/index.js';
import { SlipwayError, alreadyExists, invalid, notFound } from '../errors.js';
import type { Store } from '../store/index.js';
import type { Experiment, ViewType } from './types.js';
import { checkExperimentName, checkKey, checkValueLength } from './validate.js';
import { LIMITS } from './types.js';

export interface CreateExperimentOptions {
  /** Tags set at creation. */
  tags?: readonly { key: string; value: string }[];
}

/** Creates an experiment; a name in use (even by a deleted experiment, as in MLflow) is RESOURCE_ALREADY_EXISTS. */
export async function createExperiment(store: Store, name: string, options: CreateExperimentOptions = {}): Promise<Experiment> {
  checkExperimentName(name);
  for (const t of options.tags ?? []) {
    checkKey('Tag', t.key);
    checkValueLength('Tag', t.key, t.value, LIMITS.tagValue);
  }
  const now = store.now();
  try {
    const id = await store.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('experiments').select('experiment_id').where('name', '=', name).executeTakeFirst();
      if (existing) throw alreadyExists(`Experiment '${name}' already exists.`);
      const row = await trx
        .insertInto('experiments')
        .values({ name, artifact_location: '', lifecycle_stage: 'active', creation_time: now, last_update_time: now })
        .returning('experiment_id')
        .executeTakeFirstOrThrow();
      const experimentId = String(row.experiment_id);
      await trx
        .updateTable('experiments')
        .set({ artifact_location: `mlflow-artifacts:/${experimentId}` })
        .where('experiment_id', '=', experimentId)
        .execute();
      if (options.tags?.length) {
        await trx
          .insertInto('experiment_tags')
          .values(options.tags.map((t) => ({ experiment_id: experimentId, key: t.key, value: t.value })))
          .execute();
      }
      await recordAudit(trx, {
        actor: store.actor, action: 'experiment.create', subjectType: 'experiment', subjectId: experimentId,
        after: { name }, time: now,
      });
      return experimentId;
    });
    return await getExperiment(store, id);
  } catch (err) {
    // Two creators racing past the check: the unique index decides, and the loser gets the same error.
    if (!(err instanceof SlipwayError) && /unique|duplicate/i.test(String(err))) {
      throw alreadyExists(`Experiment '${name}' already exists.`);
    }
    throw err;
  }
}

export async function getExperiment(store: Store, experimentId: string): Promise<Experiment> {
  const id = parseExperimentId(experimentId);
  const row = await store.db.selectFrom('experiments').selectAll().where('experiment_id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`No Experiment with id=${experimentId} exists`);
  return hydrate(store, row);
}

export async function getExperimentByName(store: Store, name: string): Promise<Experiment> {
  const row = await store.db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw notFound(`Could not find experiment with name '${name}'`);
  return hydrate(store, row);
}

export interface ListExperimentsOptions {
  /** @default 'ACTIVE_ONLY' */
  viewType?: ViewType;
}

export async function listExperiments(store: Store, options: ListExperimentsOptions = {}): Promise<Experiment[]> {
  let q = store.db.selectFrom('experiments').selectAll();
  const view = options.viewType ?? 'ACTIVE_ONLY';
  if (view === 'ACTIVE_ONLY') q = q.where('lifecycle_stage', '=', 'active');
  if (view === 'DELETED_ONLY') q = q.where('lifecycle_stage', '=', 'deleted');
  const rows = await q.orderBy('experiment_id').execute();
  const tags = await store.db.selectFrom('experiment_tags').selectAll().execute();
  return rows.map((r) => toExperiment(r, tags.filter((t) => String(t.experiment_id) === String(r.experiment_id))));
}

/** Marks an experiment and its runs deleted (restorable), like MLflow. */
export async function deleteExperiment(store: Store, experimentId: string, reason = ''): Promise<void> {
  await setLifecycle(store, experimentId, 'deleted', reason);
}

export async function restoreExperiment(store: Store, experimentId: string, reason = ''): Promise<void> {
  await setLifecycle(store, experimentId, 'active', reason);
}

export async function renameExperiment(store: Store, experimentId: string, newName: string): Promise<void> {
  checkExperimentName(newName);
  const id = parseExperimentId(experimentId);
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('experiments').select(['name']).where('experiment_id', '=', id).executeTakeFirst();
    if (!before) throw notFound(`No Experiment with id=${experimentId} exists`);
    const clash = await trx.selectFrom('experiments').select('experiment_id').where('name', '=', newName).executeTakeFirst();
    if (clash && String(clash.experiment_id) !== String(id)) throw alreadyExists(`Experiment '${newName}' already exists.`);
    await trx.updateTable('experiments').set({ name: newName, last_update_time: now }).where('experiment_id', '=', id).execute();
    await recordAudit(trx, {
      actor: store.actor, action: 'experiment.rename', subjectType: 'experiment', subjectId: String(id),
      before, after: { name: newName }, time: now,
    });
  });
}

export async function setExperimentTag(store: Store, experimentId: string, key: string, value: string): Promise<void> {
  checkKey('Tag', key);
  checkValueLength('Tag', key, value, LIMITS.tagValue);
  const exp = await getExperiment(store, experimentId);
  if (exp.lifecycle_stage !== 'active') {
    throw invalid(`The experiment ${experimentId} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`);
  }
  await store.db
    .insertInto('experiment_tags')
    .values({ experiment_id: exp.experiment_id, key, value })
    .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value }))
    .execute();
}

/** Experiment ids are decimal integers; anything else can name no experiment (and must not reach SQL as text). */
export function parseExperimentId(experimentId: string): number {
  if (!/^\d{1,15}$/.test(String(experimentId))) throw invalid(`Invalid experiment id '${experimentId}': expected a non-negative integer.`);
  return Number(experimentId);
}

async function setLifecycle(store: Store, experimentId: string, stage: 'active' | 'deleted', reason: string) {
  const id = parseExperimentId(experimentId);
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('experiments').select(['lifecycle_stage', 'name']).where('experiment_id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`No Experiment with id=${experimentId} exists`);
    if (id === 0 && stage === 'deleted') throw invalid('Cannot delete the default experiment 0.');
    if (row.lifecycle_stage === stage) {
      throw invalid(`Cannot ${stage === 'deleted' ? 'delete' : 'restore'} experiment ${experimentId}: it is already ${stage}.`);
    }
    await trx.updateTable('experiments').set({ lifecycle_stage: stage, last_update_time: now }).where('experiment_id', '=', id).execute();
    await trx
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
      .where('experiment_id', '=', id)
      .where('lifecycle_stage', '=', stage === 'deleted' ? 'active' : 'deleted')
      .execute();
    await recordAudit(trx, {
      actor: store.actor, action: stage === 'deleted' ? 'experiment.delete' : 'experiment.restore',
      subjectType: 'experiment', subjectId: String(id), before: { lifecycle_stage: row.lifecycle_stage, name: row.name },
      after: { lifecycle_stage: stage }, reason, time: now,
    });
  });
}

type ExperimentRow = {
  experiment_id: number | string; name: string; artifact_location: string; lifecycle_stage: string;
  creation_time: number | string; last_update_time: number | string;
};

async function hydrate(store: Store, row: ExperimentRow): Promise<Experiment> {
  const tags = await store.db.selectFrom('experiment_tags').select(['key', 'value']).where('experiment_id', '=', row.experiment_id).execute();
  return toExperiment(row, tags);
}

function toExperiment(r: ExperimentRow, tags: readonly { key: string; value: string }[]): Experiment {
  return {
    experiment_id: String(r.experiment_id),
    name: r.name,
    artifact_location: r.artifact_location,
    lifecycle_stage: r.lifecycle_stage as Experiment['lifecycle_stage'],
    creation_time: Number(r.creation_time),
    last_update_time: Number(r.last_update_time),
    tags: tags.map((t) => ({ key: t.key, value: t.value })),
  };
}
