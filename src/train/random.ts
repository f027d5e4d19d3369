import { Sfc32 } from '../data/index.js';

/**
 * The data module's seeded generator (sfc32 via splitmix32) with the draws training makes, so every
 * random choice in training — the train/test split, the early-stopping validation split, the bin-edge
 * subsample — depends on the seed alone. Math.random is never used: the same data, params and seed must give a byte-identical model.
 */
export class Rng extends Sfc32 {
  /** Uniform in [0, 1) with 32 bits of randomness (plenty for shuffles and subsamples). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
}

/** Fisher–Yates shuffle of 0..n-1. */
export function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}
