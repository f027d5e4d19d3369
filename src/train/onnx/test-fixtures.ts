/**
 * Hand-built TrainedModels for this folder's tests (no trainer needed): one per estimator and task,
 * covering imputation, scaling, one-hot and ordinal categoricals, booleans and missing-value routing.
 */
import type { FeatureSpec, TrainedModel, Tree } from '../model-types.js';
import { randomTree, rng } from './test-helpers.js';

const linearFeatures: FeatureSpec[] = [
  { name: 'age', kind: 'numeric', impute: 41.5, scale: { mean: 41.5, std: 12.25 } },
  { name: 'income', kind: 'numeric', impute: 52000, scale: { mean: 52000, std: 18000 } },
  // Imputed but not scaled: the Imputer-only path.
  { name: 'score', kind: 'numeric', impute: 0.1, scale: undefined },
  { name: 'color', kind: 'categorical', categories: ['blue', 'green', 'red'], encoding: 'onehot' },
  { name: 'flag', kind: 'categorical', categories: ['false', 'true'], encoding: 'onehot' },
];
// 1 + 1 + 1 + 3 + 2 slots.
const LINEAR_SLOTS = 8;

const treeFeatures: FeatureSpec[] = [
  { name: 'x1', kind: 'numeric', impute: undefined, scale: undefined },
  { name: 'x2', kind: 'numeric', impute: undefined, scale: undefined },
  { name: 'city', kind: 'categorical', categories: ['berlin', 'lisbon', 'paris', 'rome'], encoding: 'ordinal' },
  { name: 'flag', kind: 'categorical', categories: ['false', 'true'], encoding: 'ordinal' },
  { name: 'x3 (raw)', kind: 'numeric', impute: 0.25, scale: undefined },
];

function header(
  algorithm: TrainedModel['algorithm'],
  task: TrainedModel['task'],
  classes: string[] | undefined,
  features: FeatureSpec[],
) {
  return {
    format: 'slipway.model/v1' as const,
    algorithm,
    task,
    target: 'y',
    classes,
    preprocessor: { features },
    params: { seed: 7, lr: 0.1, note: 'fixture', balanced: false },
  };
}

const weights = (seed: number, n: number) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.round((r() - 0.5) * 4000) / 1000);
};

export function logisticBinary(): TrainedModel {
  return {
    ...header('logistic', 'binary', ['no', 'yes'], linearFeatures),
    estimator: { kind: 'logistic', coefficients: [weights(1, LINEAR_SLOTS)], intercepts: [-0.3] },
  };
}

export function logisticMulticlass(): TrainedModel {
  return {
    ...header('logistic', 'multiclass', ['bird', 'cat', 'dog'], linearFeatures),
    estimator: {
      kind: 'logistic',
      coefficients: [weights(2, LINEAR_SLOTS), weights(3, LINEAR_SLOTS), weights(4, LINEAR_SLOTS)],
      intercepts: [0.2, -0.1, 0.05],
    },
  };
}

export function ridgeRegression(): TrainedModel {
  return {
    ...header('linear', 'regression', undefined, linearFeatures),
    estimator: { kind: 'linear', weights: weights(5, LINEAR_SLOTS), intercept: 3.75 },
  };
}

/** Splits over the tree fixtures' 5 slots: numeric thresholds with two decimals (not float32-exact), ordinal ones at k + 0.5. */
function treeSplits(r: () => number) {
  return () => {
    const slot = Math.floor(r() * 5);
    if (slot === 2) return { slot, threshold: Math.floor(r() * 4) + 0.5 - (r() < 0.2 ? 1 : 0) };
    if (slot === 3) return { slot, threshold: 0.5 };
    return { slot, threshold: Math.round((r() - 0.5) * 600) / 100 };
  };
}

function gbdtTrees(seed: number, iterations: number, outputs: number): Tree[][] {
  const r = rng(seed);
  const split = treeSplits(r);
  return Array.from({ length: iterations }, () => Array.from({ length: outputs }, () => randomTree(r, 4, split)));
}

export function gbdtBinary(): TrainedModel {
  return {
    ...header('gbdt', 'binary', ['0', '1'], treeFeatures),
    estimator: { kind: 'gbdt', baseScore: [-0.4], trees: gbdtTrees(11, 30, 1) },
  };
}

export function gbdtMulticlass(): TrainedModel {
  return {
    ...header('gbdt', 'multiclass', ['high', 'low', 'mid'], treeFeatures),
    estimator: { kind: 'gbdt', baseScore: [0.1, -0.2, 0.05], trees: gbdtTrees(12, 20, 3) },
  };
}

export function gbdtRegression(): TrainedModel {
  return {
    ...header('gbdt', 'regression', undefined, treeFeatures),
    estimator: { kind: 'gbdt', baseScore: [12.5], trees: gbdtTrees(13, 40, 1) },
  };
}

export const ALL_FIXTURES: readonly (readonly [string, () => TrainedModel])[] = [
  ['logistic binary (numeric + one-hot + boolean)', logisticBinary],
  ['logistic multiclass', logisticMulticlass],
  ['ridge regression', ridgeRegression],
  ['gbdt binary (missing routing, ordinal + unseen)', gbdtBinary],
  ['gbdt multiclass', gbdtMulticlass],
  ['gbdt regression', gbdtRegression],
];
