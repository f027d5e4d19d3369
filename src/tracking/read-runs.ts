import type { Kysely } from 'kysely';
import { notFound } from '../errors.js';
import type { Database, RunsTable } from '../store/index.js';
import type { Selectable } from 'kysely';
import type { Run, RunInfo, RunStatus } from './types.js';

/**
 * Loads whole runs (info, latest metrics, params, tags, dataset inputs) for many ids with one query
 * per table, preserving the order of `runIds`.
 */
export async function readRuns(db: Kysely<Database>, runIds: readonly string[]): Promise<Run[]> {
  if (runIds.length === 0) return [];
  const out: Run[] = [];
  // Keep IN lists well under the databases' parameter limits.
  for (let i = 0; i < runIds.length; i += 5000) {
    out.push(...(await readChunk(db, runIds.slice(i, i + 5000))));
  }
  return out;
}

export async function readRun(db: Kysely<Database>, runId: string): Promise<Run> {
  const [run] = await readRuns(db, [runId]);
  if (!run) throw notFound(`Run with id=${runId} not found`);
  return run;
}

async function readChunk(db: Kysely<Database>, ids: readonly string[]): Promise<Run[]> {
  const [runs, metrics, params, tags, datasets] = await Promise.all([
    db.selectFrom('runs').selectAll().where('run_uuid', 'in', ids).execute(),
    db.selectFrom('latest_metrics').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute(),
    db.selectFrom('params').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute(),
    db.selectFrom('tags').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute(),
    db.selectFrom('input_datasets').selectAll().where('run_uuid', 'in', ids).orderBy('id').execute(),
  ]);
  const byId = new Map<string, { info: RunInfo; metrics: Run['data']['metrics'][number][]; params: { key: string; value: string }[]; tags: { key: string; value: string }[]; datasets: Run['inputs']['datasets'][number][] }>();
  for (const r of runs) byId.set(r.run_uuid, { info: toRunInfo(r), metrics: [], params: [], tags: [], datasets: [] });
  for (const m of metrics) {
    byId.get(m.run_uuid)?.metrics.push({ key: m.key, value: m.is_nan ? Number.NaN : m.value, timestamp: Number(m.timestamp), step: Number(m.step) });
  }
  for (const p of params) byId.get(p.run_uuid)?.params.push({ key: p.key, value: p.value });
  for (const t of tags) byId.get(t.run_uuid)?.tags.push({ key: t.key, value: t.value });
  for (const d of datasets) {
    byId.get(d.run_uuid)?.datasets.push({
      name: d.name, digest: d.hash, context: d.role, source: d.source,
      ...(d.size === null ? {} : { size: Number(d.size) }),
    });
  }
  const out: Run[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (r) out.push({ info: r.info, data: { metrics: r.metrics, params: r.params, tags: r.tags }, inputs: { datasets: r.datasets } });
  }
  return out;
}

export function toRunInfo(r: Selectable<RunsTable>): RunInfo {
  return {
    run_id: r.run_uuid,
    run_name: r.name,
    experiment_id: String(r.experiment_id),
    user_id: r.user_id,
    status: r.status as RunStatus,
    start_time: Number(r.start_time),
    ...(r.end_time === null ? {} : { end_time: Number(r.end_time) }),
    artifact_uri: r.artifact_uri,
    lifecycle_stage: r.lifecycle_stage as RunInfo['lifecycle_stage'],
    ...(r.source_git_commit ? { source_git_commit: r.source_git_commit } : {}),
    ...(r.parent_run_id ? { parent_run_id: r.parent_run_id } : {}),
  };
}
