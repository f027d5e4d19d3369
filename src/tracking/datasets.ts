import { invalid } from '../errors.js';
import type { Store } from '../store/index.js';
import { requireActiveRun } from './runs.js';
import type { DatasetInput } from './types.js';

/**
 * Records which data a run read or wrote, by content hash: the link that lets a model version be traced
 * back to the exact bytes it was trained on. The same (name, digest, context) logged twice is one entry.
 */
export async function logInputs(store: Store, runId: string, datasets: readonly DatasetInput[]): Promise<void> {
  await requireActiveRun(store, runId);
  for (const d of datasets) {
    if (!d.name) throw invalid('A dataset input needs a name.');
    if (!/^[0-9a-f]{6,64}$/i.test(d.digest)) throw invalid(`Dataset '${d.name}' has an invalid digest '${d.digest}': expected a hex hash.`);
  }
  await store.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('input_datasets').select(['name', 'hash', 'role']).where('run_uuid', '=', runId).execute();
    const seen = new Set(existing.map((e) => `${e.name}\0${e.hash}\0${e.role}`));
    for (const d of datasets) {
      const k = `${d.name}\0${d.digest}\0${d.context}`;
      if (seen.has(k)) continue;
      seen.add(k);
      await trx
        .insertInto('input_datasets')
        .values({ run_uuid: runId, name: d.name, hash: d.digest, role: d.context || 'input', source: d.source ?? '', size: d.size ?? null })
        .execute();
    }
  });
}

/** Runs that read or wrote data with this digest: lineage from data forward to runs (and their models). */
export async function runsUsingData(store: Store, digest: string): Promise<{ run_id: string; name: string; context: string }[]> {
  const rows = await store.db.selectFrom('input_datasets').select(['run_uuid', 'name', 'role']).where('hash', '=', digest).orderBy('id').execute();
  return rows.map((r) => ({ run_id: r.run_uuid, name: r.name, context: r.role }));
}
