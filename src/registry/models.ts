import { recordAudit } from '../audit/index.js';
import { SlipwayError, alreadyExists, invalid, notFound } from '../errors.js';
import type { Store } from '../store/index.js';
import { checkKey, checkValueLength } from '../tracking/index.js';
import { LIMITS } from '../tracking/index.js';
import { readVersions } from './read-versions.js';
import type { RegisteredModel } from './types.js';

export function checkModelName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw invalid("Registered model name cannot be empty.");
  if (name.length > 256) throw invalid(`Registered model name had length ${name.length}, which exceeded length limit of 256`);
  if (/[/:@\\]/.test(name) || name.includes('..')) {
    throw invalid(`Invalid model name '${name}': it may not contain '/', ':', '@', '\\' or '..' (they delimit model URIs).`);
  }
  return name;
}

export interface CreateModelOptions {
  description?: string;
  tags?: readonly { key: string; value: string }[];
}

export async function createRegisteredModel(store: Store, name: string, options: CreateModelOptions = {}): Promise<RegisteredModel> {
  checkModelName(name);
  for (const t of options.tags ?? []) {
    checkKey('Tag', t.key);
    checkValueLength('Tag', t.key, t.value, LIMITS.tagValue);
  }
  const now = store.now();
  try {
    await store.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('registered_models').select('name').where('name', '=', name).executeTakeFirst();
      if (existing) throw alreadyExists(`Registered Model (name=${name}) already exists.`);
      await trx.insertInto('registered_models').values({ name, description: options.description ?? '', creation_time: now, last_updated_time: now }).execute();
      if (options.tags?.length) {
        await trx.insertInto('registered_model_tags').values(options.tags.map((t) => ({ name, key: t.key, value: t.value }))).execute();
      }
      await recordAudit(trx, { actor: store.actor, action: 'model.create', subjectType: 'model', subjectId: name, after: { name, description: options.description ?? '' }, time: now });
    });
  } catch (err) {
    if (!(err instanceof SlipwayError) && /unique|duplicate/i.test(String(err))) throw alreadyExists(`Registered Model (name=${name}) already exists.`);
    throw err;
  }
  return getRegisteredModel(store, name);
}

export async function getRegisteredModel(store: Store, name: string): Promise<RegisteredModel> {
  const [m] = await readModels(store, [name]);
  if (!m) throw notFound(`Registered Model with name=${name} not found`);
  return m;
}

export async function hasRegisteredModel(store: Store, name: string): Promise<boolean> {
  return Boolean(await store.db.selectFrom('registered_models').select('name').where('name', '=', name).executeTakeFirst());
}

export interface ListModelsOptions {
  /** Case-insensitive substring of the name. */
  nameContains?: string;
}

export async function listRegisteredModels(store: Store, options: ListModelsOptions = {}): Promise<RegisteredModel[]> {
  const rows = await store.db.selectFrom('registered_models').select('name').orderBy('name').execute();
  const needle = options.nameContains?.toLowerCase();
  const names = rows.map((r) => r.name).filter((n) => !needle || n.toLowerCase().includes(needle));
  return readModels(store, names);
}

export async function renameRegisteredModel(store: Store, name: string, newName: string): Promise<RegisteredModel> {
  checkModelName(newName);
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    await requireModel(store, name, trx);
    if (await trx.selectFrom('registered_models').select('name').where('name', '=', newName).executeTakeFirst()) {
      throw alreadyExists(`Registered Model (name=${newName}) already exists.`);
    }
    // Foreign keys cascade the rename to versions, tags and aliases.
    await trx.updateTable('registered_models').set({ name: newName, last_updated_time: now }).where('name', '=', name).execute();
    await trx.updateTable('approvals').set({ name: newName }).where('name', '=', name).execute();
    await recordAudit(trx, { actor: store.actor, action: 'model.rename', subjectType: 'model', subjectId: newName, before: { name }, after: { name: newName }, time: now });
  });
  return getRegisteredModel(store, newName);
}

export async function updateRegisteredModel(store: Store, name: string, description: string): Promise<RegisteredModel> {
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    const before = await requireModel(store, name, trx);
    await trx.updateTable('registered_models').set({ description, last_updated_time: now }).where('name', '=', name).execute();
    await recordAudit(trx, { actor: store.actor, action: 'model.update', subjectType: 'model', subjectId: name, before: { description: before.description }, after: { description }, time: now });
  });
  return getRegisteredModel(store, name);
}

export async function deleteRegisteredModel(store: Store, name: string, reason = ''): Promise<void> {
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    const before = await requireModel(store, name, trx);
    const versions = await trx.selectFrom('model_versions').select(['version', 'blob_hash']).where('name', '=', name).execute();
    // Approvals belong to versions that are going away; a future model of the same name must not inherit them.
    await trx.deleteFrom('approvals').where('name', '=', name).execute();
    await trx.deleteFrom('registered_models').where('name', '=', name).execute();
    await recordAudit(trx, {
      actor: store.actor, action: 'model.delete', subjectType: 'model', subjectId: name,
      before: { ...before, versions: versions.map((v) => ({ version: v.version, blob_hash: v.blob_hash })) }, reason, time: now,
    });
  });
}

export async function setRegisteredModelTag(store: Store, name: string, key: string, value: string): Promise<void> {
  checkKey('Tag', key);
  checkValueLength('Tag', key, value, LIMITS.tagValue);
  await requireModel(store, name);
  await store.db.transaction().execute(async (trx) => {
    await trx.insertInto('registered_model_tags').values({ name, key, value })
      .onConflict((oc) => oc.columns(['name', 'key']).doUpdateSet({ value })).execute();
    await recordAudit(trx, { actor: store.actor, action: 'model.tag.set', subjectType: 'model', subjectId: name, after: { key, value }, time: store.now() });
  });
}

export async function deleteRegisteredModelTag(store: Store, name: string, key: string): Promise<void> {
  await requireModel(store, name);
  await store.db.transaction().execute(async (trx) => {
    const res = await trx.deleteFrom('registered_model_tags').where('name', '=', name).where('key', '=', key).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound(`No tag with key '${key}' on registered model '${name}'.`);
    await recordAudit(trx, { actor: store.actor, action: 'model.tag.delete', subjectType: 'model', subjectId: name, before: { key }, time: store.now() });
  });
}

async function requireModel(store: Store, name: string, db = store.db) {
  const row = await db.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw notFound(`Registered Model with name=${name} not found`);
  return { name: row.name, description: row.description };
}

/** Loads models with their tags, aliases and latest versions, in the order of `names` (missing names are skipped). */
export async function readModels(store: Store, names: readonly string[]): Promise<RegisteredModel[]> {
  if (names.length === 0) return [];
  const db = store.db;
  const [models, tags, aliases, versions] = await Promise.all([
    db.selectFrom('registered_models').selectAll().where('name', 'in', names).execute(),
    db.selectFrom('registered_model_tags').selectAll().where('name', 'in', names).orderBy('key').execute(),
    db.selectFrom('model_aliases').selectAll().where('name', 'in', names).orderBy('alias').execute(),
    db.selectFrom('model_versions').selectAll().where('name', 'in', names).orderBy('version', 'desc').execute(),
  ]);
  // MLflow's latest_versions: the newest version in each stage.
  const latestRows = versions.filter((v, i) => versions.findIndex((w) => w.name === v.name && w.current_stage === v.current_stage) === i);
  const latest = await readVersions(db, latestRows);
  const byName = new Map(models.map((m) => [m.name, m]));
  return names.flatMap((n) => {
    const m = byName.get(n);
    if (!m) return [];
    return [{
      name: m.name,
      description: m.description,
      creation_timestamp: Number(m.creation_time),
      last_updated_timestamp: Number(m.last_updated_time),
      tags: tags.filter((t) => t.name === n).map((t) => ({ key: t.key, value: t.value })),
      aliases: aliases.filter((a) => a.name === n).map((a) => ({ alias: a.alias, version: String(a.version) })),
      latest_versions: latest.filter((v) => v.name === n).sort((a, b) => Number(a.version) - Number(b.version)),
    }];
  });
}
