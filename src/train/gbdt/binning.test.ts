import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { binRows, fitBinEdges, MISSING_BIN } from './binning.js';

/** One feature's values as a row-major single-slot matrix, binned on all rows. */
function bin(values: number[], maxBins = 255) {
  const x = Float64Array.from(values);
  const rows = Uint32Array.from(values.keys());
  const edges = fitBinEdges(x, 1, rows, maxBins, new Rng(0));
  return { edges: edges[0] as Float64Array, bins: binRows(x, 1, rows, edges).bins };
}

describe('binning', () => {
  it('few distinct values: one bin each, edges between neighbours, NaN in the missing bin', () => {
    const { edges, bins } = bin([3, 1, 2, 2, Number.NaN, 1]);
    expect(Array.from(edges)).toEqual([1.5, 2.5]);
    expect(Array.from(bins)).toEqual([2, 0, 1, 1, MISSING_BIN, 0]);
  });

  it('many distinct values: at most max_bins bins, never splitting equal values', () => {
    const rng = new Rng(1);
    const values = Array.from({ length: 5000 }, (_, i) => (i % 10 === 0 ? 7 : Math.round(rng.float() * 1e6) / 100));
    const { edges, bins } = bin(values, 32);
    expect(edges.length).toBeLessThanOrEqual(31);
    expect(Math.max(...bins)).toBeLessThanOrEqual(31);
    const sevens = new Set(values.flatMap((v, i) => (v === 7 ? [bins[i]] : [])));
    expect(sevens.size).toBe(1);
  });

  it('"bin <= b" is exactly "x <= edge[b]" on raw values, in float64 and in float32', () => {
    // Decimals like the datasets' (0.2879, 1234.5) and integers. (Values closer than float32's
    // resolution cannot be told apart in float32 by any threshold.)
    const rng = new Rng(2);
    const values = Array.from({ length: 3000 }, (_, i) =>
      i % 3 === 0
        ? Math.floor(rng.float() * 50)
        : i % 3 === 1
          ? Math.round(rng.float() * 1e4) / 1e4
          : Math.round(rng.float() * 1e7) / 10,
    );
    for (const maxBins of [255, 16]) {
      const { edges, bins } = bin(values, maxBins);
      let mismatches64 = 0;
      let mismatches32 = 0; // the ONNX exporter compares in float32
      edges.forEach((edge, b) => {
        values.forEach((v, i) => {
          const left = (bins[i] as number) <= b;
          if (v <= edge !== left) mismatches64++;
          if (Math.fround(v) <= Math.fround(edge) !== left) mismatches32++;
        });
      });
      expect([mismatches64, mismatches32]).toEqual([0, 0]);
    }
  });
});
