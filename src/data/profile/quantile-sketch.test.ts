import { describe, expect, it } from 'vitest';
import { QuantileSketch, SKETCH_EXACT_ITEMS, sketchRankError } from './quantile-sketch.js';
import { lerp } from './weighted-quantile.js';

/** Deterministic uniform [0, 1) (an LCG): tests must not depend on Math.random. */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A lumpy distribution: a mixture with repeated values, a long tail and a spike. */
function dataset(n: number, seed: number): Float64Array {
  const r = uniform(seed);
  return Float64Array.from({ length: n }, (_, i) => {
    const u = r();
    if (i % 10 === 0) return 42; // a spike of repeated values
    return u < 0.5 ? u * 10 : -Math.log(1 - u) * 1000;
  });
}

/** numpy's linear quantile of sorted data, written out independently of weighted-quantile.ts. */
function linear(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  return lo + 1 < sorted.length ? lerp(sorted[lo] as number, sorted[lo + 1] as number, pos - lo) : (sorted[lo] as number);
}

function countBelow(sorted: Float64Array, v: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (inclusive ? (sorted[mid] as number) <= v : (sorted[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Largest distance between q and the true normalized rank range of the value returned for q. */
function maxRankError(sketch: QuantileSketch, sorted: Float64Array): number {
  const n = sorted.length;
  let worst = 0;
  for (let i = 0; i <= 1000; i++) {
    const q = i / 1000;
    const v = sketch.quantile(q);
    const lowest = countBelow(sorted, v, false) / (n - 1);
    const highest = (countBelow(sorted, v, true) - 1) / (n - 1);
    worst = Math.max(worst, q < lowest ? lowest - q : q > highest ? q - highest : 0);
  }
  return worst;
}

describe('KLL quantile sketch', () => {
  const N = 1_000_000;
  const data = dataset(N, 7);
  const sorted = data.slice().sort();
  const bound = sketchRankError(200);

  it('states its bound: ≈ 1.65% normalized rank error for k = 200', () => {
    expect(bound).toBeCloseTo(0.0165, 4);
  });

  it('keeps the rank error of every quantile within the bound on 1e6 values', () => {
    const sketch = new QuantileSketch(200, 1).addValues(data);
    expect(sketch.n).toBe(N);
    expect(sketch.isExact).toBe(false);
    expect(maxRankError(sketch, sorted)).toBeLessThanOrEqual(bound);
    expect(sketch.levels.reduce((a, l) => a + l.length, 0)).toBeLessThan(1000); // O(k) space
  });

  it('keeps the bound when built from 100 merged chunk sketches', () => {
    const parts = Array.from({ length: 100 }, (_, c) =>
      new QuantileSketch(200, c + 1).addValues(data.subarray(c * 10_000, (c + 1) * 10_000)),
    );
    const merged = parts.reduce((a, b) => a.merge(b));
    expect(merged.n).toBe(N);
    expect(maxRankError(merged, sorted)).toBeLessThanOrEqual(bound);
  });

  it('keeps the bound when built from weighted counts', () => {
    const values = Float64Array.from({ length: 5000 }, (_, i) => i);
    const counts = Float64Array.from({ length: 5000 }, (_, i) => 1 + (i % 37));
    const expanded = new Float64Array(counts.reduce((a, b) => a + b, 0));
    let at = 0;
    values.forEach((v, i) => expanded.fill(v, at, (at += counts[i] as number)));
    const sketch = new QuantileSketch(200, 3).addCounts(values, counts);
    expect(sketch.n).toBe(expanded.length);
    expect(maxRankError(sketch, expanded)).toBeLessThanOrEqual(bound);
  });

  it('is exact (pandas linear interpolation) up to 4,096 values, also across merges', () => {
    const small = dataset(SKETCH_EXACT_ITEMS, 11);
    const whole = new QuantileSketch(200, 1).addValues(small);
    const merged = new QuantileSketch(200, 2)
      .addValues(small.subarray(0, 1000))
      .merge(new QuantileSketch(200, 3).addValues(small.subarray(1000)));
    const s = small.slice().sort();
    for (const sk of [whole, merged]) {
      expect(sk.isExact).toBe(true);
      for (const q of [0, 0.01, 0.05, 0.25, 0.3333, 0.5, 0.75, 0.95, 0.99, 1]) expect(sk.quantile(q)).toBe(linear(s, q));
    }
    expect(new QuantileSketch(200, 1).addValues(dataset(SKETCH_EXACT_ITEMS + 1, 11)).isExact).toBe(false);
  });

  it('is deterministic: the same input and seed give the same sketch', () => {
    const a = new QuantileSketch(200, 5).addValues(data.subarray(0, 100_000));
    const b = new QuantileSketch(200, 5).addValues(data.subarray(0, 100_000));
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(new QuantileSketch(200, 5).merge(a).toJSON()).toEqual(new QuantileSketch(200, 5).merge(b).toJSON());
  });

  it('skips nulls and non-finite values', () => {
    const values = Float64Array.of(1, NaN, 2, Infinity, 3, -Infinity, 4);
    const valid = Uint8Array.of(1, 1, 1, 1, 0, 1, 1);
    const s = new QuantileSketch().addValues(values, valid);
    expect(s.n).toBe(3);
    expect(s.quantile(0.5)).toBe(2);
  });

  it('survives a JSON round trip, coin-flip state included', () => {
    const a = new QuantileSketch(200, 9).addValues(data.subarray(0, 50_000));
    const back = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(back).toEqual(a);
    const more = data.subarray(50_000, 90_000);
    expect(back.addValues(more).toJSON()).toEqual(a.addValues(more).toJSON());
  });

  it('rejects inconsistent JSON', () => {
    expect(() => QuantileSketch.fromJSON({ k: 200, n: 5, rng: 1, levels: [[1, 2]] })).toThrow(/n is 5 but the levels weigh 2/);
    expect(() => QuantileSketch.fromJSON({ k: 2, n: 0, rng: 1, levels: [] })).toThrow(/k must be/);
    expect(() => new QuantileSketch(200).merge(new QuantileSketch(100))).toThrow(/k=200 and k=100/);
  });
});
