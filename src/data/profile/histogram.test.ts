import { describe, expect, it } from 'vitest';
import { tableFromColumns } from '../table.js';
import type { NumericProfile } from './column-profile.js';
import { histogramCounts, profileQuantiles, sturgesEdges, valueCounts } from './histogram.js';
import { profileTable } from './profile.js';
import { summarizeProfile, type NumericSummary } from './summary.js';

const numeric = (values: (number | null)[], exactLimit = 1000): NumericProfile => {
  const c = profileTable(tableFromColumns({ v: values }, { v: 'float' }), { exactLimit }).columns[0];
  if (c?.kind !== 'numeric') throw new Error('numeric expected');
  return c;
};

describe('histograms from a profile', () => {
  it('follows numpy: a constant column is one bin [v − 0.5, v + 0.5]', () => {
    expect(sturgesEdges(3, 3, 10)).toEqual([2.5, 3.5]);
    expect(histogramCounts(numeric([3, 3, 3]), [2.5, 3.5])).toEqual({ counts: [3], exact: true });
  });

  it('counts [a, b) bins with the last bin closed, ignoring values outside the edges', () => {
    const p = numeric([0, 1, 1, 2, 3, 4, 5, null, -1, 9]);
    expect(histogramCounts(p, [0, 1, 2, 5])).toEqual({ counts: [1, 2, 4], exact: true });
    // Same answers from the sketch path (exactLimit 2 drops counts; the sketch still holds all 9 values).
    expect(histogramCounts(numeric([0, 1, 1, 2, 3, 4, 5, null, -1, 9], 2), [0, 1, 2, 5])).toEqual({
      counts: [1, 2, 4],
      exact: true,
    });
  });

  it('gives one-bin-per-value counts while exact, for drift binning of low-cardinality columns', () => {
    expect(valueCounts(numeric([2, 1, 2, null, 3, 2]))).toEqual({ values: [1, 2, 3], counts: [1, 3, 1] });
    expect(valueCounts(numeric([2, 1, 3], 2))).toBeUndefined();
  });

  it('summarises an empty or all-null column with nulls, not NaN', () => {
    const s = summarizeProfile(profileTable(tableFromColumns({ v: [null, null] }, { v: 'float' }))).columns[0] as NumericSummary;
    expect(s).toMatchObject({
      count: 0,
      nulls: 2,
      nullFraction: 1,
      min: null,
      max: null,
      mean: null,
      std: null,
      histogram: null,
      distinct: 0,
    });
    expect(s.quantiles.every((q) => q.value === null)).toBe(true);
    expect(JSON.stringify(s)).not.toMatch(/NaN|Infinity/);
  });

  it('refuses quantile levels outside [0, 1]', () => {
    const p = profileTable(tableFromColumns({ v: [1] }));
    expect(() => summarizeProfile(p, { quantiles: [0.5, 1.5] })).toThrow(/between 0 and 1, got 1.5/);
    expect(() => summarizeProfile(p, { topValues: -1 })).toThrow(/non-negative integer/);
  });

  it('gives std null for a single value (pandas gives NaN) and quantiles at the ends exactly', () => {
    const s = summarizeProfile(profileTable(tableFromColumns({ v: [7] }))).columns[0] as NumericSummary;
    expect(s).toMatchObject({ std: null, stdPopulation: 0, mean: 7 });
    expect(profileQuantiles(numeric([5, 1, 9]), [0, 0.5, 1]).values).toEqual([1, 5, 9]);
  });
});
