import type { Kysely, Selectable } from 'kysely';
import { invalid, notFound } from '../errors.js';
import type { Database, ModelVersionsTable } from '../store/index.js';
import type { ModelStage, ModelVersion } from './types.js';

/** Loads versions with their tags and aliases, one query per table. */
export async function readVersions(db: Kysely<Database>, rows: readonly Selectable<ModelVersionsTable>[]): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const names = [...new Set(rows.map((r) => r.name))];
  const [tags, aliases] = await Promise.all([
    db.selectFrom('model_version_tags').selectAll().where('name', 'in', names).orderBy('key').execute(),
    db.selectFrom('model_aliases').selectAll().where('name', 'in', names).orderBy('alias').execute(),
  ]);
  return rows.map((r) => ({
    name: r.name,
    version: String(r.version),
    creation_timestamp: Number(r.creation_time),
    last_updated_timestamp: Number(r.last_updated_time),
    user_id: r.user_id,
    current_stage: r.current_stage as ModelStage,
    description: r.description,
    source: r.source,
    run_id: r.run_id ?? '',
    status: r.status as ModelVersion['status'],
    status_message: r.status_message,
    tags: tags.filter((t) => t.name === r.name && t.version === r.version).map((t) => ({ key: t.key, value: t.value })),
    aliases: aliases.filter((a) => a.name === r.name && a.version === r.version).map((a) => a.alias),
    blob: { hash: r.blob_hash, size: Number(r.blob_size), kind: r.blob_kind as 'file' | 'directory' },
  }));
}

export async function readVersion(db: Kysely<Database>, name: string, version: number): Promise<ModelVersion> {
  const row = await db.selectFrom('model_versions').selectAll().where('name', '=', name).where('version', '=', version).executeTakeFirst();
  if (!row) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
  const [v] = await readVersions(db, [row]);
  if (!v) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
  return v;
}

/** Versions are positive integers; MLflow sends them as strings. */
export function parseVersion(version: string | number): number {
  const s = String(version).trim();
  if (!/^[1-9]\d{0,8}$/.test(s)) throw invalid(`Invalid model version '${version}': expected a positive integer.`);
  return Number(s);
}
