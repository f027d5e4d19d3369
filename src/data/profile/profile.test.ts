import { describe, expect, it } from 'vitest';
import { type Table, columnFromValues, stringColumn } from '../table.js';
import type { ColumnProfile } from './column-profile.js';
import { histogramCounts, profileQuantiles } from './histogram.js';
import { type DatasetProfile, mergeProfiles, profileChunks, profileTable } from './profile.js';
import { sketchRankError } from './quantile-sketch.js';
import { serializeProfile } from './serialize.js';
import { type CategoricalSummary, type NumericSummary, type TimestampSummary, summarizeProfile } from './summary.js';

const ROWS = 6000;

function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Every column kind and both regimes: exact counts (low cardinality) and sketches (high). */
function makeTable(): Table {
  const r = uniform(1);
  const gen = <T>(f: (i: number) => T) => Array.from({ length: ROWS }, (_, i) => f(i));
  const cats = ['a', 'b', 'c', 'd', '<b>e</b>', 'ü', '😀'];
  return {
    rowCount: ROWS,
    rowOffset: 0,
    columns: [
      columnFromValues(
        'small_int',
        gen(() => (r() < 0.05 ? null : Math.floor(r() * 50) - 20)),
        'integer',
      ),
      columnFromValues(
        'wide_int',
        gen((i) => (i % 97 === 0 ? null : Math.floor(r() * 1e9))),
        'integer',
      ),
      columnFromValues(
        'float',
        gen((i) => (i % 13 === 0 ? null : (r() - 0.5) * 1e4)),
        'float',
      ),
      columnFromValues(
        'offset',
        gen(() => 1e9 + r()),
        'float',
      ),
      columnFromValues(
        'odd',
        gen((i) => [-0, 0, Infinity, 3.5, -Infinity, 2][i % 6] ?? 0),
        'float',
      ),
      stringColumn(
        'cat',
        gen(() => (r() < 0.1 ? null : (cats[Math.floor(r() * r() * cats.length)] as string))),
      ),
      stringColumn(
        'id',
        gen((i) => `id-${(i * 7919) % ROWS}-${i % 3 === 0 ? 'x' : 'y'}`),
      ),
      columnFromValues(
        'flag',
        gen(() => (r() < 0.2 ? null : r() < 0.3)),
        'boolean',
      ),
      columnFromValues(
        'ts',
        gen((i) => (i % 11 === 0 ? null : new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 86_400_000 * 365)))),
        'timestamp',
      ),
      columnFromValues(
        'mixed',
        gen((i) => [1, 'one', true, null, 2.5, 'two'][i % 6]),
        'mixed',
      ),
    ],
  };
}

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

/** The fields a merge must reproduce exactly; moments separately (to 1e-12 relative). */
function exactFields(c: ColumnProfile) {
  const sortedEntries = (m: Map<string | number, number> | null) =>
    m ? [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) : null;
  const common = { name: c.name, type: c.type, count: c.count, nulls: c.nulls, hll: c.hll?.registers ?? null };
  if (c.kind === 'categorical') {
    return {
      ...common,
      exact: sortedEntries(c.exact),
      minLength: c.minLength,
      maxLength: c.maxLength,
      totalLength: c.totalLength,
    };
  }
  // Integer sums below 2^53 are exact in any order; other sums are compared with the moments.
  const sum = c.allIntegers && Math.abs(c.sum) < 2 ** 53 ? c.sum : 0;
  return {
    ...common,
    exact: sortedEntries(c.exact),
    infinite: c.infinite,
    min: c.min,
    max: c.max,
    sum,
    zeros: c.zeros,
    negatives: c.negatives,
    allIntegers: c.allIntegers,
    sketchN: c.sketch?.n ?? null,
  };
}

function expectSameProfile(got: DatasetProfile, want: DatasetProfile): void {
  expect(got.rowCount).toBe(want.rowCount);
  expect(got.columns.map(exactFields)).toEqual(want.columns.map(exactFields));
  got.columns.forEach((g, i) => {
    const w = want.columns[i];
    if (g.kind !== 'numeric' || w?.kind !== 'numeric') return;
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
    expect(rel(g.mean + g.meanLow, w.mean + w.meanLow)).toBeLessThanOrEqual(1e-12);
    expect(rel(g.m2, w.m2)).toBeLessThanOrEqual(1e-12);
    expect(rel(g.sum, w.sum)).toBeLessThanOrEqual(1e-12);
  });
  const top = (p: DatasetProfile) => summarizeProfile(p).columns.map((c) => (c.topValuesExact ? c.topValues : null));
  expect(top(got)).toEqual(top(want));
}

const table = makeTable();
const whole = profileTable(table, { exactLimit: 100 });
// Split points include a 1-row chunk and an empty chunk.
const bounds = [0, 1, 1, 1500, 1501, 4000, ROWS];
const chunks = bounds.slice(1).map((end, i) => sliceRows(table, bounds[i] as number, end));
const parts = chunks.map((c) => profileTable(c, { exactLimit: 100 }));

describe('merging profiles', () => {
  it('merged chunk profiles equal the whole-table profile on every exact field', () => {
    expect(chunks.map((c) => c.rowCount)).toEqual([1, 0, 1499, 1, 2499, 2000]);
    expectSameProfile(
      parts.reduce((a, b) => mergeProfiles(a, b)),
      whole,
    );
  });

  it('is associative and commutative on the exact fields', () => {
    const [a, b, c, d, e, f] = parts as [
      DatasetProfile,
      DatasetProfile,
      DatasetProfile,
      DatasetProfile,
      DatasetProfile,
      DatasetProfile,
    ];
    const tree = mergeProfiles(mergeProfiles(mergeProfiles(f, e), d), mergeProfiles(c, mergeProfiles(b, a)));
    expectSameProfile(tree, whole);
    expectSameProfile(mergeProfiles(b, a), mergeProfiles(a, b));
  });

  it('keeps sketch quantiles and histograms of high-cardinality columns within the sketch bound', () => {
    const merged = parts.reduce((a, b) => mergeProfiles(a, b));
    for (const name of ['wide_int', 'float', 'offset']) {
      const m = merged.columns.find((c) => c.name === name);
      const w = whole.columns.find((c) => c.name === name);
      if (m?.kind !== 'numeric' || w?.kind !== 'numeric') throw new Error('numeric expected');
      expect(m.exact).toBeNull();
      const col = table.columns.find((c) => c.name === name);
      if (col?.kind !== 'number') throw new Error('number column expected');
      const sorted = col.values.filter((_, i) => col.valid === undefined || col.valid[i] === 1).sort();
      const qs = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];
      profileQuantiles(m, qs).values.forEach((v, i) => {
        const rank = sorted.findIndex((x) => x >= v) / (sorted.length - 1);
        expect(Math.abs(rank - (qs[i] as number))).toBeLessThanOrEqual(sketchRankError(200));
      });
      const edges = [m.min, (m.min + m.max) / 2, m.max];
      const h = histogramCounts(m, edges);
      const truth = sorted.filter((x) => x < (edges[1] as number)).length;
      expect(h.counts.reduce((a, b) => a + b, 0)).toBe(m.count);
      expect(Math.abs((h.counts[0] as number) - truth) / m.count).toBeLessThanOrEqual(2 * sketchRankError(200));
    }
  });

  it('does not change its inputs', () => {
    const before = parts.map(serializeProfile);
    parts.reduce((a, b) => mergeProfiles(a, b));
    expect(parts.map(serializeProfile)).toEqual(before);
  });

  it('profileChunks merges an async stream as it goes', async () => {
    async function* stream() {
      for (const c of chunks) yield c;
    }
    expectSameProfile(await profileChunks(stream(), { exactLimit: 100 }), whole);
    expect(await profileChunks([], {})).toMatchObject({ rowCount: 0, columns: [] });
  });
});

describe('profile contents', () => {
  const s = summarizeProfile(whole);
  const col = <T>(name: string) => s.columns.find((c) => c.name === name) as T;

  it('counts distinct values exactly up to the limit, then estimates them', () => {
    expect(col<NumericSummary>('small_int')).toMatchObject({
      distinct: 50,
      distinctExact: true,
      topValuesExact: true,
      allIntegers: true,
    });
    const ids = col<CategoricalSummary>('id');
    expect(ids.distinctExact).toBe(false);
    expect(Math.abs(ids.distinct - ROWS) / ROWS).toBeLessThan(0.03);
  });

  it('handles -0, infinities and zeros', () => {
    expect(col<NumericSummary>('odd')).toMatchObject({
      count: ROWS,
      infinite: ROWS / 3,
      zeros: ROWS / 3,
      min: 0,
      max: 3.5,
      negatives: 0,
      distinct: 3,
    });
  });

  it('profiles booleans as counts of true and false', () => {
    const flag = col<CategoricalSummary>('flag');
    const trues = flag.topValues.find((t) => t.value === true)?.count ?? 0;
    const falses = flag.topValues.find((t) => t.value === false)?.count ?? 0;
    expect(trues + falses + flag.nulls).toBe(ROWS);
    expect(flag).toMatchObject({ type: 'boolean', distinct: 2, distinctExact: true, minLength: null });
  });

  it('profiles timestamps over epoch ms, printing instants as ISO strings', () => {
    const t = table.columns.find((c) => c.name === 'ts');
    if (t?.kind !== 'timestamp') throw new Error('timestamp expected');
    const present = [...t.values].filter((_, i) => t.valid?.[i] !== 0);
    const ts = col<TimestampSummary>('ts');
    expect(ts.min).toBe(new Date(Math.min(...present)).toISOString());
    expect(ts.max).toBe(new Date(Math.max(...present)).toISOString());
    expect(ts.quantiles[0]).toEqual({ q: 0, value: ts.min });
    expect(ts.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(present.length);
    expect(ts.stdMs).toBeGreaterThan(0);
  });

  it('reports string lengths in code points and mixed values by their text', () => {
    expect(col<CategoricalSummary>('cat')).toMatchObject({ minLength: 1, maxLength: 8 });
    expect(col<CategoricalSummary>('mixed')).toMatchObject({ type: 'mixed', distinct: 5, nulls: ROWS / 6 });
  });
});
