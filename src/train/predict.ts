/**
 * Runs a TrainedModel on a table in TypeScript: preprocessing, then the estimator's raw scores, then
 * the link (identity, sigmoid or softmax). The ONNX export must reproduce these numbers (1e-5).
 */
import type { Table } from '../data/index.js';
import type { Estimator, GbdtEstimator, Predictions, TrainedModel, Tree } from './model-types.js';
import { slotCount, transform } from './preprocess.js';

/** Raw scores, row-major [rows × outputs]: 1 output for regression and binary (log-odds), K for multiclass. */
export function predictRaw(model: TrainedModel, table: Table): Float64Array {
  const x = transform(model.preprocessor, table);
  return rawScores(model.estimator, x, table.rowCount, slotCount(model.preprocessor));
}

export function predict(model: TrainedModel, table: Table): Predictions {
  const rows = table.rowCount;
  const raw = predictRaw(model, table);
  if (model.task === 'regression') return { labels: undefined, probabilities: undefined, values: raw };
  const classes = model.classes ?? [];
  const k = classes.length;
  const probabilities = new Float64Array(rows * k);
  if (model.task === 'binary') {
    for (let r = 0; r < rows; r++) {
      const p = 1 / (1 + Math.exp(-(raw[r] as number)));
      probabilities[r * 2] = 1 - p;
      probabilities[r * 2 + 1] = p;
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const o = r * k;
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[o + c] as number);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += probabilities[o + c] = Math.exp((raw[o + c] as number) - max);
      for (let c = 0; c < k; c++) probabilities[o + c] = (probabilities[o + c] as number) / sum;
    }
  }
  const labels: string[] = new Array<string>(rows);
  for (let r = 0; r < rows; r++) {
    // argmax; a tie goes to the first class in `classes` order.
    let best = 0;
    for (let c = 1; c < k; c++) if ((probabilities[r * k + c] as number) > (probabilities[r * k + best] as number)) best = c;
    labels[r] = classes[best] as string;
  }
  return { labels, probabilities, values: undefined };
}

/** Raw scores of a preprocessed row-major matrix. */
export function rawScores(estimator: Estimator, x: Float64Array, rows: number, slots: number): Float64Array {
  switch (estimator.kind) {
    case 'linear': {
      const out = new Float64Array(rows);
      const w = estimator.weights;
      for (let r = 0; r < rows; r++) {
        let s = estimator.intercept;
        for (let j = 0; j < slots; j++) s += (w[j] as number) * (x[r * slots + j] as number);
        out[r] = s;
      }
      return out;
    }
    case 'logistic': {
      const k = estimator.coefficients.length;
      const out = new Float64Array(rows * k);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < k; c++) {
          const w = estimator.coefficients[c] as readonly number[];
          let s = estimator.intercepts[c] as number;
          for (let j = 0; j < slots; j++) s += (w[j] as number) * (x[r * slots + j] as number);
          out[r * k + c] = s;
        }
      }
      return out;
    }
    case 'gbdt':
      return gbdtScores(estimator, x, rows, slots);
  }
}

function gbdtScores(estimator: GbdtEstimator, x: Float64Array, rows: number, slots: number): Float64Array {
  const k = estimator.baseScore.length;
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) for (let c = 0; c < k; c++) out[r * k + c] = estimator.baseScore[c] as number;
  for (const round of estimator.trees) {
    round.forEach((tree, c) => addTree(tree, x, rows, slots, out, k, c));
  }
  return out;
}

function addTree(tree: Tree, x: Float64Array, rows: number, slots: number, out: Float64Array, k: number, c: number): void {
  const { feature, threshold, missingLeft, left, right, value } = tree;
  for (let r = 0; r < rows; r++) {
    let node = 0;
    while ((left[node] as number) >= 0) {
      const v = x[r * slots + (feature[node] as number)] as number;
      // In float32, as the exported ONNX graph does (float32 inputs and thresholds), so a value within
      // float32 rounding of a threshold takes the same branch in both and predictions agree.
      const goLeft = Number.isNaN(v) ? (missingLeft[node] as boolean) : Math.fround(v) <= Math.fround(threshold[node] as number);
      node = goLeft ? (left[node] as number) : (right[node] as number);
    }
    out[r * k + c] = (out[r * k + c] as number) + (value[node] as number);
  }
}
