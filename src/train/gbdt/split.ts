/**
 * The best split of a node from its histogram, scored as scikit-learn's HistGradientBoosting does:
 *   gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)
 * For each feature and bin t, "bins ≤ t go left" is tried with missing values on the right and, when the
 * node has missing values for that feature, on the left; plus "every present value left, missing
 * right". With no missing values in the node, a later missing value goes to the larger child (as
 * scikit-learn). Candidates are scanned in a fixed order and only a strictly better gain replaces the
 * best, so ties resolve the same way every run.
 */
import { BINS, STRIDE } from './histogram.js';

export interface SplitParams {
  readonly l2: number;
  readonly minSamplesLeaf: number;
  /** Each child's hessian sum must reach this (scikit-learn's min_hessian_to_split). */
  readonly minHessian: number;
}

export interface Split {
  readonly gain: number;
  readonly feature: number;
  /** Bins ≤ bin go left; bin = nBins − 1 means "present left, missing right". */
  readonly bin: number;
  readonly missingLeft: boolean;
  readonly leftG: number;
  readonly leftH: number;
  readonly leftCount: number;
  readonly rightG: number;
  readonly rightH: number;
  readonly rightCount: number;
}

export function findBestSplit(
  hist: Float64Array,
  nBins: Uint16Array,
  sumG: number,
  sumH: number,
  count: number,
  p: SplitParams,
): Split | undefined {
  const { l2, minSamplesLeaf, minHessian } = p;
  const parentScore = (sumG * sumG) / (sumH + l2);
  let best: Split | undefined;
  let bestGain = 0;
  const consider = (feature: number, bin: number, missingLeft: boolean, lg: number, lh: number, lc: number) => {
    const rc = count - lc;
    if (lc < minSamplesLeaf || rc < minSamplesLeaf) return;
    const rg = sumG - lg;
    const rh = sumH - lh;
    if (lh < minHessian || rh < minHessian) return;
    const gain = (lg * lg) / (lh + l2) + (rg * rg) / (rh + l2) - parentScore;
    if (gain > bestGain) {
      bestGain = gain;
      best = { gain, feature, bin, missingLeft, leftG: lg, leftH: lh, leftCount: lc, rightG: rg, rightH: rh, rightCount: rc };
    }
  };
  for (let f = 0; f < nBins.length; f++) {
    const nb = nBins[f] as number;
    const base = f * BINS * STRIDE;
    const mo = base + (BINS - 1) * STRIDE;
    const mg = hist[mo] as number;
    const mh = hist[mo + 1] as number;
    const mc = hist[mo + 2] as number;
    let ag = 0;
    let ah = 0;
    let ac = 0;
    for (let t = 0; t < nb - 1; t++) {
      const o = base + t * STRIDE;
      const c = hist[o + 2] as number;
      if (c === 0) continue; // an empty bin gives the same partition as the previous threshold
      ag += hist[o] as number;
      ah += hist[o + 1] as number;
      ac += c;
      if (count - ac < minSamplesLeaf) break; // the right side only shrinks from here
      if (mc === 0) {
        consider(f, t, ac >= count - ac, ag, ah, ac);
      } else {
        consider(f, t, false, ag, ah, ac);
        consider(f, t, true, ag + mg, ah + mh, ac + mc);
      }
    }
    if (mc > 0 && count - mc > 0) consider(f, nb - 1, false, sumG - mg, sumH - mh, count - mc);
  }
  return best;
}
