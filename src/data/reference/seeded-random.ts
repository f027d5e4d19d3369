/**
 * Seeded PRNGs: sfc32, its 128-bit state spread from the seed by splitmix32 (sfc32 is poor with
 * zero-ish state), so the same seed gives the same draws on every machine. `Sfc32` is the generator
 * itself, shared with training (train depends on data, not the reverse); `SeededRandom` is the
 * reference sample's, with a checked seed and exactly uniform integers.
 */
import { invalid } from '../../errors.js';

const TWO_32 = 4294967296;

/** The bare generator: 32 random bits per call. Any number is a seed (taken modulo 2^32). */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }
}

export class SeededRandom extends Sfc32 {
  /** @param seed an integer from 0 to 4294967295 */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_32) {
      throw invalid(`seed must be an integer from 0 to 4294967295, got ${seed}`, { seed });
    }
    super(seed);
  }

  /**
   * Uniform integer in [0, n). Exactly uniform for n ≤ 2^32 (draws above the largest multiple of n
   * are rejected, so no value is favoured); beyond that, 53 bits from two draws.
   */
  int(n: number): number {
    if (n <= TWO_32) {
      const limit = TWO_32 - (TWO_32 % n);
      let x = this.uint32();
      while (x >= limit) x = this.uint32();
      return x % n;
    }
    const u = ((this.uint32() >>> 5) * 67108864 + (this.uint32() >>> 6)) / 9007199254740992;
    return Math.floor(u * n);
  }
}
