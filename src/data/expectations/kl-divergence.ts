/**
 * GE's KL-divergence computation (ExpectColumnKLDivergenceToBeLessThan._validate), step for step:
 * categorical partitions align expected weights with observed shares (unlisted observed values share
 * tail_weight_holdout); continuous ones scale the weights by the holdouts, give internal_weight_holdout
 * to empty bins, and fold the rows below/above the partition (or the infinite end bins) into tails.
 * An infinite or undefined divergence is reported as observed_value null.
 */
import { entropy, type CategoricalPartition, type ContinuousPartition, type Histogram } from './partition.js';
import type { ExpectationOutcome } from './types.js';
import type { ValueCounts } from './value-counts.js';

export interface KlOptions {
  readonly threshold: number | null;
  readonly tail: number;
  readonly internal: number;
}

function outcome(kl: number, o: KlOptions, details: Record<string, unknown>): ExpectationOutcome {
  const observed = Number.isFinite(kl) ? kl : null;
  const success = o.threshold === null ? true : kl <= o.threshold;
  return { success, result: { observed_value: observed, details } };
}

export function klCategorical(partition: CategoricalPartition, counts: ValueCounts, o: KlOptions): ExpectationOutcome {
  const rows = alignCategories(partition, counts);
  const pk = rows.map((r) => r.count / counts.nonnull);
  const na = rows.filter((r) => r.weight === null).length;
  const qk = rows.map((r) => (r.weight === null ? o.tail / na : na > 0 ? r.weight * (1 - o.tail) : r.weight));
  const values = rows.map((r) => r.value);
  return outcome(entropy(pk, qk), o, {
    observed_partition: { values, weights: pk },
    expected_partition: { values, weights: qk },
  });
}

export function klContinuous(p: ContinuousPartition, hist: Histogram, o: KlOptions): ExpectationOutcome {
  const n = hist.nonnull;
  const bins = p.bins;
  let ow = [...hist.counts].map((c) => c / n);
  let ew = p.weights.map((w) => w * (1 - o.tail - o.internal));
  if (o.internal > 0) {
    const zeros = ew.filter((w) => w === 0).length;
    if (zeros > 0) ew = ew.map((w) => (w === 0 ? o.internal / zeros : w));
  }
  const below = hist.below / n;
  const above = hist.above / n;
  const last = <T>(a: readonly T[]) => a[a.length - 1] as T;
  let expectedBins: number[];
  let combE: number[];
  let combO: number[];
  let tailE: number[];
  let tailO: number[];
  if (bins[0] === -Infinity && last(bins) === Infinity) {
    expectedBins = bins.slice(1, -1);
    [combE, tailE, combO, tailO] = [ew, [ew[0] as number, last(ew)], ow, [ow[0] as number, last(ow)]];
    [ew, ow] = [ew.slice(1, -1), ow.slice(1, -1)];
  } else if (bins[0] === -Infinity) {
    expectedBins = bins.slice(1);
    [combE, tailE, combO, tailO] = [
      [...ew, o.tail],
      [ew[0] as number, o.tail],
      [...ow, above],
      [ow[0] as number, above],
    ];
    [ew, ow] = [ew.slice(1), ow.slice(1)];
  } else if (last(bins) === Infinity) {
    expectedBins = bins.slice(0, -1);
    [combE, tailE, combO, tailO] = [
      [o.tail, ...ew],
      [o.tail, last(ew)],
      [below, ...ow],
      [below, last(ow)],
    ];
    [ew, ow] = [ew.slice(0, -1), ow.slice(0, -1)];
  } else {
    expectedBins = [...bins];
    tailE = p.tail_weights ? [...p.tail_weights] : [o.tail / 2, o.tail / 2];
    combE = [tailE[0] as number, ...ew, tailE[1] as number];
    combO = [below, ...ow, above];
    tailO = [below, above];
  }
  return outcome(entropy(combO, combE), o, {
    observed_partition: { bins: expectedBins, weights: ow, tail_weights: tailO },
    expected_partition: { bins: expectedBins, weights: ew, tail_weights: tailE },
  });
}

/** pandas' concat of the expected weights and observed counts: partition order, then unlisted values. */
export function alignCategories(
  partition: CategoricalPartition,
  counts: ValueCounts,
): { value: unknown; weight: number | null; count: number }[] {
  const observed = new Map(counts.sortedCounts().map((c) => [counts.keyOf(c.value), c]));
  const rows: { value: unknown; weight: number | null; count: number }[] = partition.values.map((v, i) => {
    const key = counts.keyOf(v);
    const hit = observed.get(key);
    observed.delete(key);
    return { value: v, weight: partition.weights[i] as number, count: hit?.count ?? 0 };
  });
  for (const c of observed.values()) rows.push({ value: c.value, weight: null, count: c.count });
  return rows;
}
