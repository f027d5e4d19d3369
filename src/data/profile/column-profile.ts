/**
 * The mergeable state of one column's profile. Two families: numeric (integer, float, timestamp — the
 * latter as epoch ms) and categorical (string, boolean, mixed). Each keeps exact value counts while the
 * column has at most `exactLimit` distinct values; past that the counts are dropped for a HyperLogLog
 * (distinct), a KLL sketch (numeric quantiles/histograms) or a Misra–Gries summary (categorical top
 * values). While exact counts exist the sketches are not built at all: every sketch here is a function
 * of the counts, so it is derived at the moment the counts are dropped — which also makes "dropped"
 * depend only on the data, never on how it was chunked.
 */
import { type Column } from '../table.js';
import { categoricalProfile, cloneCategorical, emptyCategorical, mergeCategorical } from './categorical-stats.js';
import { invalid } from '../../errors.js';
import { type HeavyHitters, DEFAULT_HEAVY_HITTERS } from './heavy-hitters.js';
import { type HyperLogLog } from './hyperloglog.js';
import { cloneNumeric, emptyNumeric, mergeNumeric, numericProfile } from './numeric-stats.js';
import { type QuantileSketch, DEFAULT_SKETCH_K } from './quantile-sketch.js';

/** Settings that shape a profile's state; profiles merge only when theirs are equal. */
export interface ProfileSettings {
  /** Exact value counts are kept while a column has at most this many distinct values. */
  readonly exactLimit: number;
  /** k of the KLL quantile sketch. */
  readonly sketchK: number;
  /** Counters of the heavy-hitters summary. */
  readonly heavyHitters: number;
}

export const DEFAULT_SETTINGS: ProfileSettings = {
  exactLimit: 1000,
  sketchK: DEFAULT_SKETCH_K,
  heavyHitters: DEFAULT_HEAVY_HITTERS,
};

export type NumericType = 'integer' | 'float' | 'timestamp';
export type CategoricalType = 'string' | 'boolean' | 'mixed';

export interface NumericProfile {
  readonly kind: 'numeric';
  readonly name: string;
  type: NumericType;
  /** Finite values (every moment below is over these). */
  count: number;
  nulls: number;
  /** ±Infinity values: counted, but kept out of moments, quantiles and distinct counts. */
  infinite: number;
  /** +Infinity / −Infinity while count is 0 (the identities of min and max). */
  min: number;
  max: number;
  sum: number;
  /** The mean is mean + meanLow (a double-double: meanLow is below mean's last bit; see numeric-stats.ts). */
  mean: number;
  meanLow: number;
  /** Sum of squared deviations from the mean (Welford's M2); variance = m2 / (count − ddof). */
  m2: number;
  zeros: number;
  negatives: number;
  /** Every value is a whole number. */
  allIntegers: boolean;
  /** value → count while distinct ≤ exactLimit, else null. */
  exact: Map<number, number> | null;
  /** Set exactly when `exact` is null. */
  hll: HyperLogLog | null;
  sketch: QuantileSketch | null;
}

export interface CategoricalProfile {
  readonly kind: 'categorical';
  readonly name: string;
  type: CategoricalType;
  count: number;
  nulls: number;
  /** Lengths in code points (strings only; ±Infinity while count is 0). */
  minLength: number;
  maxLength: number;
  totalLength: number;
  /** value → count while distinct ≤ exactLimit, else null. Booleans use the keys 'true' and 'false'. */
  exact: Map<string, number> | null;
  /** Set exactly when `exact` is null. */
  hll: HyperLogLog | null;
  heavy: HeavyHitters | null;
}

export type ColumnProfile = NumericProfile | CategoricalProfile;

/** The profile of one column (or chunk of one); `seed` varies the sketch's coin flips per chunk. */
export function profileColumn(col: Column, settings: ProfileSettings, seed: number): ColumnProfile {
  switch (col.kind) {
    case 'number':
    case 'timestamp':
      return numericProfile(col, settings, seed);
    default:
      return categoricalProfile(col, settings);
  }
}

export function cloneColumn(p: ColumnProfile): ColumnProfile {
  return p.kind === 'numeric' ? cloneNumeric(p) : cloneCategorical(p);
}

function family(type: NumericType | CategoricalType): 'number' | NumericType | CategoricalType {
  return type === 'integer' || type === 'float' ? 'number' : type;
}

/** integer + float widen to float; an all-null column takes the other side's type (readers infer all-null chunks loosely). */
function joinedType(a: ColumnProfile, b: ColumnProfile): NumericType | CategoricalType {
  if (family(a.type) === family(b.type)) return a.type === b.type ? a.type : 'float';
  const aEmpty = a.count + (a.kind === 'numeric' ? a.infinite : 0) === 0;
  const bEmpty = b.count + (b.kind === 'numeric' ? b.infinite : 0) === 0;
  if (aEmpty && !bEmpty) return b.type;
  if (bEmpty && !aEmpty) return a.type;
  if (aEmpty && bEmpty) return a.type < b.type ? a.type : b.type; // any fixed choice keeps merge commutative
  throw invalid(`cannot merge profiles: column '${a.name}' is ${a.type} in one and ${b.type} in the other`, {
    column: a.name,
  });
}

function retyped(p: ColumnProfile, type: NumericType | CategoricalType): ColumnProfile {
  if (p.type === type) return p;
  if (family(p.type) === family(type)) return { ...p, type } as ColumnProfile;
  // Only an all-null profile changes family: it is nothing but its null count.
  const empty =
    type === 'integer' || type === 'float' || type === 'timestamp' ? emptyNumeric(p.name, type) : emptyCategorical(p.name, type);
  empty.nulls = p.nulls;
  return empty;
}

/** Folds `from` into `into` (mutating `into`, never `from`) and returns the result, which may be a new object. */
export function mergeColumnInto(into: ColumnProfile, from: ColumnProfile, settings: ProfileSettings): ColumnProfile {
  const type = joinedType(into, from);
  const a = retyped(into, type);
  const b = retyped(from, type);
  if (a.kind === 'numeric' && b.kind === 'numeric') return mergeNumeric(a, b, settings);
  if (a.kind === 'categorical' && b.kind === 'categorical') return mergeCategorical(a, b, settings);
  throw invalid(`cannot merge profiles: column '${a.name}' has incompatible kinds`);
}
