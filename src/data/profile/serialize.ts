/**
 * The stored form of a profile: versioned JSON, `{"kind": "slipway.profile/v1", ...}`. Everything a
 * merge needs survives the round trip (sketch coin-flip state included), so merging a stored reference
 * profile gives exactly what merging the in-memory one would. Values are written in a fixed order
 * (exact counts by value), so equal profiles serialise to equal text whatever order the rows came in.
 */
import { z } from 'zod';
import { invalid } from '../../errors.js';
import type { CategoricalProfile, ColumnProfile, NumericProfile } from './column-profile.js';
import { HeavyHitters } from './heavy-hitters.js';
import { HyperLogLog } from './hyperloglog.js';
import { sortedCounts } from './numeric-stats.js';
import type { DatasetProfile } from './profile.js';
import { QuantileSketch } from './quantile-sketch.js';

export const PROFILE_KIND = 'slipway.profile/v1';

const count = z.number().int().nonnegative();
const num = z.number(); // JSON has no NaN/Infinity, so z.number() here is always finite
const optionalExtreme = num.nullable(); // null: no finite value (the in-memory ±Infinity identity)
const counts = <T extends z.ZodType>(value: T) =>
  z.strictObject({ values: z.array(value), counts: z.array(count.positive()) }).nullable();

const sketchSchema = z.strictObject({ k: count, n: count, rng: count, levels: z.array(z.array(num)) });
const heavySchema = z.strictObject({
  k: count.positive(),
  offset: count,
  entries: z.array(z.tuple([z.string(), count.positive()])),
});

const numericSchema = z.strictObject({
  name: z.string(),
  kind: z.literal('numeric'),
  type: z.enum(['integer', 'float', 'timestamp']),
  count,
  nulls: count,
  infinite: count,
  min: optionalExtreme,
  max: optionalExtreme,
  sum: num,
  mean: num,
  meanLow: num,
  m2: num.nonnegative(),
  zeros: count,
  negatives: count,
  allIntegers: z.boolean(),
  exact: counts(num),
  hll: z.string().nullable(),
  sketch: sketchSchema.nullable(),
});

const categoricalSchema = z.strictObject({
  name: z.string(),
  kind: z.literal('categorical'),
  type: z.enum(['string', 'boolean', 'mixed']),
  count,
  nulls: count,
  minLength: optionalExtreme,
  maxLength: optionalExtreme,
  totalLength: count,
  exact: counts(z.string()),
  hll: z.string().nullable(),
  heavyHitters: heavySchema.nullable(),
});

const profileSchema = z.strictObject({
  kind: z.literal(PROFILE_KIND),
  rowCount: count,
  settings: z.strictObject({ exactLimit: count, sketchK: count.min(8), heavyHitters: count.positive() }),
  columns: z.array(z.discriminatedUnion('kind', [numericSchema, categoricalSchema])),
});

type ColumnJson = z.infer<typeof numericSchema> | z.infer<typeof categoricalSchema>;

const extreme = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Fields listed one by one, so the text's key order never depends on how the object was built. */
function columnToJson(c: ColumnProfile): ColumnJson {
  const hll = c.hll ? c.hll.toBase64() : null;
  if (c.kind === 'numeric') {
    const exact = c.exact && sortedCounts(c.exact);
    return {
      name: c.name,
      kind: c.kind,
      type: c.type,
      count: c.count,
      nulls: c.nulls,
      infinite: c.infinite,
      min: extreme(c.min),
      max: extreme(c.max),
      sum: c.sum,
      mean: c.mean,
      meanLow: c.meanLow,
      m2: c.m2,
      zeros: c.zeros,
      negatives: c.negatives,
      allIntegers: c.allIntegers,
      exact: exact && { values: Array.from(exact.values), counts: Array.from(exact.counts) },
      hll,
      sketch: c.sketch ? c.sketch.toJSON() : null,
    } satisfies z.infer<typeof numericSchema>;
  }
  const keys = c.exact ? [...c.exact.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)) : null;
  return {
    name: c.name,
    kind: c.kind,
    type: c.type,
    count: c.count,
    nulls: c.nulls,
    minLength: extreme(c.minLength),
    maxLength: extreme(c.maxLength),
    totalLength: c.totalLength,
    exact: keys && { values: keys, counts: keys.map((k) => c.exact?.get(k) ?? 0) },
    hll,
    heavyHitters: c.heavy ? c.heavy.toJSON() : null,
  } satisfies z.infer<typeof categoricalSchema>;
}

export function serializeProfile(p: DatasetProfile): string {
  const { exactLimit, sketchK, heavyHitters } = p.settings;
  return JSON.stringify({
    kind: PROFILE_KIND,
    rowCount: p.rowCount,
    settings: { exactLimit, sketchK, heavyHitters },
    columns: p.columns.map(columnToJson),
  });
}

function exactMap<K>(
  where: string,
  exact: { values: K[]; counts: number[] } | null,
  total: number,
  limit: number,
): Map<K, number> | null {
  if (!exact) return null;
  if (exact.values.length !== exact.counts.length)
    throw invalid(`invalid profile: ${where}.exact has ${exact.values.length} values but ${exact.counts.length} counts`);
  const map = new Map<K, number>();
  exact.values.forEach((v, i) => map.set(v, exact.counts[i] as number));
  if (map.size !== exact.values.length) throw invalid(`invalid profile: ${where}.exact repeats a value`);
  if (map.size > limit) throw invalid(`invalid profile: ${where}.exact has ${map.size} values, above exactLimit ${limit}`);
  const sum = exact.counts.reduce((a, b) => a + b, 0);
  if (sum !== total) throw invalid(`invalid profile: ${where}.exact counts add up to ${sum}, not the count ${total}`);
  return map;
}

function columnFromJson(c: ColumnJson, where: string, d: z.infer<typeof profileSchema>): ColumnProfile {
  const { settings } = d;
  if ((c.exact === null) !== (c.hll !== null))
    throw invalid(`invalid profile: ${where} must have either exact counts or a HyperLogLog`);
  const hll = c.hll === null ? null : HyperLogLog.fromBase64(c.hll, `${where}.hll`);
  const rows = c.count + c.nulls + (c.kind === 'numeric' ? c.infinite : 0);
  if (rows !== d.rowCount) throw invalid(`invalid profile: ${where} accounts for ${rows} rows, not rowCount ${d.rowCount}`);
  if (c.kind === 'numeric') {
    if ((c.sketch === null) !== (c.exact !== null))
      throw invalid(`invalid profile: ${where} must have a sketch exactly when it has no exact counts`);
    if ((c.min === null || c.max === null) !== (c.count === 0))
      throw invalid(`invalid profile: ${where} min and max must be null exactly when count is 0`);
    const sketch = c.sketch && QuantileSketch.fromJSON(c.sketch, `${where}.sketch`);
    if (sketch && (sketch.k !== settings.sketchK || sketch.n !== c.count))
      throw invalid(`invalid profile: ${where}.sketch must have k = sketchK and n = count`);
    const out: NumericProfile = {
      ...c,
      min: c.min ?? Infinity,
      max: c.max ?? -Infinity,
      exact: exactMap(where, c.exact, c.count, settings.exactLimit),
      hll,
      sketch,
    };
    return out;
  }
  const { heavyHitters, ...rest } = c;
  if ((heavyHitters === null) !== (c.exact !== null))
    throw invalid(`invalid profile: ${where} must have heavyHitters exactly when it has no exact counts`);
  const heavy = heavyHitters && HeavyHitters.fromJSON(heavyHitters, `${where}.heavyHitters`);
  if (heavy && heavy.k !== settings.heavyHitters)
    throw invalid(`invalid profile: ${where}.heavyHitters must have k = settings.heavyHitters`);
  const out: CategoricalProfile = {
    ...rest,
    minLength: c.minLength ?? Infinity,
    maxLength: c.maxLength ?? -Infinity,
    exact: exactMap(where, c.exact, c.count, settings.exactLimit),
    hll,
    heavy,
  };
  return out;
}

/** Parses and validates a stored profile; anything malformed is an INVALID_PARAMETER_VALUE naming where. */
export function parseProfile(text: string): DatasetProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw invalid(`invalid profile: not JSON (${(e as Error).message})`);
  }
  if (typeof raw === 'object' && raw !== null && 'kind' in raw && raw.kind !== PROFILE_KIND) {
    throw invalid(`invalid profile: kind is ${JSON.stringify(raw.kind)}, expected "${PROFILE_KIND}"`);
  }
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw invalid(`invalid profile: ${path.replace(/^\./, '') || 'document'}: ${issue?.message ?? 'malformed'}`);
  }
  const d = parsed.data;
  return {
    rowCount: d.rowCount,
    settings: d.settings,
    columns: d.columns.map((c, i) => columnFromJson(c, `columns[${i}] ('${c.name}')`, d)),
  };
}
