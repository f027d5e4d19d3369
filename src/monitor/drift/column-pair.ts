/**
 * A column's reference and current samples side by side, with the derived views the tests share
 * (aligned category counts, Evidently's binned shares, distinct counts) computed once, on demand.
 */
import { alignRuns, histogramSorted, PER_VALUE_BINS_MAX_UNIQUE, runLengths, shares, sturgesEdges, unionDistinct } from './stats/binning.js';
import {
  type CategoricalSample, type CategoryKey, type ColumnSample, compareKeys, numericAsCategorical, type NumericSample, sampleSize,
} from './column-sample.js';

/** How a column is tested: numbers as a distribution, or values as categories. */
export type ColumnKind = 'numerical' | 'categorical';

export interface AlignedCounts {
  /** The union of both windows' categories (or distinct numbers), in `compareKeys` order. */
  readonly keys: readonly CategoryKey[];
  readonly ref: Float64Array;
  readonly cur: Float64Array;
}

export class ColumnPair {
  private alignedCache: AlignedCounts | undefined;
  private unionCache: number | undefined;

  constructor(
    readonly kind: ColumnKind,
    readonly ref: ColumnSample,
    readonly cur: ColumnSample,
  ) {}

  get nRef(): number {
    return sampleSize(this.ref);
  }

  get nCur(): number {
    return sampleSize(this.cur);
  }

  /** Sorted finite values of each window (numerical columns). */
  get numeric(): { ref: Float64Array; cur: Float64Array } {
    if (this.ref.type !== 'number' || this.cur.type !== 'number') throw new TypeError('not a numeric column');
    return { ref: this.ref.sorted, cur: this.cur.sorted };
  }

  /** Distinct values in reference and current together (pandas' nunique of the concatenation). */
  get uniqueValues(): number {
    if (this.unionCache === undefined) {
      this.unionCache =
        this.ref.type === 'number' && this.cur.type === 'number'
          ? unionDistinct(this.ref.sorted, this.cur.sorted)
          : this.aligned.keys.length;
    }
    return this.unionCache;
  }

  /** Counts per category over the union of both windows' categories. */
  get aligned(): AlignedCounts {
    if (!this.alignedCache) {
      if (this.ref.type === 'number' && this.cur.type === 'number') {
        const a = alignRuns(runLengths(this.ref.sorted), runLengths(this.cur.sorted));
        this.alignedCache = { keys: a.values, ref: Float64Array.from(a.a), cur: Float64Array.from(a.b) };
      } else {
        this.alignedCache = alignCategories(asCategorical(this.ref), asCategorical(this.cur));
      }
    }
    return this.alignedCache;
  }

  /**
   * Evidently's get_binned_data shares (before filling empty bins): Sturges bins over both windows for
   * a numerical column whose reference has more than 20 distinct values, else one bin per value.
   */
  binnedShares(): { ref: Float64Array; cur: Float64Array } {
    if (this.kind === 'numerical' && this.ref.type === 'number' && this.cur.type === 'number' && distinct(this.ref.sorted) > PER_VALUE_BINS_MAX_UNIQUE) {
      const r = this.ref.sorted;
      const c = this.cur.sorted;
      const min = Math.min(r[0] as number, c[0] as number);
      const max = Math.max(r[r.length - 1] as number, c[c.length - 1] as number);
      const edges = sturgesEdges(min, max, r.length + c.length);
      return { ref: shares(histogramSorted(r, edges), r.length), cur: shares(histogramSorted(c, edges), c.length) };
    }
    const a = this.aligned;
    return { ref: shares(a.ref, this.nRef), cur: shares(a.cur, this.nCur) };
  }
}

function distinct(sorted: Float64Array): number {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) n++;
  return n;
}

function asCategorical(s: ColumnSample): CategoricalSample {
  return s.type === 'number' ? numericAsCategorical(s as NumericSample) : s;
}

/** Merge two categorical samples' (sorted) keys into aligned count vectors. */
export function alignCategories(a: CategoricalSample, b: CategoricalSample): AlignedCounts {
  const keys: CategoryKey[] = [];
  const ra: number[] = [];
  const rb: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.keys.length || j < b.keys.length) {
    const ka = a.keys[i];
    const kb = b.keys[j];
    const cmp = ka === undefined ? 1 : kb === undefined ? -1 : compareKeys(ka, kb);
    if (cmp <= 0) {
      keys.push(ka as CategoryKey);
      ra.push(a.counts[i++] as number);
      rb.push(cmp === 0 ? (b.counts[j++] as number) : 0);
    } else {
      keys.push(kb as CategoryKey);
      ra.push(0);
      rb.push(b.counts[j++] as number);
    }
  }
  return { keys, ref: Float64Array.from(ra), cur: Float64Array.from(rb) };
}
