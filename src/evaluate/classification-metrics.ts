/**
 * Classification metrics equal to scikit-learn 1.2's on the same inputs (see
 * test/fixtures/evaluate/make-fixtures.py). Conventions, each sklearn's own:
 * - Binary precision/recall/F1 are of the positive class, which is classes[1], the second class in
 *   sorted order (for Adult income, '>50K'); predictions' probability columns follow `classes`.
 * - zero_division=0: a precision or recall whose denominator is 0 is 0, an F1 with P + R = 0 is 0.
 * - Macro and weighted averages, and balanced accuracy, run over the classes that occur in y_true or
 *   in the predictions (sklearn's default `labels`), not over every class the model knows — so a
 *   slice without some class is not penalised for it.
 * - A metric that is undefined on the input (ROC AUC with one class present) is NaN here; reports
 *   carry it as null.
 */
import { invalid } from '../errors.js';
import { mean, pairwiseSum, weightedMean } from './numeric.js';
import { type CalibrationCurve, brierScore, calibrationCurve, logLoss } from './probability-metrics.js';
import {
  type RocCurve,
  averagePrecision,
  averagePrecisionOvrMacro,
  column,
  rocAuc,
  rocAucOvrMacro,
  rocCurve,
} from './ranking-metrics.js';

export interface ClassificationInput {
  /** Class labels; probability columns are in this order and classes[1] is the binary positive class. */
  readonly classes: readonly string[];
  readonly yTrue: readonly string[];
  /** Predicted label per row. */
  readonly yPred: readonly string[];
  /** Row-major [rows × classes]; without it the probability metrics are not computed. */
  readonly probabilities?: ArrayLike<number> | undefined;
}

export interface ClassificationResult {
  /** Metric name → value; NaN where the metric is undefined on this input. */
  readonly metrics: Record<string, number>;
  /** Rows: true class, columns: predicted class, both in `classes` order. */
  readonly confusionMatrix: number[][];
  /** Binary with probabilities only: the positive class's calibration curve (10 uniform bins). */
  readonly calibration?: CalibrationCurve;
  /** Binary with probabilities and both classes present only. */
  readonly roc?: RocCurve;
}

/** Class positions of labels; an unknown label is an input error, not a silently dropped row. */
export function indexLabels(classes: readonly string[], labels: readonly string[], what: string): Int32Array {
  const pos = new Map(classes.map((c, i) => [c, i]));
  const out = new Int32Array(labels.length);
  labels.forEach((label, i) => {
    const p = pos.get(label);
    if (p === undefined) {
      throw invalid(`${what} row ${i} has label '${label}', which is not one of the classes [${classes.join(', ')}]`, {
        row: i,
        label,
      });
    }
    out[i] = p;
  });
  return out;
}

export function confusionMatrix(yIndex: ArrayLike<number>, predIndex: ArrayLike<number>, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yIndex.length; i++) {
    const row = m[yIndex[i] as number] as number[];
    row[predIndex[i] as number] = (row[predIndex[i] as number] as number) + 1;
  }
  return m;
}

interface PerClass {
  readonly precision: number[];
  readonly recall: number[];
  readonly f1: number[];
  readonly support: number[];
  readonly present: boolean[];
}

/** sklearn's precision_recall_fscore_support per class, zero_division=0, F1 as 2PR / (P + R). */
function perClass(cm: readonly (readonly number[])[]): PerClass {
  const k = cm.length;
  const out: PerClass = { precision: [], recall: [], f1: [], support: [], present: [] };
  for (let c = 0; c < k; c++) {
    const tp = cm[c]?.[c] ?? 0;
    const trueSum = pairwiseSum(cm[c] ?? []);
    let predSum = 0;
    for (let r = 0; r < k; r++) predSum += cm[r]?.[c] ?? 0;
    const p = predSum === 0 ? 0 : tp / predSum;
    const rec = trueSum === 0 ? 0 : tp / trueSum;
    const denom = p + rec;
    out.precision.push(p);
    out.recall.push(rec);
    out.f1.push((2 * p * rec) / (denom === 0 ? 1 : denom));
    out.support.push(trueSum);
    out.present.push(trueSum + predSum > 0);
  }
  return out;
}

export function classificationMetrics(input: ClassificationInput, options: { curves?: boolean } = {}): ClassificationResult {
  const { classes, yTrue, yPred, probabilities } = input;
  const k = classes.length;
  if (k < 2) throw invalid(`classification needs at least two classes, got [${classes.join(', ')}]`);
  if (yPred.length !== yTrue.length) {
    throw invalid(`predictions have ${yPred.length} labels but y_true has ${yTrue.length} rows`);
  }
  if (yTrue.length === 0) throw invalid('cannot evaluate zero rows');
  const yIndex = indexLabels(classes, yTrue, 'y_true');
  const predIndex = indexLabels(classes, yPred, 'prediction');
  const cm = confusionMatrix(yIndex, predIndex, k);
  const stats = perClass(cm);
  const present = (values: number[]) => values.filter((_, c) => stats.present[c]);

  let correct = 0;
  for (let c = 0; c < k; c++) correct += cm[c]?.[c] ?? 0;
  const metrics: Record<string, number> = {
    accuracy: correct / yTrue.length,
    // Recall per class present in y_true (a class only predicted has 0/0 and is dropped, as sklearn does).
    balanced_accuracy: mean(stats.recall.filter((_, c) => (stats.support[c] ?? 0) > 0)),
  };
  for (const [name, values] of [
    ['precision', stats.precision],
    ['recall', stats.recall],
    ['f1', stats.f1],
  ] as const) {
    metrics[`${name}_macro`] = mean(present(values));
    metrics[`${name}_weighted`] = weightedMean(present(values), present(stats.support));
  }
  if (k === 2) {
    metrics.precision = stats.precision[1] as number;
    metrics.recall = stats.recall[1] as number;
    metrics.f1 = stats.f1[1] as number;
  }

  let calibration: CalibrationCurve | undefined;
  let roc: RocCurve | undefined;
  if (probabilities !== undefined) {
    checkProbabilities(probabilities, yTrue.length, k);
    metrics.log_loss = logLoss(yIndex, probabilities, k);
    metrics.brier_score = brierScore(yIndex, probabilities, k);
    if (k === 2) {
      const positive = Array.from(yIndex, (y) => y === 1);
      const score = column(probabilities, 2, 1);
      metrics.roc_auc = rocAuc(positive, score);
      metrics.average_precision = averagePrecision(positive, score);
      if (options.curves) {
        calibration = calibrationCurve(positive, score);
        roc = rocCurve(positive, score);
      }
    } else {
      metrics.roc_auc = rocAucOvrMacro(yIndex, probabilities, k);
      metrics.average_precision = averagePrecisionOvrMacro(yIndex, probabilities, k);
    }
  }
  return { metrics, confusionMatrix: cm, ...(calibration && { calibration }), ...(roc && { roc }) };
}

/** Probabilities must be [rows × classes] numbers in [0, 1] (sklearn's calibration curve refuses others). */
function checkProbabilities(p: ArrayLike<number>, rows: number, k: number): void {
  if (p.length !== rows * k) {
    throw invalid(`probabilities have ${p.length} values; expected ${rows} rows × ${k} classes = ${rows * k}`);
  }
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (!(v >= 0 && v <= 1)) {
      throw invalid(`probability at row ${Math.floor(i / k)}, class ${i % k} is ${v}; expected a number in [0, 1]`);
    }
  }
}
