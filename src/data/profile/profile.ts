/**
 * Dataset profiles: profile a table (or each chunk of a big file), merge profiles (chunks in parallel,
 * today's batch with yesterday's), and keep them — drift monitoring compares new data with a stored
 * reference profile instead of re-reading the training data.
 *
 * Merging is exact on counts, nulls, min, max, sums, exact value counts and HyperLogLog registers
 * (associative and commutative, and merged chunks equal the whole table), equal up to rounding on
 * mean and variance, and within the sketches' stated error on sketch-based quantiles.
 */
import { invalid } from '../../errors.js';
import { type Table } from '../table.js';
import {
  type ColumnProfile,
  type ProfileSettings,
  DEFAULT_SETTINGS,
  cloneColumn,
  mergeColumnInto,
  profileColumn,
} from './column-profile.js';
import { seedOf } from './hash.js';

export interface DatasetProfile {
  rowCount: number;
  readonly settings: ProfileSettings;
  columns: ColumnProfile[];
}

export type ProfileOptions = Partial<ProfileSettings>;

function positiveInt(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min)
    throw invalid(`profile option ${name} must be an integer ≥ ${min}, got ${v}`, { [name]: v });
  return v;
}

export function resolveSettings(options: ProfileOptions = {}): ProfileSettings {
  return {
    exactLimit: positiveInt('exactLimit', options.exactLimit ?? DEFAULT_SETTINGS.exactLimit, 0),
    sketchK: positiveInt('sketchK', options.sketchK ?? DEFAULT_SETTINGS.sketchK, 8),
    heavyHitters: positiveInt('heavyHitters', options.heavyHitters ?? DEFAULT_SETTINGS.heavyHitters, 1),
  };
}

/** The profile of a table or of one chunk of a file (chunks seed their sketches by rowOffset, so they differ). */
export function profileTable(table: Table, options: ProfileOptions = {}): DatasetProfile {
  const settings = resolveSettings(options);
  return {
    rowCount: table.rowCount,
    settings,
    columns: table.columns.map((col) => profileColumn(col, settings, seedOf(col.name, table.rowOffset))),
  };
}

function sameSettings(a: ProfileSettings, b: ProfileSettings): boolean {
  return a.exactLimit === b.exactLimit && a.sketchK === b.sketchK && a.heavyHitters === b.heavyHitters;
}

/** Column keys: the name, plus the occurrence number when a file repeats a header. */
function keyed(columns: readonly ColumnProfile[]): Map<string, ColumnProfile> {
  const seen = new Map<string, number>();
  const out = new Map<string, ColumnProfile>();
  for (const c of columns) {
    const n = seen.get(c.name) ?? 0;
    seen.set(c.name, n + 1);
    out.set(n === 0 ? c.name : `${c.name}\u0000${n}`, c);
  }
  return out;
}

/** Folds `from` into `into`, mutating `into` (never `from`); the streaming path of profileChunks. */
export function mergeProfileInto(into: DatasetProfile, from: DatasetProfile): DatasetProfile {
  if (!sameSettings(into.settings, from.settings)) {
    throw invalid(
      `cannot merge profiles made with different settings: ${JSON.stringify(into.settings)} and ${JSON.stringify(from.settings)}`,
    );
  }
  const theirs = keyed(from.columns);
  const mine = keyed(into.columns);
  for (const key of theirs.keys()) {
    if (!mine.has(key))
      throw invalid(`cannot merge profiles: column '${key.split('\u0000')[0]}' is missing from the first profile`);
  }
  into.columns = [...mine].map(([key, col]) => {
    const other = theirs.get(key);
    if (!other)
      throw invalid(`cannot merge profiles: column '${col.name}' is missing from the second profile`, { column: col.name });
    return mergeColumnInto(col, other, into.settings);
  });
  into.rowCount += from.rowCount;
  return into;
}

export function cloneProfile(p: DatasetProfile): DatasetProfile {
  return { rowCount: p.rowCount, settings: { ...p.settings }, columns: p.columns.map(cloneColumn) };
}

/** The profile of both inputs' rows; neither input changes. Columns keep the first profile's order. */
export function mergeProfiles(a: DatasetProfile, b: DatasetProfile): DatasetProfile {
  return mergeProfileInto(cloneProfile(a), b);
}

/**
 * Profiles a stream of chunks, merging each into a running profile as it arrives, so memory stays at
 * one chunk plus one profile however long the file. No chunks gives an empty profile (0 rows, no columns).
 */
export async function profileChunks(
  chunks: AsyncIterable<Table> | Iterable<Table>,
  options: ProfileOptions = {},
): Promise<DatasetProfile> {
  const settings = resolveSettings(options);
  let acc: DatasetProfile | undefined;
  for await (const chunk of chunks) {
    const p = profileTable(chunk, settings);
    acc = acc ? mergeProfileInto(acc, p) : p;
  }
  return acc ?? { rowCount: 0, settings, columns: [] };
}
