/**
 * HyperLogLog distinct-count sketch (Flajolet et al. 2007), precision p = 14: 16,384 one-byte registers,
 * relative standard error 1.04 / sqrt(2^14) ≈ 0.81% (so ±2.4% at 3 sigma). Uses 64 hash bits (hash.ts),
 * so there is no large-range (hash collision) correction to make; small ranges are corrected by Ertl's
 * σ term, the bias-free form of linear counting (see estimate()).
 *
 * Mergeable (register-wise max: the sketch of a union is the max of the sketches, so merging is exactly
 * associative and commutative, and merged chunks give the same registers as the whole file) and
 * serialisable (base64 of the registers).
 */
import { invalid } from '../../errors.js';
import { SEED_A, SEED_B, hashNumber, hashString, hashWords } from './hash.js';

export const HLL_PRECISION = 14;
const M = 1 << HLL_PRECISION;
const INDEX_SHIFT = 32 - HLL_PRECISION;
const REST_MASK = (1 << INDEX_SHIFT) - 1;
/** Highest possible rank: the 18 low bits of the first hash plus the 32 of the second, plus one. */
const MAX_RANK = INDEX_SHIFT + 32 + 1;
/** 1.04 / sqrt(m): the relative standard error of the estimate. */
export const HLL_RELATIVE_ERROR = 1.04 / Math.sqrt(M);

const hashes = new Uint32Array(2);

/** σ(x) = x + Σ x^(2^k)·2^(k−1): the share of empty registers' term; infinite when all are empty. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const prev = z;
    z += x * y;
    y += y;
    if (z === prev) return z;
  }
}

/** τ(x): the matching correction for saturated registers (rank MAX_RANK), 0 when there are none. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const prev = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === prev) return z / 3;
  }
}

export class HyperLogLog {
  readonly registers: Uint8Array;

  constructor(registers?: Uint8Array) {
    this.registers = registers ?? new Uint8Array(M);
  }

  /** Records one value given by its two 32-bit hashes: index = top 14 bits, rank = leading zeros + 1 of the rest. */
  addHash(h1: number, h2: number): void {
    const index = h1 >>> INDEX_SHIFT;
    const rest = h1 & REST_MASK;
    const rank = rest !== 0 ? Math.clz32(rest) - HLL_PRECISION + 1 : INDEX_SHIFT + 1 + Math.clz32(h2);
    if (rank > (this.registers[index] as number)) this.registers[index] = rank;
  }

  addNumber(v: number): void {
    hashNumber(v, hashes);
    this.addHash(hashes[0] as number, hashes[1] as number);
  }

  addString(s: string): void {
    hashString(s, hashes);
    this.addHash(hashes[0] as number, hashes[1] as number);
  }

  /**
   * Records every present, finite value of a column in one tight loop over the float64 words (the
   * per-row path of high-cardinality numeric columns; hashNumber is the same hash for one value).
   */
  addFloat64Array(values: Float64Array, valid: Uint8Array | undefined): void {
    const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    const regs = this.registers;
    for (let i = 0; i < values.length; i++) {
      if (valid !== undefined && valid[i] === 0) continue;
      const v = values[i] as number;
      if (v - v !== 0) continue; // NaN and ±Infinity are not profiled values
      const lo = words[2 * i] as number;
      let hi = words[2 * i + 1] as number;
      if (lo === 0 && hi === 0x80000000) hi = 0; // -0 → 0
      const h1 = hashWords(lo, hi, SEED_A);
      const rest = h1 & REST_MASK;
      const rank = rest !== 0 ? Math.clz32(rest) - HLL_PRECISION + 1 : INDEX_SHIFT + 1 + Math.clz32(hashWords(lo, hi, SEED_B));
      const index = h1 >>> INDEX_SHIFT;
      if (rank > (regs[index] as number)) regs[index] = rank;
    }
  }

  /** Folds another sketch in (register-wise max). */
  merge(other: HyperLogLog): this {
    const a = this.registers;
    const b = other.registers;
    for (let i = 0; i < M; i++) if ((b[i] as number) > (a[i] as number)) a[i] = b[i] as number;
    return this;
  }

  /**
   * Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017;
   * what Redis uses): the raw harmonic mean with σ and τ corrections for empty and saturated registers.
   * σ is the small-range correction — it reduces to linear counting when most registers are empty —
   * but unlike the classic switch to linear counting at 2.5·m it leaves no bias hump just above the
   * switch (measured on 80 sets of 1k–1M values: the classic rule is off by +2–3.5% at 40–45k;
   * this estimator's worst is 1.8%, its rms error 0.7%).
   */
  estimate(): number {
    const histogram = new Float64Array(MAX_RANK + 1);
    for (let i = 0; i < M; i++) {
      const r = this.registers[i] as number;
      histogram[r] = (histogram[r] as number) + 1;
    }
    let z = M * tau(1 - (histogram[MAX_RANK] as number) / M);
    for (let k = MAX_RANK - 1; k >= 1; k--) z = 0.5 * (z + (histogram[k] as number));
    z += M * sigma((histogram[0] as number) / M);
    return (M * M) / (2 * Math.LN2 * z);
  }

  clone(): HyperLogLog {
    return new HyperLogLog(this.registers.slice());
  }

  toBase64(): string {
    return Buffer.from(this.registers.buffer, this.registers.byteOffset, this.registers.byteLength).toString('base64');
  }

  static fromBase64(text: string, where = 'hll'): HyperLogLog {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length !== M || bytes.toString('base64') !== text) {
      throw invalid(`invalid profile: ${where} must be the base64 of ${M} HyperLogLog registers`);
    }
    const registers = new Uint8Array(bytes);
    if (registers.some((r) => r > MAX_RANK)) throw invalid(`invalid profile: ${where} has a register above ${MAX_RANK}`);
    return new HyperLogLog(registers);
  }
}
