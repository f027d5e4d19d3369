/**
 * Evidently's two-proportion Z-test: the share of values other than the first category (in sorted
 * order) in the reference against the current, with the pooled standard error, two-sided:
 * p = 2·(1 − Φ(|z|)). Both windows holding the same single value gives p = 1 (z = 0).
 */
import { type PValueResult, total } from './chi-square.js';
import { normalUpperViaCdf } from './special.js';

/** Aligned counts over categories in sorted order (index 0 is the category Evidently singles out). */
export function evidentlyZTest(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): PValueResult {
  const n1 = total(refCounts);
  const n2 = total(curCounts);
  const single = (c: ArrayLike<number>) => {
    let at = -1;
    for (let i = 0; i < c.length; i++) {
      if ((c[i] as number) > 0) {
        if (at >= 0) return -1;
        at = i;
      }
    }
    return at;
  };
  const s1 = single(refCounts);
  if (s1 >= 0 && s1 === single(curCounts)) return { statistic: 0, pValue: 1 };
  const p1 = (n1 - (refCounts[0] as number)) / n1;
  const p2 = (n2 - (curCounts[0] as number)) / n2;
  const P = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(P * (1 - P) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: 2 * normalUpperViaCdf(z) };
}
