import { describe, expect, it } from 'vitest';
import { BUCKETS, keyBucket, TrafficSplit } from './traffic-split.js';

describe('traffic split', () => {
  it('sends exactly percent of unkeyed requests to the candidate, evenly spread', () => {
    const split = new TrafficSplit(10);
    const picks = Array.from({ length: 1000 }, () => split.choose(undefined));
    expect(picks.filter(Boolean)).toHaveLength(100);
    // every tenth request, not a clump
    expect(picks.map((p, i) => (p ? i : -1)).filter((i) => i >= 0).slice(0, 3)).toEqual([9, 19, 29]);
  });

  it('handles fractional percentages exactly over their period', () => {
    const split = new TrafficSplit(2.5);
    expect(Array.from({ length: 400 }, () => split.choose(undefined)).filter(Boolean)).toHaveLength(10);
  });

  it('0% and 100% are absolute, keyed or not', () => {
    expect([new TrafficSplit(0).choose('k'), new TrafficSplit(0).choose(undefined)]).toEqual([false, false]);
    expect([new TrafficSplit(100).choose('k'), new TrafficSplit(100).choose(undefined)]).toEqual([true, true]);
  });

  it('is sticky by key, and a key on the candidate at 10% stays there at 20%', () => {
    const ten = new TrafficSplit(10);
    const twenty = new TrafficSplit(20);
    const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const atTen = keys.filter((k) => ten.choose(k));
    // same answer every time for the same key
    expect(atTen.every((k) => ten.choose(k))).toBe(true);
    expect(atTen.every((k) => twenty.choose(k))).toBe(true);
    // 10% of 10,000 keys: binomial sd = 30, so ±4 sd
    expect(atTen.length).toBeGreaterThan(880);
    expect(atTen.length).toBeLessThan(1120);
  });

  it('hashes keys with FNV-1a into 0..9999', () => {
    // FNV-1a 32-bit of "a" is 0xe40c292c = 3826002220
    expect(keyBucket('a')).toBe(3826002220 % BUCKETS);
    expect(keyBucket('')).toBe(0x811c9dc5 % BUCKETS);
  });
});
