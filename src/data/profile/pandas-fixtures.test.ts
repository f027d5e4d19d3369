import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { columnFromValues, stringColumn, type Table } from '../table.js';
import { histogramCounts, sturgesEdges } from './histogram.js';
import { mergeProfiles, profileTable } from './profile.js';
import { type CategoricalSummary, type NumericSummary, summarizeProfile } from './summary.js';

/**
 * Statistics checked against pandas 1.5 / numpy 1.24, computed independently by
 * test/fixtures/profile/make-fixtures.py on the dataset it wrote (numbers.csv).
 */
const DIR = resolve(import.meta.dirname, '../../../test/fixtures/profile');

interface NumericExpected {
  count: number;
  nulls: number;
  mean: number;
  std: number;
  stdPopulation: number;
  min: number;
  max: number;
  sum: number;
  describe: Record<string, number>;
  quantiles: number[];
  nunique: number;
  valueCounts: Record<string, number>;
  sturgesEdges: number[];
  sturgesCounts: number[];
}
interface CategoricalExpected {
  count: number;
  nulls: number;
  nunique: number;
  valueCounts: Record<string, number>;
  minLength: number;
  maxLength: number;
  meanLength: number;
}
const expected = JSON.parse(readFileSync(resolve(DIR, 'expected.json'), 'utf8')) as {
  rows: number;
  quantileLevels: number[];
  columns: {
    x: NumericExpected;
    n: NumericExpected;
    big: NumericExpected;
    color: CategoricalExpected;
    flag: CategoricalExpected;
  };
};

/** The fixture has no quotes or embedded commas: a split is a faithful parse (empty field = null). */
function readFixture(): Table {
  const [head, ...lines] = readFileSync(resolve(DIR, 'numbers.csv'), 'utf8').trimEnd().split('\n');
  const names = (head ?? '').split(',');
  const cells = lines.map((l) => l.split(','));
  const col = (i: number) => cells.map((r) => (r[i] === '' ? null : (r[i] as string)));
  const nums = (i: number) => col(i).map((v) => (v === null ? null : Number(v)));
  return {
    rowCount: lines.length,
    rowOffset: 0,
    columns: [
      columnFromValues(names[0] as string, nums(0), 'float'),
      columnFromValues(names[1] as string, nums(1), 'integer'),
      columnFromValues(names[2] as string, nums(2), 'float'),
      stringColumn(names[3] as string, col(3)),
      columnFromValues(
        names[4] as string,
        col(4).map((v) => (v === null ? null : v === 'true')),
        'boolean',
      ),
    ],
  };
}

function close(actual: number | null, want: number, rel = 1e-9): void {
  expect(actual).not.toBeNull();
  const scale = Math.max(Math.abs(want), 1e-300);
  expect(Math.abs((actual as number) - want) / scale, `${actual} vs ${want}`).toBeLessThanOrEqual(rel);
}

const table = readFixture();

describe.each([
  ['exact counts (default exactLimit)', {}],
  // Past the limit the quantiles come from the sketch, which still holds every value below 4,096 rows.
  ['sketches (exactLimit 5)', { exactLimit: 5 }],
])('profile vs pandas: %s', (_label, options) => {
  const profile = profileTable(table, options);
  const summary = summarizeProfile(profile, { quantiles: expected.quantileLevels, topValues: 100 });
  const byName = (name: string) => summary.columns.find((c) => c.name === name);

  it.each(['x', 'n', 'big'] as const)('numeric column %s', (name) => {
    const want = expected.columns[name];
    const got = byName(name) as NumericSummary;
    expect(got.kind).toBe('numeric');
    expect(got.count).toBe(want.count);
    expect(got.nulls).toBe(want.nulls);
    expect(got.min).toBe(want.min);
    expect(got.max).toBe(want.max);
    close(got.mean, want.mean);
    close(got.std, want.std);
    close(got.stdPopulation, want.stdPopulation);
    close(got.sum, want.sum);
    expect(got.quantilesExact).toBe(true);
    got.quantiles.forEach((q, i) => close(q.value, want.quantiles[i] as number));
    // describe(): 25%, 50%, 75% are the same linear quantiles.
    close(got.quantiles.find((q) => q.q === 0.25)?.value ?? null, want.describe['25%'] as number);
    close(got.quantiles.find((q) => q.q === 0.5)?.value ?? null, want.describe['50%'] as number);
    close(got.quantiles.find((q) => q.q === 0.75)?.value ?? null, want.describe['75%'] as number);
    if (got.distinctExact) expect(got.distinct).toBe(want.nunique);
    else expect(Math.abs(got.distinct - want.nunique) / want.nunique).toBeLessThan(0.03);
    if (got.topValuesExact) {
      for (const t of got.topValues)
        expect(t.count).toBe(want.valueCounts[Object.keys(want.valueCounts).find((k) => Number(k) === t.value) ?? '']);
    }
  });

  it.each(['x', 'n', 'big'] as const)('Sturges histogram of %s as numpy bins it', (name) => {
    const want = expected.columns[name];
    const col = profile.columns.find((c) => c.name === name);
    if (col?.kind !== 'numeric') throw new Error('numeric column expected');
    const edges = sturgesEdges(col.min, col.max, col.count);
    expect(edges.length).toBe(want.sturgesEdges.length);
    edges.forEach((e, i) => close(e, want.sturgesEdges[i] as number, 1e-12));
    // Counted on numpy's own edges, so a last-ulp difference in an edge cannot move a value between bins.
    const counts = histogramCounts(col, want.sturgesEdges);
    expect(counts).toEqual({ counts: want.sturgesCounts, exact: true });
  });

  it.each(['color', 'flag'] as const)('categorical column %s', (name) => {
    const want = expected.columns[name];
    const got = byName(name) as CategoricalSummary;
    expect(got.count).toBe(want.count);
    expect(got.nulls).toBe(want.nulls);
    if (got.distinctExact) expect(got.distinct).toBe(want.nunique);
    if (got.topValuesExact) {
      expect(Object.fromEntries(got.topValues.map((t) => [String(t.value), t.count]))).toEqual(want.valueCounts);
      const counts = got.topValues.map((t) => t.count);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
    } else {
      // Misra–Gries: count ≤ truth ≤ count + maxError.
      for (const t of got.topValues) {
        const truth = want.valueCounts[String(t.value)] as number;
        expect(t.count).toBeLessThanOrEqual(truth);
        expect(truth).toBeLessThanOrEqual(t.count + got.topValuesMaxError);
      }
    }
    if (name === 'color') {
      expect(got.minLength).toBe(want.minLength);
      expect(got.maxLength).toBe(want.maxLength);
      close(got.meanLength, want.meanLength);
    }
  });

  it('merging chunk profiles gives pandas figures too', () => {
    const parts = [0, 1, 137, 300, 499, 500]
      .slice(1)
      .map((end, i, ends) => sliceRows(table, i === 0 ? 0 : (ends[i - 1] as number), end));
    const merged = parts.map((t) => profileTable(t, options)).reduce((a, b) => mergeProfiles(a, b));
    const s = summarizeProfile(merged, { quantiles: expected.quantileLevels });
    for (const name of ['x', 'n', 'big'] as const) {
      const got = s.columns.find((c) => c.name === name) as NumericSummary;
      close(got.std, expected.columns[name].std);
      got.quantiles.forEach((q, i) => close(q.value, expected.columns[name].quantiles[i] as number));
    }
  });
});

function sliceRows(t: Table, start: number, end: number): Table {
  return {
    rowCount: end - start,
    rowOffset: start,
    columns: t.columns.map((c) => {
      if (c.kind === 'string') return { ...c, codes: c.codes.subarray(start, end) };
      if (c.kind === 'mixed') return { ...c, values: c.values.slice(start, end) };
      return { ...c, values: c.values.subarray(start, end), valid: c.valid?.subarray(start, end) } as typeof c;
    }),
  };
}
