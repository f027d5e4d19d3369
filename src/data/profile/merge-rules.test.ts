import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../errors.js';
import { columnFromValues, stringColumn, tableFromColumns } from '../table.js';
import { mergeProfiles, profileTable } from './profile.js';
import { summarizeProfile } from './summary.js';

/** The rules around merging and the exact-count limit, on small hand-made tables. */
describe('merge rules', () => {
  it('widens integer + float to float, and lets an all-null chunk take the other type', () => {
    const a = profileTable(tableFromColumns({ v: [1, 2, 3], s: ['x', null, 'y'] }));
    const b = profileTable(tableFromColumns({ v: [0.5, null], s: [null, null] })); // s inferred as float (all null)
    const m = mergeProfiles(a, b);
    expect(m.columns.map((c) => [c.name, c.type, c.count, c.nulls])).toEqual([
      ['v', 'float', 4, 1],
      ['s', 'string', 2, 3],
    ]);
    expect(mergeProfiles(b, a).columns.map((c) => c.type)).toEqual(['float', 'string']);
  });

  it('refuses a column missing on one side, incompatible types and different settings', () => {
    const a = profileTable(tableFromColumns({ x: [1], y: ['a'] }));
    const b = profileTable(tableFromColumns({ x: [1] }));
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SlipwayError);
        expect((e as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(err(() => mergeProfiles(a, b))).toMatch(/column 'y' is missing from the second profile/);
    expect(err(() => mergeProfiles(b, a))).toMatch(/column 'y' is missing from the first profile/);
    expect(err(() => mergeProfiles(a, profileTable(tableFromColumns({ x: ['1'], y: ['a'] }))))).toMatch(
      /column 'x' is integer in one and string in the other/,
    );
    expect(err(() => mergeProfiles(a, profileTable(tableFromColumns({ x: [1], y: ['a'] }), { exactLimit: 5 })))).toMatch(
      /different settings/,
    );
    expect(err(() => profileTable(tableFromColumns({ x: [1] }), { sketchK: 2 }))).toMatch(/sketchK must be an integer ≥ 8/);
  });
});

describe('exact limit', () => {
  it('switches from exact to estimated distinct counts exactly past exactLimit (default 1000)', () => {
    const distinct = (n: number) => {
      const values = Array.from({ length: 3000 }, (_, i) => (i % n) + 0.25);
      const strings = values.map((v) => `s${v}`);
      const p = profileTable({
        ...tableFromColumns({ v: values }),
        columns: [columnFromValues('v', values), stringColumn('s', strings)],
      });
      return summarizeProfile(p).columns.map((c) => [c.distinct, c.distinctExact]);
    };
    expect(distinct(1000)).toEqual([
      [1000, true],
      [1000, true],
    ]);
    for (const [d, exact] of distinct(1001)) {
      expect(exact).toBe(false);
      expect(Math.abs((d as number) - 1001) / 1001).toBeLessThan(0.03);
    }
  });
});
