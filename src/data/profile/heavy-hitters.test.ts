import { describe, expect, it } from 'vitest';
import { HeavyHitters } from './heavy-hitters.js';

/** Zipf-like counts: value i occurs about N / (i + 1) times, interleaved deterministically. */
function zipfStream(n: number, distinct: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    for (let v = 0; v < distinct && out.length < n; v++) if (i % (v + 1) === 0) out.push(`v${v}`);
  }
  return out;
}

function counts(values: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

describe('heavy hitters (mergeable Misra–Gries)', () => {
  const stream = zipfStream(200_000, 5000);
  const truth = counts(stream);
  const k = 64;

  it('keeps every count within [count, count + offset] and offset ≤ n / (k + 1), across many merges', () => {
    const parts: HeavyHitters[] = [];
    for (let start = 0; start < stream.length; start += 7_000)
      parts.push(HeavyHitters.fromCounts(counts(stream.slice(start, start + 7_000)), k));
    // A lopsided and a balanced merge tree: the bound holds for any tree.
    const left = parts.reduce((a, b) => a.merge(b));
    const pairwise = (xs: HeavyHitters[]): HeavyHitters =>
      xs.length === 1
        ? (xs[0] as HeavyHitters)
        : pairwise(xs.flatMap((x, i) => (i % 2 ? [] : [xs[i + 1] ? x.merge(xs[i + 1] as HeavyHitters) : x])));
    for (const s of [left, pairwise(parts)]) {
      expect(s.entries.length).toBeLessThanOrEqual(k);
      expect(s.offset).toBeLessThanOrEqual(stream.length / (k + 1));
      for (const e of s.entries) {
        const t = truth.get(e.value) ?? 0;
        expect(e.count).toBeLessThanOrEqual(t);
        expect(t).toBeLessThanOrEqual(e.count + s.offset);
      }
      // Any value more frequent than the offset is listed.
      for (const [v, c] of truth) if (c > s.offset) expect(s.entries.some((e) => e.value === v)).toBe(true);
      expect(s.entries[0]?.value).toBe('v0');
    }
  });

  it('is exact when there are at most k values, and commutative', () => {
    const few = HeavyHitters.fromCounts(
      new Map([
        ['a', 3],
        ['b', 5],
        ['c', 5],
      ]),
      4,
    );
    expect(few.offset).toBe(0);
    expect(few.entries).toEqual([
      { value: 'b', count: 5 },
      { value: 'c', count: 5 },
      { value: 'a', count: 3 },
    ]);
    const other = HeavyHitters.fromCounts(
      new Map([
        ['d', 1],
        ['a', 2],
      ]),
      4,
    );
    expect(few.merge(other)).toEqual(other.merge(few));
  });

  it('round-trips through JSON and validates it', () => {
    const s = HeavyHitters.fromCounts(truth, 16);
    expect(HeavyHitters.fromJSON(JSON.parse(JSON.stringify(s.toJSON())))).toEqual(s);
    expect(() =>
      HeavyHitters.fromJSON({
        k: 1,
        offset: 0,
        entries: [
          ['a', 1],
          ['b', 1],
        ],
      }),
    ).toThrow(/more than k=1/);
    expect(() => HeavyHitters.fromJSON({ k: 2, offset: 0, entries: [['a', 0]] })).toThrow(/non-positive/);
  });
});
