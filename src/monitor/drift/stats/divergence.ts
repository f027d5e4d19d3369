/**
 * Divergences between two binned distributions, on Evidently's shares: Jensen–Shannon distance
 * (scipy.spatial.distance.jensenshannon, natural log: √((KL(p‖m) + KL(q‖m))/2) with m = (p + q)/2),
 * population stability index Σ (r − c)·ln(r/c), and Kullback–Leibler divergence
 * (scipy.stats.entropy(r, c)). PSI and KL take shares already passed through `fillEmpty`.
 */
import { pairwiseSum } from '../../../data/index.js';

/** scipy.special.rel_entr. */
export function relEntr(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

function normalized(p: ArrayLike<number>): Float64Array {
  const s = pairwiseSum(p);
  return Float64Array.from(p, (v) => v / s);
}

export function jensenShannonDistance(p0: ArrayLike<number>, q0: ArrayLike<number>): number {
  const p = normalized(p0);
  const q = normalized(q0);
  const left = new Float64Array(p.length);
  const right = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const m = ((p[i] as number) + (q[i] as number)) / 2;
    left[i] = relEntr(p[i] as number, m);
    right[i] = relEntr(q[i] as number, m);
  }
  return Math.sqrt((pairwiseSum(left) + pairwiseSum(right)) / 2);
}

export function populationStabilityIndex(ref: ArrayLike<number>, cur: ArrayLike<number>): number {
  const terms = Float64Array.from(ref, (r, i) => (r - (cur[i] as number)) * Math.log(r / (cur[i] as number)));
  return pairwiseSum(terms);
}

export function klDivergence(ref: ArrayLike<number>, cur: ArrayLike<number>): number {
  const p = normalized(ref);
  const q = normalized(cur);
  return pairwiseSum(Float64Array.from(p, (v, i) => relEntr(v, q[i] as number)));
}
