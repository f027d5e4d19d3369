/**
 * numpy arithmetic that only drift needs. Sums in numpy's pairwise order are the data module's
 * `pairwiseSum` (expectations need them too).
 */
/** Neumaier's compensated sum of a stream, for long sums numpy would take pairwise (error ≈ 1 ulp). */
export class CompensatedSum {
  private sum = 0;
  private c = 0;
  add(x: number): void {
    const t = this.sum + x;
    this.c += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }
  get value(): number {
    return this.sum + this.c;
  }
}

/** numpy's `round` (half to even). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
