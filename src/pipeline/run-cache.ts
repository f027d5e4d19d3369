import type { Store } from '../store/index.js';
import type { LockedPath } from './lock-file.js';

export interface CachedOut extends LockedPath {
  readonly kind: 'file' | 'directory';
}

/** The outs an earlier run produced for this stage key, if any run did and cached all of them. */
export async function lookupRunCache(store: Store, key: string): Promise<CachedOut[] | undefined> {
  const row = await store.db.selectFrom('run_cache').select('outs').where('key', '=', key).executeTakeFirst();
  return row ? (JSON.parse(row.outs) as CachedOut[]) : undefined;
}

/** The run that produced the outs cached under this key, if it was tracked. */
export async function lookupRunCacheRun(store: Store, key: string): Promise<string | undefined> {
  const row = await store.db.selectFrom('run_cache').select('run_id').where('key', '=', key).executeTakeFirst();
  return row?.run_id ?? undefined;
}

/** Remembers a stage's outs under its key; a later identical key (any workspace on this store) restores them. */
export async function saveRunCache(store: Store, key: string, stage: string, outs: readonly CachedOut[], runId: string | undefined): Promise<void> {
  const values = { key, stage, outs: JSON.stringify(outs), run_id: runId ?? null, created_time: store.now() };
  await store.db.insertInto('run_cache').values(values)
    .onConflict((oc) => oc.column('key').doUpdateSet({ outs: values.outs, run_id: values.run_id, created_time: values.created_time })).execute();
}
