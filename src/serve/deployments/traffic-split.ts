/**
 * How a request is assigned to the candidate side of a split.
 *
 * With a key (a header such as `x-slipway-key: user-42`) the choice is sticky: the key hashes to a
 * bucket in 0..9999 and the candidate takes buckets below percent × 100, so one caller always sees
 * one version and raising the percentage only moves callers towards the candidate.
 * Without a key, an error-diffusion counter gives exactly `percent` of requests, evenly spread
 * (every tenth for 10%), rather than a random share that wanders on small counts.
 */
export const BUCKETS = 10_000;

/** FNV-1a (32-bit) of the key's UTF-16 code units, reduced to a bucket. */
export function keyBucket(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

export class TrafficSplit {
  private credit = 0;
  constructor(readonly percent: number) {}

  /** True when this request goes to the candidate. */
  choose(key: string | undefined): boolean {
    if (this.percent <= 0) return false;
    if (this.percent >= 100) return true;
    if (key !== undefined && key !== '') return keyBucket(key) < this.percent * (BUCKETS / 100);
    this.credit += this.percent;
    if (this.credit >= 100) {
      this.credit -= 100;
      return true;
    }
    return false;
  }
}
