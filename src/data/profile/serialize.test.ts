import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../errors.js';
import { columnFromValues, stringColumn, type Table } from '../table.js';
import { mergeProfiles, profileTable } from './profile.js';
import { PROFILE_KIND, parseProfile, serializeProfile } from './serialize.js';

function makeTable(rows: number, offset: number): Table {
  const gen = <T>(f: (i: number) => T) => Array.from({ length: rows }, (_, j) => f(j + offset));
  return {
    rowCount: rows,
    rowOffset: offset,
    columns: [
      columnFromValues(
        'few',
        gen((i) => (i % 9 === 0 ? null : i % 4)),
        'integer',
      ),
      columnFromValues(
        'many',
        gen((i) => Math.sin(i) * 1000),
        'float',
      ),
      columnFromValues(
        'inf',
        gen((i) => (i % 5 === 0 ? -Infinity : i / 8)),
        'float',
      ),
      stringColumn(
        'word',
        gen((i) => (i % 7 === 0 ? null : `w${i % 3}`)),
      ),
      stringColumn(
        'id',
        gen((i) => `row-${i}`),
      ),
      columnFromValues(
        'flag',
        gen((i) => i % 3 === 0),
        'boolean',
      ),
      columnFromValues(
        'ts',
        gen((i) => new Date(1_700_000_000_000 + i * 1000)),
        'timestamp',
      ),
      columnFromValues(
        'empty',
        gen(() => null),
        'float',
      ),
    ],
  };
}

const options = { exactLimit: 50, heavyHitters: 16 };
const a = profileTable(makeTable(3000, 0), options);
const b = profileTable(makeTable(7000, 3000), options);

describe('profile serialisation', () => {
  it('round-trips: parse(serialize(p)) deep-equals p, and serialises to the same text', () => {
    const text = serializeProfile(a);
    expect(JSON.parse(text)).toMatchObject({ kind: PROFILE_KIND, rowCount: 3000 });
    const back = parseProfile(text);
    expect(back).toEqual(a);
    expect(serializeProfile(back)).toBe(text);
  });

  it('merging after a round trip gives the same profile as merging before', () => {
    const before = serializeProfile(mergeProfiles(a, b));
    const after = serializeProfile(mergeProfiles(parseProfile(serializeProfile(a)), parseProfile(serializeProfile(b))));
    expect(after).toBe(before);
  });

  const bad = (text: string): string => {
    try {
      parseProfile(text);
    } catch (e) {
      expect(e).toBeInstanceOf(SlipwayError);
      expect((e as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
      return (e as Error).message;
    }
    throw new Error('expected parseProfile to fail');
  };
  const doc = () => JSON.parse(serializeProfile(a)) as { columns: Record<string, unknown>[] } & Record<string, unknown>;
  const edit = (f: (d: ReturnType<typeof doc>) => void) => {
    const d = doc();
    f(d);
    return JSON.stringify(d);
  };

  it('rejects malformed input with a message naming the problem', () => {
    expect(bad('{')).toMatch(/^invalid profile: not JSON/);
    expect(bad('[]')).toMatch(/^invalid profile: document/);
    expect(bad(edit((d) => (d.kind = 'slipway.profile/v9')))).toMatch(
      /kind is "slipway.profile\/v9", expected "slipway.profile\/v1"/,
    );
    expect(bad(edit((d) => delete d.rowCount))).toMatch(/^invalid profile: rowCount:/);
    expect(bad(edit((d) => ((d.columns[0] as Record<string, unknown>).count = -1)))).toMatch(
      /^invalid profile: columns\[0\]\.count:/,
    );
    expect(bad(edit((d) => ((d.columns[1] as Record<string, unknown>).kind = 'weird')))).toMatch(/columns\[1\]/);
    expect(bad(edit((d) => ((d.columns[0] as Record<string, unknown>).nulls = 0)))).toMatch(
      /columns\[0\] \('few'\) accounts for \d+ rows, not rowCount 3000/,
    );
    expect(bad(edit((d) => ((d.columns[1] as Record<string, unknown>).hll = 'AAAA')))).toMatch(
      /columns\[1\] \('many'\)\.hll must be the base64/,
    );
    expect(bad(edit((d) => ((d.columns[1] as Record<string, unknown>).sketch = null)))).toMatch(
      /must have a sketch exactly when it has no exact counts/,
    );
    expect(bad(edit((d) => (((d.columns[0] as Record<string, unknown>).exact as { counts: number[] }).counts[0] = 1)))).toMatch(
      /exact counts add up to/,
    );
    expect(bad(edit((d) => ((d.columns[4] as Record<string, unknown>).heavyHitters = null)))).toMatch(
      /must have heavyHitters exactly when/,
    );
    expect(bad(edit((d) => ((d.columns[0] as Record<string, unknown>).extra = 1)))).toMatch(/columns\[0\]/);
  });
});
