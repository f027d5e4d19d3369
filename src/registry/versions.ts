import { stat } from 'node:fs/promises';
import { recordAudit } from '../audit/index.js';
import { invalid, notFound } from '../errors.js';
import type { Store } from '../store/index.js';
import { resolveArtifact } from '../tracking/index.js';
import { getRunInfo } from '../tracking/index.js';
import { LIMITS } from '../tracking/index.js';
import { checkKey, checkRunId, checkValueLength } from '../tracking/index.js';
import { checkModelName } from './models.js';
import { parseVersion, readVersion, readVersions } from './read-versions.js';
import { MODEL_STAGES, type ModelStage, type ModelVersion } from './types.js';

export interface CreateVersionOptions {
  /**
   * Where the model is: `runs:/<run_id>/<artifact path>`, `mlflow-artifacts:/<exp>/<run_id>/artifacts/<path>`,
   * or a local file or folder (stored into the object store).
   */
  source: string;
  /** The run that produced it; inferred from a runs:/ source. */
  runId?: string;
  description?: string;
  tags?: readonly { key: string; value: string }[];
  /**
   * Register the bytes of this existing version instead of resolving `source` (MLflow's copy of a
   * `models:/` source); `source` is recorded as given, the run defaults to the original's.
   */
  from?: ModelVersion;
}

/**
 * Registers a new version (numbered max+1) whose bytes are pinned by content hash at registration
 * time: later changes to the run's artifacts cannot change what the version is.
 */
export async function createModelVersion(store: Store, name: string, options: CreateVersionOptions): Promise<ModelVersion> {
  checkModelName(name);
  for (const t of options.tags ?? []) {
    checkKey('Tag', t.key);
    checkValueLength('Tag', t.key, t.value, LIMITS.tagValue);
  }
  const { blob, runId } = options.from ? await copiedSource(store, options.from, options.runId) : await resolveSource(store, options.source, options.runId);
  const version = await insertVersion(store, name, options, blob, runId);
  return readVersion(store.db, name, version);
}

type Blob = { hash: string; size: number; kind: 'file' | 'directory' };

async function insertVersion(store: Store, name: string, options: CreateVersionOptions, blob: Blob, runId: string | null): Promise<number> {
  const now = store.now();
  return store.db.transaction().execute(async (trx) => {
    // The UPDATE takes the model row's write lock, so concurrent registrations queue here and each gets its own number.
    const bumped = await trx.updateTable('registered_models').set((eb) => ({ last_version: eb('last_version', '+', 1) }))
      .where('name', '=', name).returning('last_version').executeTakeFirst();
    if (!bumped) throw notFound(`Registered Model with name=${name} not found`);
    const version = Number(bumped.last_version);
    await trx.insertInto('model_versions').values({
      name, version, source: options.source, run_id: runId, blob_hash: blob.hash, blob_size: blob.size, blob_kind: blob.kind,
      status: 'READY', status_message: '', description: options.description ?? '', user_id: store.actor,
      current_stage: 'None', creation_time: now, last_updated_time: now,
    }).execute();
    if (options.tags?.length) {
      await trx.insertInto('model_version_tags').values(options.tags.map((t) => ({ name, version, key: t.key, value: t.value }))).execute();
    }
    await trx.updateTable('registered_models').set({ last_updated_time: now }).where('name', '=', name).execute();
    await recordAudit(trx, {
      actor: store.actor, action: 'model_version.create', subjectType: 'model_version', subjectId: `${name}/${version}`,
      after: { source: options.source, run_id: runId, blob }, time: now,
    });
    return version;
  });
}

async function resolveSource(store: Store, source: string, explicitRunId?: string): Promise<{ blob: Blob; runId: string | null }> {
  if (typeof source !== 'string' || source === '') throw invalid('A model version needs a source (runs:/RUN_ID/PATH or a file).');
  const runArtifact = parseRunArtifactUri(source);
  if (runArtifact) {
    if (explicitRunId && explicitRunId !== runArtifact.runId) {
      throw invalid(`Source ${source} belongs to run ${runArtifact.runId}, not run ${explicitRunId}.`);
    }
    const ref = await resolveArtifact(store, runArtifact.runId, runArtifact.path);
    return { blob: { hash: ref.hash, size: ref.size, kind: ref.kind }, runId: runArtifact.runId };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(source) && !/^file:/i.test(source)) {
    throw invalid(`Unsupported model source '${source}': use runs:/RUN_ID/PATH, mlflow-artifacts:/EXP/RUN_ID/artifacts/PATH, or a local path.`);
  }
  const path = source.replace(/^file:\/\//i, '');
  const info = await stat(path).catch(() => undefined);
  if (!info) throw notFound(`Model source '${source}' does not exist.`);
  if (explicitRunId) {
    checkRunId(explicitRunId);
    await getRunInfo(store, explicitRunId);
  }
  if (info.isDirectory()) {
    const dir = await store.objects.putDirectory(path);
    return { blob: { hash: dir.hash, size: dir.size, kind: 'directory' }, runId: explicitRunId ?? null };
  }
  const file = await store.objects.putFile(path);
  return { blob: { ...file, kind: 'file' }, runId: explicitRunId ?? null };
}

async function copiedSource(store: Store, from: ModelVersion, explicitRunId?: string): Promise<{ blob: Blob; runId: string | null }> {
  if (explicitRunId) {
    checkRunId(explicitRunId);
    await getRunInfo(store, explicitRunId);
  }
  return { blob: from.blob, runId: explicitRunId ?? (from.run_id || null) };
}

/** `runs:/<id>/<path>` or the proxy form `mlflow-artifacts:/<exp>/<id>/artifacts/<path>`. */
export function parseRunArtifactUri(uri: string): { runId: string; path: string } | undefined {
  const runs = /^runs:\/([0-9a-f]{32})(?:\/(.*))?$/.exec(uri);
  if (runs?.[1]) return { runId: runs[1], path: runs[2] ?? '' };
  const proxy = /^mlflow-artifacts:\/(?:\/[^/]*)?\/?\d+\/([0-9a-f]{32})\/artifacts(?:\/(.*))?$/.exec(uri);
  if (proxy?.[1]) return { runId: proxy[1], path: proxy[2] ?? '' };
  return undefined;
}

export async function getModelVersion(store: Store, name: string, version: string | number): Promise<ModelVersion> {
  return readVersion(store.db, name, parseVersion(version));
}

export interface SearchVersionsOptions {
  name?: string;
  runId?: string;
}

export async function searchModelVersions(store: Store, options: SearchVersionsOptions = {}): Promise<ModelVersion[]> {
  let q = store.db.selectFrom('model_versions').selectAll();
  if (options.name) q = q.where('name', '=', options.name);
  if (options.runId) q = q.where('run_id', '=', options.runId);
  const rows = await q.orderBy('name').orderBy('version', 'desc').execute();
  return readVersions(store.db, rows);
}

export async function updateModelVersion(store: Store, name: string, version: string | number, description: string): Promise<ModelVersion> {
  const v = parseVersion(version);
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    const before = await readVersion(trx, name, v);
    await trx.updateTable('model_versions').set({ description, last_updated_time: now }).where('name', '=', name).where('version', '=', v).execute();
    await recordAudit(trx, {
      actor: store.actor, action: 'model_version.update', subjectType: 'model_version', subjectId: `${name}/${v}`,
      before: { description: before.description }, after: { description }, time: now,
    });
  });
  return readVersion(store.db, name, v);
}

export async function deleteModelVersion(store: Store, name: string, version: string | number, reason = ''): Promise<void> {
  const v = parseVersion(version);
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    const before = await readVersion(trx, name, v);
    // Aliases on the version vanish with it (foreign key); say so in the history, so it never shows an alias on a deleted version.
    for (const alias of before.aliases) {
      await trx.insertInto('model_transitions').values({
        name, kind: 'alias', target: alias, version: null, previous_version: v, actor: store.actor, reason: `version ${v} deleted`, time: now,
      }).execute();
    }
    await trx.deleteFrom('approvals').where('name', '=', name).where('version', '=', v).execute();
    await trx.deleteFrom('model_versions').where('name', '=', name).where('version', '=', v).execute();
    await recordAudit(trx, {
      actor: store.actor, action: 'model_version.delete', subjectType: 'model_version', subjectId: `${name}/${v}`,
      before, reason, time: now,
    });
  });
}

export async function setModelVersionTag(store: Store, name: string, version: string | number, key: string, value: string): Promise<void> {
  const v = parseVersion(version);
  checkKey('Tag', key);
  checkValueLength('Tag', key, value, LIMITS.tagValue);
  await readVersion(store.db, name, v);
  await store.db.transaction().execute(async (trx) => {
    await trx.insertInto('model_version_tags').values({ name, version: v, key, value })
      .onConflict((oc) => oc.columns(['name', 'version', 'key']).doUpdateSet({ value })).execute();
    await recordAudit(trx, {
      actor: store.actor, action: 'model_version.tag.set', subjectType: 'model_version', subjectId: `${name}/${v}`, after: { key, value }, time: store.now(),
    });
  });
}

export async function deleteModelVersionTag(store: Store, name: string, version: string | number, key: string): Promise<void> {
  const v = parseVersion(version);
  await readVersion(store.db, name, v);
  await store.db.transaction().execute(async (trx) => {
    const res = await trx.deleteFrom('model_version_tags').where('name', '=', name).where('version', '=', v).where('key', '=', key).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound(`No tag with key '${key}' on model version ${name}/${v}.`);
    await recordAudit(trx, {
      actor: store.actor, action: 'model_version.tag.delete', subjectType: 'model_version', subjectId: `${name}/${v}`, before: { key }, time: store.now(),
    });
  });
}

export function checkStage(stage: string): ModelStage {
  const found = MODEL_STAGES.find((s) => s.toLowerCase() === String(stage).toLowerCase());
  if (!found) throw invalid(`Invalid Model Version stage: ${stage}. Value must be one of ${MODEL_STAGES.join(', ')}.`);
  return found;
}
