/**
 * Frequent values once a column has too many distinct values for exact counts: the mergeable
 * Misra–Gries summary of Agarwal et al., "Mergeable Summaries" (2012) — the counter form of
 * Space-Saving (the two are isomorphic: a Space-Saving count is a Misra–Gries count plus the minimum).
 *
 * At most k entries. An entry's `count` is a lower bound on the value's frequency and `count + offset`
 * an upper bound; a value not listed occurs at most `offset` times. Merging adds counters, and when
 * more than k remain subtracts the (k+1)-th largest from all (dropping those at zero), adding it to
 * `offset`. Proven bound for any tree of merges: offset ≤ (n − Σ counts) / (k + 1) ≤ n / (k + 1).
 */
import { invalid } from '../../errors.js';

export const DEFAULT_HEAVY_HITTERS = 128;

export interface HeavyHitter {
  readonly value: string;
  /** Lower bound on the frequency (exact when offset is 0). */
  readonly count: number;
}

export interface HeavyHittersJson {
  readonly k: number;
  readonly offset: number;
  readonly entries: [string, number][];
}

/** Count descending, then value ascending: a total order, so results never depend on input order. */
export function byCountThenValue(a: HeavyHitter, b: HeavyHitter): number {
  return b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

export class HeavyHitters {
  constructor(
    readonly k = DEFAULT_HEAVY_HITTERS,
    /** Sorted by count descending, then value. */
    readonly entries: readonly HeavyHitter[] = [],
    /** Maximum undercount of any value (and maximum frequency of an unlisted one). */
    readonly offset = 0,
  ) {}

  /** The summary of exact counts. */
  static fromCounts(counts: ReadonlyMap<string, number>, k = DEFAULT_HEAVY_HITTERS): HeavyHitters {
    return HeavyHitters.fromArrays([...counts.keys()], [...counts.values()], k);
  }

  /**
   * The summary of exact counts given as parallel arrays (zero counts ignored). Finds the (k+1)-th
   * largest count through the few distinct count values (at most sqrt(2n) of them) instead of sorting
   * every value, so a chunk of a million unique ids costs one pass.
   */
  static fromArrays(values: readonly string[], counts: ArrayLike<number>, k = DEFAULT_HEAVY_HITTERS): HeavyHitters {
    const byCount = new Map<number, number>();
    for (let i = 0; i < values.length; i++) {
      const c = counts[i] as number;
      if (c > 0) byCount.set(c, (byCount.get(c) ?? 0) + 1);
    }
    let cut = 0;
    let seen = 0;
    for (const [c, howMany] of [...byCount].sort((a, b) => b[0] - a[0])) {
      seen += howMany;
      if (seen > k) {
        cut = c;
        break;
      }
    }
    const kept: HeavyHitter[] = [];
    for (let i = 0; i < values.length; i++) {
      const c = counts[i] as number;
      if (c > cut) kept.push({ value: values[i] as string, count: c - cut });
    }
    return new HeavyHitters(k, kept.sort(byCountThenValue), cut);
  }

  /** Keeps at most k counters: subtracts the (k+1)-th largest from all (the Misra–Gries step). */
  private static reduce(k: number, all: HeavyHitter[], offset: number): HeavyHitters {
    all.sort(byCountThenValue);
    const cut = all[k]?.count ?? 0;
    if (cut === 0) return new HeavyHitters(k, all, offset);
    const kept = all
      .slice(0, k)
      .filter((e) => e.count > cut)
      .map((e) => ({ value: e.value, count: e.count - cut }));
    return new HeavyHitters(k, kept, offset + cut);
  }

  /** The summary of both inputs' values (neither input changes). */
  merge(other: HeavyHitters): HeavyHitters {
    if (other.k !== this.k) throw invalid(`cannot merge heavy-hitter summaries with k=${this.k} and k=${other.k}`);
    const sums = new Map<string, number>();
    for (const e of this.entries) sums.set(e.value, e.count);
    for (const e of other.entries) sums.set(e.value, (sums.get(e.value) ?? 0) + e.count);
    const all = [...sums].map(([value, count]) => ({ value, count }));
    return HeavyHitters.reduce(this.k, all, this.offset + other.offset);
  }

  toJSON(): HeavyHittersJson {
    return { k: this.k, offset: this.offset, entries: this.entries.map((e): [string, number] => [e.value, e.count]) };
  }

  static fromJSON(json: HeavyHittersJson, where = 'heavyHitters'): HeavyHitters {
    if (json.entries.length > json.k) throw invalid(`invalid profile: ${where} has more than k=${json.k} entries`);
    const entries = json.entries.map(([value, count]) => ({ value, count }));
    if (entries.some((e) => e.count <= 0)) throw invalid(`invalid profile: ${where} has a non-positive count`);
    return new HeavyHitters(json.k, entries.sort(byCountThenValue), json.offset);
  }
}
