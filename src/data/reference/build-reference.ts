/**
 * A dataset's reference for monitoring: the profile of every row (mergeable, so drift tests compare
 * with it without re-reading the data) and a seeded, bounded reservoir sample (raw values for exact
 * tests such as Kolmogorov–Smirnov). Both come from one pass, in memory or over a chunk stream.
 *
 * @example
 *   const ref = await buildReferenceFromChunks(readChunks('train.csv'), { seed: 0 });
 *   ref.profile.rowCount; // every row
 *   ref.sample.rowCount; // min(rows, 50,000)
 */
import { invalid } from '../../errors.js';
import { type DatasetProfile, mergeProfileInto, type ProfileOptions, profileTable, resolveSettings } from '../profile/index.js';
import { type Table } from '../table.js';
import { ReservoirSampler, type SampleOptions } from './reservoir-sampler.js';

export interface Reference {
  /** The profile of every input row. */
  readonly profile: DatasetProfile;
  /** A uniform sample of min(rows, maxRows) rows in input order. */
  readonly sample: Table;
}

export interface ReferenceOptions extends SampleOptions {
  /**
   * Keep only these columns (in the input's order); e.g. a model's features and its target.
   * @default every column
   */
  readonly columns?: readonly string[];
  /** Profile settings. @default the data module's defaults */
  readonly profile?: ProfileOptions;
}

/** The reference of a table in memory (its profile is `profileTable`'s, its sample `reservoirSample`'s). */
export function buildReference(table: Table, options: ReferenceOptions): Reference {
  const sampler = new ReservoirSampler(options);
  const kept = keepColumns(table, options.columns);
  sampler.add(kept);
  return { profile: profileTable(kept, options.profile), sample: sampler.result() };
}

/**
 * The reference of a chunk stream (e.g. `readChunks`), read once: memory holds one chunk, the running
 * profile and the sample. The sample equals `buildReference`'s on the same rows and seed; the profile
 * is the chunks' merged profile (exact counts equal, sketches within their stated error).
 */
export async function buildReferenceFromChunks(chunks: AsyncIterable<Table> | Iterable<Table>, options: ReferenceOptions): Promise<Reference> {
  const sampler = new ReservoirSampler(options);
  const settings = resolveSettings(options.profile);
  let profile: DatasetProfile | undefined;
  for await (const chunk of chunks) {
    const kept = keepColumns(chunk, options.columns);
    sampler.add(kept);
    const p = profileTable(kept, settings);
    profile = profile ? mergeProfileInto(profile, p) : p;
  }
  return { profile: profile ?? { rowCount: 0, settings, columns: [] }, sample: sampler.result() };
}

function keepColumns(table: Table, columns: readonly string[] | undefined): Table {
  if (columns === undefined) return table;
  const names = new Set(table.columns.map((c) => c.name));
  const missing = columns.filter((c) => !names.has(c));
  if (missing.length) {
    throw invalid(`reference column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} not in the data (columns: ${[...names].join(', ')})`);
  }
  const keep = new Set(columns);
  return { ...table, columns: table.columns.filter((c) => keep.has(c.name)) };
}
