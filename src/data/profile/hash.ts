/**
 * Non-cryptographic hashing for the sketches: MurmurHash3 (x86, 32-bit) run twice with two seeds gives
 * 64 hash bits per value, which the HyperLogLog needs (14 bits of register index + up to 50 bits of
 * rank) without the collision floor a single 32-bit hash hits at ~10^8 distinct values. Numbers hash by
 * their IEEE-754 bits (so 1 written as "1" or "1.0" is one value, -0 is folded into 0), strings by their
 * UTF-16 code units. Cheap enough for the per-row loop; nothing here allocates.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
export const SEED_A = 0x9747b28c;
export const SEED_B = 0x5bd1e995;

function mixK(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Murmur3 of one 8-byte block given as two 32-bit words (a float64's low and high halves). */
export function hashWords(lo: number, hi: number, seed: number): number {
  return fmix(mixK(mixK(seed, lo), hi) ^ 8);
}

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/** The two 32-bit hashes of a number, written into out[0], out[1]. Same bits as the array loop in hyperloglog.ts. */
export function hashNumber(v: number, out: Uint32Array): void {
  scratch[0] = v === 0 ? 0 : v; // -0 and 0 are one value everywhere else (Map keys, ==), so here too
  const lo = scratchWords[0] as number;
  const hi = scratchWords[1] as number;
  out[0] = hashWords(lo, hi, SEED_A);
  out[1] = hashWords(lo, hi, SEED_B);
}

function hashString32(s: string, seed: number): number {
  let h = seed | 0;
  const n = s.length;
  const pairs = n & ~1;
  for (let i = 0; i < pairs; i += 2) h = mixK(h, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  if (n & 1) {
    let k = Math.imul(s.charCodeAt(n - 1), C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  return fmix(h ^ (n * 2));
}

/** The two 32-bit hashes of a string, written into out[0], out[1]. */
export function hashString(s: string, out: Uint32Array): void {
  out[0] = hashString32(s, SEED_A);
  out[1] = hashString32(s, SEED_B);
}

/** mulberry32 step: the seeded coin flips of the quantile sketch (results must be reproducible). */
export function nextRandom(state: number): number {
  let t = (state + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** A 32-bit seed from a string and a number (per column and chunk, so chunk sketches flip different coins). */
export function seedOf(name: string, n: number): number {
  return hashWords(hashString32(name, SEED_A), n >>> 0, Math.floor(n / 4294967296) | 0);
}
