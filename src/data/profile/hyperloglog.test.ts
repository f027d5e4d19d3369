import { describe, expect, it } from 'vitest';
import { HLL_RELATIVE_ERROR, HyperLogLog } from './hyperloglog.js';

describe('HyperLogLog (p = 14)', () => {
  it('states its error: 1.04 / sqrt(2^14) ≈ 0.81%', () => {
    expect(HLL_RELATIVE_ERROR).toBeCloseTo(0.008125, 6);
  });

  it('estimates 100k distinct numbers within 3% (3 sigma), whatever the duplicates', () => {
    const h = new HyperLogLog();
    const values = Float64Array.from({ length: 300_000 }, (_, i) => (i % 100_000) * 0.37 - 5000);
    h.addFloat64Array(values, undefined);
    expect(Math.abs(h.estimate() / 100_000 - 1)).toBeLessThan(0.03);
  });

  it('estimates 100k distinct strings within 3%', () => {
    const h = new HyperLogLog();
    for (let i = 0; i < 100_000; i++) h.addString(`user-${i}@example.com`);
    expect(Math.abs(h.estimate() / 100_000 - 1)).toBeLessThan(0.03);
  });

  it.each([10, 1_000, 10_000, 30_000, 45_000, 60_000, 250_000, 1_000_000])(
    'stays within 3%% at %i distinct values (incl. the linear-counting switch)',
    (n) => {
      const h = new HyperLogLog();
      h.addFloat64Array(
        Float64Array.from({ length: n }, (_, i) => i + 0.5),
        undefined,
      );
      expect(Math.abs(h.estimate() / n - 1)).toBeLessThan(0.03);
    },
  );

  it('hashes a value the same one at a time and in the array loop; -0 is 0; nulls and non-finite are skipped', () => {
    const values = Float64Array.of(1, -0, 2.5, NaN, Infinity, 7, 1e300);
    const valid = Uint8Array.of(1, 1, 1, 1, 1, 0, 1);
    const a = new HyperLogLog();
    a.addFloat64Array(values, valid);
    const b = new HyperLogLog();
    for (const v of [1, 0, 2.5, 1e300]) b.addNumber(v);
    expect(a.registers).toEqual(b.registers);
  });

  it('merges by register max: the union sketch, associative and commutative', () => {
    const parts = [0, 1, 2].map((p) => {
      const h = new HyperLogLog();
      for (let i = 0; i < 20_000; i++) h.addNumber(p * 10_000 + i); // overlapping ranges
      return h;
    });
    const whole = new HyperLogLog();
    for (let i = 0; i < 40_000; i++) whole.addNumber(i);
    const [a, b, c] = parts as [HyperLogLog, HyperLogLog, HyperLogLog];
    expect(a.clone().merge(b).merge(c).registers).toEqual(whole.registers);
    expect(c.clone().merge(a.clone().merge(b)).registers).toEqual(whole.registers);
  });

  it('round-trips through base64 and rejects bad registers', () => {
    const h = new HyperLogLog();
    for (let i = 0; i < 5000; i++) h.addString(String(i));
    expect(HyperLogLog.fromBase64(h.toBase64())).toEqual(h);
    expect(() => HyperLogLog.fromBase64('AAAA')).toThrow(/base64 of 16384/);
    expect(() => HyperLogLog.fromBase64(Buffer.alloc(16384, 60).toString('base64'))).toThrow(/register above 51/);
  });
});
