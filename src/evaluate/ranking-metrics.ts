/**
 * Threshold-free ranking metrics, written as scikit-learn 1.2 computes them so the numbers agree to
 * the last bits: ROC AUC is the trapezoid over the ROC curve's distinct-score points (tied scores
 * form one point, so a tie counts half), and average precision is the step-wise sum
 * Σ (R_n − R_{n−1}) P_n over the same points — never interpolated.
 */
import { mean, pairwiseSum } from './numeric.js';

/** Cumulative false and true positives at each distinct score, highest score first (`_binary_clf_curve`). */
export interface ClfCurve {
  readonly fps: Float64Array;
  readonly tps: Float64Array;
  readonly thresholds: Float64Array;
}

export function binaryClfCurve(positive: ArrayLike<boolean>, score: ArrayLike<number>): ClfCurve {
  const n = score.length;
  // Descending score; the order inside a run of ties does not matter since only run ends are kept.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (score[b] as number) - (score[a] as number));
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    if (positive[i]) tp++;
    const next = order[k + 1];
    if (next === undefined || score[next] !== score[i]) {
      tps.push(tp);
      fps.push(k + 1 - tp);
      thresholds.push(score[i] as number);
    }
  }
  return { fps: Float64Array.from(fps), tps: Float64Array.from(tps), thresholds: Float64Array.from(thresholds) };
}

export interface RocCurve {
  readonly fpr: number[];
  readonly tpr: number[];
}

/**
 * sklearn's `roc_curve(drop_intermediate=True)`: collinear points dropped (second differences of
 * both counts zero), (0, 0) prepended. Undefined (undefined return) unless both classes are present.
 */
export function rocCurve(positive: ArrayLike<boolean>, score: ArrayLike<number>): RocCurve | undefined {
  const { fps, tps } = binaryClfCurve(positive, score);
  const m = fps.length;
  const keep: number[] = [];
  for (let i = 0; i < m; i++) {
    const inner =
      i > 0 &&
      i < m - 1 &&
      (fps[i + 1] as number) - (fps[i] as number) - ((fps[i] as number) - (fps[i - 1] as number)) === 0 &&
      (tps[i + 1] as number) - (tps[i] as number) - ((tps[i] as number) - (tps[i - 1] as number)) === 0;
    if (m <= 2 || !inner) keep.push(i);
  }
  const lastFp = fps[m - 1] ?? 0;
  const lastTp = tps[m - 1] ?? 0;
  if (lastFp === 0 || lastTp === 0) return undefined;
  return {
    fpr: [0, ...keep.map((i) => (fps[i] as number) / lastFp)],
    tpr: [0, ...keep.map((i) => (tps[i] as number) / lastTp)],
  };
}

/** `np.trapz(y, x)`: Σ diff(x) · (y[i+1] + y[i]) / 2, summed pairwise. */
function trapezoid(x: readonly number[], y: readonly number[]): number {
  const parts = new Float64Array(x.length - 1);
  for (let i = 0; i < parts.length; i++) {
    parts[i] = (((x[i + 1] as number) - (x[i] as number)) * ((y[i + 1] as number) + (y[i] as number))) / 2;
  }
  return pairwiseSum(parts);
}

/** Binary ROC AUC; NaN when only one class is present (sklearn raises there). */
export function rocAuc(positive: ArrayLike<boolean>, score: ArrayLike<number>): number {
  const curve = rocCurve(positive, score);
  return curve ? trapezoid(curve.fpr, curve.tpr) : NaN;
}

/**
 * Binary average precision (`average_precision_score`): −Σ diff(recall) · precision[:-1] over the
 * reversed precision-recall curve. With no positive at all sklearn sets recall to 1 everywhere and
 * the sum comes out as (−)0; kept.
 */
export function averagePrecision(positive: ArrayLike<boolean>, score: ArrayLike<number>): number {
  const { fps, tps } = binaryClfCurve(positive, score);
  const m = tps.length;
  const total = tps[m - 1] ?? 0;
  const precision = (i: number) => (tps[i] as number) / ((tps[i] as number) + (fps[i] as number));
  const recall = (i: number) => (total === 0 ? 1 : (tps[i] as number) / total);
  // Reversed arrays: recall_r[j] = recall[m-1-j] then a final 0; precision_r[j] = precision[m-1-j].
  const parts = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const rNext = j + 1 < m ? recall(m - 2 - j) : 0;
    parts[j] = (rNext - recall(m - 1 - j)) * precision(m - 1 - j);
  }
  return -pairwiseSum(parts);
}

/** One column of a row-major [rows × k] matrix. */
export function column(probabilities: ArrayLike<number>, k: number, c: number): Float64Array {
  const rows = probabilities.length / k;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = probabilities[i * k + c] as number;
  return out;
}

/**
 * One-vs-rest macro ROC AUC (`roc_auc_score(multi_class='ovr', average='macro', labels=classes)`):
 * the unweighted mean of each class's binary AUC. NaN when some class is absent from y_true (sklearn
 * raises); sklearn also insists the rows sum to 1, which is not re-checked here.
 */
export function rocAucOvrMacro(yIndex: ArrayLike<number>, probabilities: ArrayLike<number>, k: number): number {
  const perClass = Array.from({ length: k }, (_, c) =>
    rocAuc(
      Array.from(yIndex, (y) => y === c),
      column(probabilities, k, c),
    ),
  );
  return mean(perClass);
}

/**
 * Multiclass average precision: the macro mean of the one-vs-rest binary APs over all classes, as
 * sklearn computes it on label-binarised targets (an absent class contributes its AP of 0).
 */
export function averagePrecisionOvrMacro(yIndex: ArrayLike<number>, probabilities: ArrayLike<number>, k: number): number {
  const perClass = Array.from({ length: k }, (_, c) =>
    averagePrecision(
      Array.from(yIndex, (y) => y === c),
      column(probabilities, k, c),
    ),
  );
  return mean(perClass);
}
