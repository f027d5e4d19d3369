/**
 * Where a reference lives: two artifacts of the run that made it (a training run), so it is versioned,
 * deduplicated and verified by hash like any artifact, and found again from a model version's run_id.
 *
 * | artifact                    | content                                              |
 * |-----------------------------|------------------------------------------------------|
 * | `reference/profile.json`    | the profile, as `serializeProfile` writes it          |
 * | `reference/sample.parquet`  | the sample (numbers DOUBLE; integer columns are read back as integer from the profile's types) |
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SlipwayError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { putArtifact, resolveArtifact } from '../../tracking/index.js';
import { parseProfile, serializeProfile } from '../profile/index.js';
import { readTable } from '../readers/index.js';
import { type ColumnType } from '../table.js';
import { ParquetEncoder } from '../writers/parquet-writer.js';
import { type Reference } from './build-reference.js';

export const REFERENCE_PROFILE_ARTIFACT = 'reference/profile.json';
export const REFERENCE_SAMPLE_ARTIFACT = 'reference/sample.parquet';

/** Stores a reference on an active run (its two artifacts replace any earlier ones of that run). */
export async function writeReference(store: Store, runId: string, reference: Reference): Promise<void> {
  for (const [path, data] of referenceArtifacts(reference)) await putArtifact(store, runId, path, data);
}

/**
 * A reference's two artifacts, in the order to store them: the profile last, as its presence is what
 * says the run has a reference (see readReference). For runs kept elsewhere than a local store.
 */
export function referenceArtifacts(reference: Reference): [path: string, data: Uint8Array | string][] {
  const encoder = new ParquetEncoder();
  const head = encoder.encode(reference.sample);
  const tail = encoder.finish();
  const bytes = new Uint8Array(head.length + tail.length);
  bytes.set(head, 0);
  bytes.set(tail, head.length);
  return [[REFERENCE_SAMPLE_ARTIFACT, bytes], [REFERENCE_PROFILE_ARTIFACT, serializeProfile(reference.profile)]];
}

/** The reference stored on a run, or undefined when the run has none. */
export async function readReference(store: Store, runId: string): Promise<Reference | undefined> {
  const profileRef = await resolveArtifact(store, runId, REFERENCE_PROFILE_ARTIFACT).catch(absent);
  if (!profileRef) return undefined;
  if (profileRef.kind !== 'file') return undefined;
  const profile = parseProfile((await store.objects.get(profileRef.hash)).toString('utf8'));
  const sampleRef = await resolveArtifact(store, runId, REFERENCE_SAMPLE_ARTIFACT).catch(absent);
  if (!sampleRef || sampleRef.kind !== 'file') {
    throw new SlipwayError('DATA_CORRUPTION', `run ${runId} has ${REFERENCE_PROFILE_ARTIFACT} but no ${REFERENCE_SAMPLE_ARTIFACT}; store the reference again.`, { runId });
  }
  // Parquet holds every number as DOUBLE; the profile says which columns were integers.
  const types: Record<string, ColumnType> = {};
  for (const c of profile.columns) if (c.kind === 'numeric' && c.type === 'integer') types[c.name] = 'integer';
  const dir = await mkdtemp(join(tmpdir(), 'slipway-reference-'));
  try {
    const file = join(dir, 'sample.parquet');
    await store.objects.getToFile(sampleRef.hash, file);
    const { badRows: _b, stats: _s, ...sample } = await readTable(file, { types });
    return { profile, sample };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function absent(err: unknown): undefined {
  if (err instanceof SlipwayError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
  throw err;
}
