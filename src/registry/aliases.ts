import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { invalid, notFound } from '../errors.js';
import type { Database } from '../store/index.js';
import type { Store } from '../store/index.js';
import { parseVersion, readVersion } from './read-versions.js';
import { checkStage } from './versions.js';
import type { ModelVersion } from './types.js';

/** MLflow's alias rule: not 'latest' and not 'v<digits>' (those already mean something in URIs). */
export function checkAlias(alias: unknown): string {
  if (typeof alias !== 'string' || !/^[\w-]{1,255}$/.test(alias)) {
    throw invalid(`Invalid alias '${String(alias)}': use letters, digits, '_' and '-' (at most 255 characters).`);
  }
  if (/^latest$/i.test(alias) || /^v\d+$/i.test(alias)) {
    throw invalid(`Invalid alias '${alias}': 'latest' and 'v<number>' are reserved in model URIs.`);
  }
  return alias;
}

export interface MoveOptions {
  /** Why: recorded in the history and the audit log. */
  reason?: string;
  /** The audit action name; promotion uses 'model.promote'. */
  action?: string;
}

/** Points `alias` at a version, recording which version held it before, who moved it and why. */
export async function setAlias(store: Store, name: string, alias: string, version: string | number, options: MoveOptions = {}): Promise<ModelVersion> {
  checkAlias(alias);
  const v = parseVersion(version);
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    await readVersion(trx, name, v);
    const previous = await currentAliasVersion(trx, name, alias);
    if (previous === v) return;
    await trx.insertInto('model_aliases').values({ name, alias, version: v })
      .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version: v })).execute();
    await trx.insertInto('model_transitions').values({
      name, kind: 'alias', target: alias, version: v, previous_version: previous ?? null, actor: store.actor, reason: options.reason ?? '', time: now,
    }).execute();
    await recordAudit(trx, {
      actor: store.actor, action: options.action ?? 'model.alias.set', subjectType: 'model', subjectId: `${name}/${v}`,
      before: { alias, version: previous ?? null }, after: { alias, version: v }, reason: options.reason, time: now,
    });
  });
  return readVersion(store.db, name, v);
}

export async function deleteAlias(store: Store, name: string, alias: string, options: MoveOptions = {}): Promise<void> {
  checkAlias(alias);
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    const previous = await currentAliasVersion(trx, name, alias);
    if (previous === undefined) throw notFound(`Registered model alias ${alias} not found.`);
    await trx.deleteFrom('model_aliases').where('name', '=', name).where('alias', '=', alias).execute();
    await trx.insertInto('model_transitions').values({
      name, kind: 'alias', target: alias, version: null, previous_version: previous, actor: store.actor, reason: options.reason ?? '', time: now,
    }).execute();
    await recordAudit(trx, {
      actor: store.actor, action: 'model.alias.delete', subjectType: 'model', subjectId: `${name}/${previous}`,
      before: { alias, version: previous }, after: { alias, version: null }, reason: options.reason, time: now,
    });
  });
}

export async function getVersionByAlias(store: Store, name: string, alias: string): Promise<ModelVersion> {
  const v = await currentAliasVersion(store.db, name, alias);
  if (v === undefined) throw notFound(`Registered model alias ${alias} not found.`);
  return readVersion(store.db, name, v);
}

async function currentAliasVersion(db: Kysely<Database>, name: string, alias: string): Promise<number | undefined> {
  const row = await db.selectFrom('model_aliases').select('version').where('name', '=', name).where('alias', '=', alias).executeTakeFirst();
  return row ? Number(row.version) : undefined;
}

export interface TransitionOptions extends MoveOptions {
  /** Move every other version in the target stage to Archived (MLflow's archive_existing_versions). */
  archiveExisting?: boolean;
}

/** MLflow's deprecated stages, kept because clients still use them; history is recorded as for aliases. */
export async function transitionStage(store: Store, name: string, version: string | number, stage: string, options: TransitionOptions = {}): Promise<ModelVersion> {
  const target = checkStage(stage);
  const v = parseVersion(version);
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    const before = await readVersion(trx, name, v);
    const others = options.archiveExisting && (target === 'Staging' || target === 'Production')
      ? await trx.selectFrom('model_versions').select('version').where('name', '=', name).where('current_stage', '=', target).where('version', '!=', v).execute()
      : [];
    for (const o of others) {
      await trx.updateTable('model_versions').set({ current_stage: 'Archived', last_updated_time: now }).where('name', '=', name).where('version', '=', o.version).execute();
      await trx.insertInto('model_transitions').values({
        name, kind: 'stage', target: 'Archived', version: o.version, previous_version: null, actor: store.actor, reason: `archived by promotion of version ${v}`, time: now,
      }).execute();
    }
    await trx.updateTable('model_versions').set({ current_stage: target, last_updated_time: now }).where('name', '=', name).where('version', '=', v).execute();
    await trx.insertInto('model_transitions').values({
      name, kind: 'stage', target, version: v, previous_version: null, actor: store.actor, reason: options.reason ?? '', time: now,
    }).execute();
    await recordAudit(trx, {
      actor: store.actor, action: 'model_version.stage', subjectType: 'model_version', subjectId: `${name}/${v}`,
      before: { stage: before.current_stage }, after: { stage: target, archived: others.map((o) => o.version) }, reason: options.reason, time: now,
    });
  });
  return readVersion(store.db, name, v);
}
