import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { describe, expect, it } from 'vitest';
import { type Column, type Table, columnFromValues, columnLength, valueAt } from '../table.js';
import { ReservoirSampler, reservoirSample } from './reservoir-sampler.js';
import { SeededRandom } from './seeded-random.js';

/** Row i: idx = i, a string (with nulls), a boolean, a timestamp, a float, and a mixed value. */
function makeTable(n: number, offset = 0): Table {
  const gen = <T>(f: (i: number) => T) => Array.from({ length: n }, (_, j) => f(j + offset));
  const columns = [
    columnFromValues('idx', gen((i) => i), 'integer'),
    columnFromValues('s', gen((i) => (i % 11 === 0 ? null : `v${i % 13}`)), 'string'),
    columnFromValues('b', gen((i) => (i % 7 === 0 ? null : i % 3 === 0)), 'boolean'),
    columnFromValues('t', gen((i) => new Date(1_600_000_000_000 + i * 1000)), 'timestamp'),
    columnFromValues('x', gen((i) => (i % 5 === 0 ? null : i / 4)), 'float'),
    columnFromValues('m', gen((i) => (i % 2 === 0 ? i : `m${i}`)), 'mixed'),
  ];
  return { columns, rowCount: n, rowOffset: offset };
}

/** Cuts a table into chunks of `size` rows, each with its own string dictionary (as readChunks yields them). */
function chunksOf(n: number, size: number): Table[] {
  const out: Table[] = [];
  for (let at = 0; at < n; at += size) out.push(makeTable(Math.min(size, n - at), at));
  return out;
}

const values = (t: Table) => Object.fromEntries(t.columns.map((c) => [c.name, Array.from({ length: columnLength(c) }, (_, i) => valueAt(c, i))]));
const idx = (t: Table) => Array.from((t.columns[0] as Extract<Column, { kind: 'number' }>).values);

/** The p-value of Pearson's statistic `x2` with `df` degrees of freedom. */
const pValue = (x2: number, df: number) => 1 - chisquareCdf(x2, df);

describe('ReservoirSampler', () => {
  it('keeps exactly maxRows rows, in input order, with every column value of the rows it chose', () => {
    const table = makeTable(5000);
    const sample = reservoirSample(table, { seed: 3, maxRows: 300 });
    expect(sample.rowCount).toBe(300);
    expect(sample.rowOffset).toBe(0);
    expect(sample.columns.map((c) => [c.name, c.kind, c.type])).toEqual(table.columns.map((c) => [c.name, c.kind, c.type]));
    const chosen = idx(sample);
    expect(new Set(chosen).size).toBe(300);
    expect(chosen).toEqual([...chosen].sort((a, b) => a - b));
    // Each sampled row is the input row it came from, in every column (nulls included).
    const all = values(table);
    const got = values(sample);
    for (const name of Object.keys(all)) expect(got[name]).toEqual(chosen.map((i) => all[name]?.[i]));
    // Dictionaries are rebuilt in order of first appearance in the sample.
    const s = sample.columns[1] as Extract<Column, { kind: 'string' }>;
    const firstSeen = [...new Set((got.s as (string | null)[]).filter((v) => v !== null))];
    expect(s.dictionary).toEqual(firstSeen);
  });

  it('is deterministic for a seed, and other seeds choose other rows', () => {
    const table = makeTable(2000);
    const a = idx(reservoirSample(table, { seed: 42, maxRows: 100 }));
    expect(idx(reservoirSample(table, { seed: 42, maxRows: 100 }))).toEqual(a);
    const b = idx(reservoirSample(table, { seed: 43, maxRows: 100 }));
    expect(b).not.toEqual(a);
    // Independent samples of 100 of 2000 share about 5 rows, never most of them.
    expect(a.filter((i) => b.includes(i)).length).toBeLessThan(20);
  });

  it('keeps every row, in order, when the input has at most maxRows', () => {
    for (const n of [0, 1, 37, 100]) {
      const table = makeTable(n);
      const sample = reservoirSample(table, { seed: 9, maxRows: 100 });
      expect(sample.rowCount).toBe(n);
      expect(values(sample)).toEqual(values(table));
    }
  });

  it('gives the same sample whole or in any chunking (the draws depend on row numbers only)', () => {
    const whole = reservoirSample(makeTable(3001), { seed: 5, maxRows: 250 });
    for (const size of [1, 7, 250, 1000, 5000]) {
      const sampler = new ReservoirSampler({ seed: 5, maxRows: 250 });
      for (const chunk of chunksOf(3001, size)) sampler.add(chunk);
      expect(sampler.rowsSeen).toBe(3001);
      expect(values(sampler.result())).toEqual(values(whole));
    }
  });

  it('makes a number column float when any chunk holds a fraction, as readChunks does', () => {
    const sampler = new ReservoirSampler({ seed: 1, maxRows: 10 });
    sampler.add({ columns: [columnFromValues('v', [1, 2, 3], 'integer')], rowCount: 3, rowOffset: 0 });
    expect(sampler.result().columns[0]?.type).toBe('integer');
    sampler.add({ columns: [columnFromValues('v', [1.5], 'float')], rowCount: 1, rowOffset: 3 });
    const col = sampler.result().columns[0] as Extract<Column, { kind: 'number' }>;
    expect([col.type, Array.from(col.values)]).toEqual(['float', [1, 2, 3, 1.5]]);
  });

  it('chooses every subset of maxRows rows equally often (chi-squared over 6,000 fixed seeds)', () => {
    // 6 rows, 2 kept: 15 possible subsets, each expected 400 times.
    const table = makeTable(6);
    const counts = new Map<string, number>();
    const seeds = 6000;
    for (let seed = 0; seed < seeds; seed++) {
      const key = idx(reservoirSample(table, { seed, maxRows: 2 })).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(15);
    const expected = seeds / 15;
    const x2 = [...counts.values()].reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(pValue(x2, 14)).toBeGreaterThan(0.001);
    // The check has power: one subset 30% short (and another 30% over) is rejected.
    const skewed = [expected * 0.7, expected * 1.3, ...Array<number>(13).fill(expected)];
    expect(pValue(skewed.reduce((s, o) => s + (o - expected) ** 2 / expected, 0), 14)).toBeLessThan(0.001);
  });

  it('includes every row with probability maxRows / rows (chi-squared over 4,000 fixed seeds)', () => {
    const n = 40;
    const k = 5;
    const seeds = 4000;
    const table = makeTable(n);
    const hits = new Array<number>(n).fill(0);
    for (let seed = 0; seed < seeds; seed++) for (const i of idx(reservoirSample(table, { seed, maxRows: k }))) hits[i] = (hits[i] as number) + 1;
    const p = k / n;
    const expected = seeds * p;
    // Inclusion indicators of a uniform k-subset have variance p(1-p) and covariance -p(1-p)/(n-1):
    // scaling Pearson's statistic by (1-p)·n/(n-1) makes it chi-squared with n-1 degrees of freedom.
    const x2 = hits.reduce((s, o) => s + (o - expected) ** 2 / expected, 0) / (((1 - p) * n) / (n - 1));
    expect(pValue(x2, n - 1)).toBeGreaterThan(0.001);
    // Late rows are not favoured over early ones (Algorithm R's classic off-by-one would be).
    expect(Math.abs(hits.slice(0, 20).reduce((a, b) => a + b, 0) - hits.slice(20).reduce((a, b) => a + b, 0))).toBeLessThan(300);
  });

  it('refuses chunks whose columns differ, and bad options', () => {
    const sampler = new ReservoirSampler({ seed: 0, maxRows: 5 });
    sampler.add(makeTable(3));
    expect(() => sampler.add({ columns: [columnFromValues('idx', [1], 'integer')], rowCount: 1, rowOffset: 3 })).toThrow(/differ from the first chunk's/);
    expect(() => new ReservoirSampler({ seed: 0, maxRows: 0 })).toThrow(/maxRows must be a positive integer/);
    expect(() => new ReservoirSampler({ seed: -1 })).toThrow(/seed must be an integer from 0 to 4294967295/);
    expect(() => new ReservoirSampler({ seed: 1.5 })).toThrow(/seed must be an integer/);
  });
});

describe('SeededRandom', () => {
  it('draws the same integers for a seed, uniformly over [0, n)', () => {
    const a = new SeededRandom(11);
    const b = new SeededRandom(11);
    const draws = Array.from({ length: 100 }, () => a.int(1000));
    expect(Array.from({ length: 100 }, () => b.int(1000))).toEqual(draws);
    expect(draws.every((d) => Number.isInteger(d) && d >= 0 && d < 1000)).toBe(true);
    const r = new SeededRandom(12);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) {
      const d = r.int(7);
      counts[d] = (counts[d] as number) + 1;
    }
    const x2 = counts.reduce((s, o) => s + (o - 10_000) ** 2 / 10_000, 0);
    expect(pValue(x2, 6)).toBeGreaterThan(0.001);
  });
});
