/**
 * A model version's reference data: the profile and sample of its training data that the `uses: train`
 * stage stored on its run (see src/data's writeReference), found through the version's run_id.
 */
import { type DatasetProfile, readReference, type Table } from '../../data/index.js';
import { notFound } from '../../errors.js';
import { getModelVersion } from '../../registry/index.js';
import type { Store } from '../../store/index.js';
import { runsUsingData } from '../../tracking/index.js';

export interface ModelReference {
  /** The profile of every training row (features and target). */
  readonly profile: DatasetProfile;
  /** The seeded reservoir sample of the training rows (at most 50,000 by default). */
  readonly sample: Table;
  /** The run the reference is stored on: the run that trained the version. */
  readonly runId: string;
}

/**
 * Looks on the version's run first, then on the other runs whose outputs are the same model bytes
 * (newest first): a train stage restored from the run cache gets a new run that carries no reference,
 * while the run that really trained those bytes does.
 *
 * @example
 *   const { profile, sample } = await getModelReference(store, 'income', 3);
 */
export async function getModelReference(store: Store, name: string, version: string | number): Promise<ModelReference> {
  const mv = await getModelVersion(store, name, version);
  const producers = (await runsUsingData(store, mv.blob.hash)).filter((r) => r.context === 'output').map((r) => r.run_id).reverse();
  const candidates = [...new Set([mv.run_id, ...producers].filter((id) => id !== ''))];
  for (const runId of candidates) {
    const reference = await readReference(store, runId);
    if (reference) return { ...reference, runId };
  }
  const origin = mv.run_id ? `its run ${mv.run_id} stored none` : 'it was registered without a training run';
  throw notFound(
    `Model version ${name}/${mv.version} has no reference data (training profile and sample): ${origin}. ` +
      'Train it with a `uses: train` pipeline stage, which stores one, or store one on its run with ' +
      'writeReference(store, runId, buildReference(trainingTable, { seed })).',
    { name, version: mv.version, runId: mv.run_id },
  );
}
