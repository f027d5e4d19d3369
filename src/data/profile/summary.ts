/**
 * The finished, human-facing view of a profile: what `slipway data profile --json` prints and the
 * HTML report draws. Derived on demand (never stored), so quantile levels, the number of top values
 * and the bins can change without re-profiling. Plain JSON: no NaN or Infinity (null instead).
 */
import { invalid } from '../../errors.js';
import type { CategoricalProfile, ColumnProfile, NumericProfile } from './column-profile.js';
import { byCountThenValue } from './heavy-hitters.js';
import { histogramCounts, profileQuantiles, sturgesEdges } from './histogram.js';
import type { DatasetProfile } from './profile.js';

export const DEFAULT_QUANTILES: readonly number[] = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1];
export const DEFAULT_TOP_VALUES = 10;

export interface SummaryOptions {
  /** Quantile levels in [0, 1] (default 0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1). */
  readonly quantiles?: readonly number[];
  /** How many top values per column (default 10). */
  readonly topValues?: number;
}

export interface TopValue {
  readonly value: string | number | boolean;
  /** Exact when topValuesExact; else a lower bound, at most topValuesMaxError below the truth. */
  readonly count: number;
}

export interface Quantile<V> {
  readonly q: number;
  readonly value: V | null;
}

export interface Histogram {
  /** Ascending bin edges (epoch ms for timestamps); bins are [e0, e1), …, [e(n−1), en]. */
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  readonly exact: boolean;
}

interface SummaryBase {
  readonly name: string;
  /** Non-null values (for numbers: including ±Infinity). */
  readonly count: number;
  readonly nulls: number;
  /** nulls / rows (0 for an empty table). */
  readonly nullFraction: number;
  readonly distinct: number;
  /** false: a HyperLogLog estimate (relative standard error 0.81%). */
  readonly distinctExact: boolean;
  readonly topValues: readonly TopValue[];
  readonly topValuesExact: boolean;
  readonly topValuesMaxError: number;
}

export interface NumericSummary extends SummaryBase {
  readonly kind: 'numeric';
  readonly type: 'integer' | 'float';
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Sample standard deviation (ddof = 1), pandas' default; null below 2 values. */
  readonly std: number | null;
  /** Population standard deviation (ddof = 0), numpy's default. */
  readonly stdPopulation: number | null;
  readonly sum: number;
  readonly zeros: number;
  readonly negatives: number;
  readonly infinite: number;
  /** Every value is a whole number. */
  readonly allIntegers: boolean;
  readonly quantiles: readonly Quantile<number>[];
  readonly quantilesExact: boolean;
  readonly histogram: Histogram | null;
}

/** Timestamps: statistics over epoch milliseconds, instants printed as ISO 8601 (UTC). */
export interface TimestampSummary extends SummaryBase {
  readonly kind: 'timestamp';
  readonly type: 'timestamp';
  readonly min: string | null;
  readonly max: string | null;
  readonly mean: string | null;
  /** Sample standard deviation in milliseconds. */
  readonly stdMs: number | null;
  readonly quantiles: readonly Quantile<string>[];
  readonly quantilesExact: boolean;
  readonly histogram: Histogram | null;
}

export interface CategoricalSummary extends SummaryBase {
  readonly kind: 'categorical';
  readonly type: 'string' | 'boolean' | 'mixed';
  /** Lengths in code points; strings only, null otherwise or when there are no values. */
  readonly minLength: number | null;
  readonly maxLength: number | null;
  readonly meanLength: number | null;
}

export type ColumnSummary = NumericSummary | TimestampSummary | CategoricalSummary;

export interface ProfileSummary {
  readonly rowCount: number;
  readonly columnCount: number;
  readonly columns: readonly ColumnSummary[];
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const iso = (v: number): string | null => (Number.isFinite(v) ? new Date(v).toISOString() : null);

/** Distinct count: exact from counts, else the HyperLogLog estimate clamped to what is known for sure. */
function distinctOf(p: ColumnProfile, exactLimit: number): { distinct: number; distinctExact: boolean } {
  if (p.exact) return { distinct: p.exact.size, distinctExact: true };
  const estimate = Math.round(p.hll?.estimate() ?? 0);
  return { distinct: Math.min(p.count, Math.max(exactLimit + 1, estimate)), distinctExact: false };
}

function base(p: ColumnProfile, rows: number, exactLimit: number) {
  const count = p.count + (p.kind === 'numeric' ? p.infinite : 0);
  return { name: p.name, count, nulls: p.nulls, nullFraction: rows === 0 ? 0 : p.nulls / rows, ...distinctOf(p, exactLimit) };
}

function numericSummary(
  p: NumericProfile,
  rows: number,
  exactLimit: number,
  opts: Required<SummaryOptions>,
): NumericSummary | TimestampSummary {
  const q = profileQuantiles(p, opts.quantiles);
  const edges = p.count > 0 ? sturgesEdges(p.min, p.max, p.count) : null;
  const histogram = edges ? { edges, ...histogramCounts(p, edges) } : null;
  const top = p.exact
    ? [...p.exact]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, opts.topValues)
        .map(([value, count]) => ({ value: p.type === 'timestamp' ? new Date(value).toISOString() : value, count }))
    : [];
  const tops = { topValues: top, topValuesExact: p.exact !== null, topValuesMaxError: 0 };
  const std = p.count > 1 ? Math.sqrt(p.m2 / (p.count - 1)) : null;
  const mean = p.count > 0 ? p.mean + p.meanLow : Number.NaN;
  const quantiles = opts.quantiles.map((level, i) => ({ q: level, value: q.values[i] as number }));
  if (p.type === 'timestamp') {
    return {
      kind: 'timestamp',
      type: 'timestamp',
      ...base(p, rows, exactLimit),
      ...tops,
      min: iso(p.min),
      max: iso(p.max),
      mean: iso(mean),
      stdMs: std,
      quantiles: quantiles.map((x) => ({ q: x.q, value: iso(x.value) })),
      quantilesExact: q.exact,
      histogram,
    };
  }
  return {
    kind: 'numeric',
    type: p.type,
    ...base(p, rows, exactLimit),
    ...tops,
    min: finite(p.min),
    max: finite(p.max),
    mean: finite(mean),
    std,
    stdPopulation: p.count > 0 ? Math.sqrt(p.m2 / p.count) : null,
    sum: p.sum,
    zeros: p.zeros,
    negatives: p.negatives,
    infinite: p.infinite,
    allIntegers: p.allIntegers,
    quantiles: quantiles.map((x) => ({ q: x.q, value: finite(x.value) })),
    quantilesExact: q.exact,
    histogram,
  };
}

function categoricalSummary(
  p: CategoricalProfile,
  rows: number,
  exactLimit: number,
  opts: Required<SummaryOptions>,
): CategoricalSummary {
  const entries = p.exact
    ? [...p.exact].map(([value, count]) => ({ value, count })).sort(byCountThenValue)
    : [...(p.heavy?.entries ?? [])];
  const topValues = entries
    .slice(0, opts.topValues)
    .map((e) => ({ value: p.type === 'boolean' ? e.value === 'true' : e.value, count: e.count }));
  const strings = p.type === 'string' && p.count > 0;
  return {
    kind: 'categorical',
    type: p.type,
    ...base(p, rows, exactLimit),
    topValues,
    topValuesExact: p.exact !== null,
    topValuesMaxError: p.heavy?.offset ?? 0,
    minLength: strings ? p.minLength : null,
    maxLength: strings ? p.maxLength : null,
    meanLength: strings ? p.totalLength / p.count : null,
  };
}

/** The JSON summary of a profile (the CLI's `--json` output). */
export function summarizeProfile(profile: DatasetProfile, options: SummaryOptions = {}): ProfileSummary {
  const opts = { quantiles: options.quantiles ?? DEFAULT_QUANTILES, topValues: options.topValues ?? DEFAULT_TOP_VALUES };
  const badQ = opts.quantiles.find((q) => !(q >= 0 && q <= 1));
  if (badQ !== undefined) throw invalid(`quantile levels must be between 0 and 1, got ${badQ}`);
  if (!Number.isInteger(opts.topValues) || opts.topValues < 0)
    throw invalid(`topValues must be a non-negative integer, got ${opts.topValues}`);
  const limit = profile.settings.exactLimit;
  return {
    rowCount: profile.rowCount,
    columnCount: profile.columns.length,
    columns: profile.columns.map((c) =>
      c.kind === 'numeric'
        ? numericSummary(c, profile.rowCount, limit, opts)
        : categoricalSummary(c, profile.rowCount, limit, opts),
    ),
  };
}
