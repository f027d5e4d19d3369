/**
 * A trained model as Slipway holds it: preprocessing plus one estimator, in plain JSON. Trainers
 * produce it, `predict.ts` runs it in TypeScript, and the ONNX exporter turns it into a standalone
 * ONNX graph whose predictions equal these (1e-5). The JSON also travels inside the ONNX file's
 * metadata (`slipway.model`), so a registered .onnx carries its own exact description.
 */

export type Task = 'binary' | 'multiclass' | 'regression';
export type Algorithm = 'linear' | 'logistic' | 'gbdt';

/** One raw input column and how it becomes model features. */
export type FeatureSpec = NumericFeature | CategoricalFeature;

export interface NumericFeature {
  readonly name: string;
  readonly kind: 'numeric';
  /** Replaces a missing value (NaN/null): the training mean. Trees keep NaN instead (undefined here). */
  readonly impute: number | undefined;
  /** Standardisation for linear models: (x - mean) / std. Trees use raw values (undefined here). */
  readonly scale: { readonly mean: number; readonly std: number } | undefined;
}

export interface CategoricalFeature {
  readonly name: string;
  readonly kind: 'categorical';
  /** Categories seen in training, sorted by code point. */
  readonly categories: readonly string[];
  /**
   * 'onehot': one 0/1 feature per category; an unseen or missing value is all zeros (linear models).
   * 'ordinal': one feature, the category's index; unseen or missing is NaN (trees send it down the
   * missing branch).
   */
  readonly encoding: 'onehot' | 'ordinal';
}

/** Features in this order; each numeric or ordinal feature is one slot, each one-hot feature |categories| slots. */
export interface Preprocessor {
  readonly features: readonly FeatureSpec[];
}

export interface LinearEstimator {
  readonly kind: 'linear';
  /** One weight per preprocessed slot. */
  readonly weights: readonly number[];
  readonly intercept: number;
}

export interface LogisticEstimator {
  readonly kind: 'logistic';
  /** Binary: one row (the positive class, classes[1]); multiclass: one row per class (softmax). */
  readonly coefficients: readonly (readonly number[])[];
  readonly intercepts: readonly number[];
}

/** A regression tree in flat arrays (node 0 is the root), as ONNX's TreeEnsemble attributes want them. */
export interface Tree {
  /** Slot index tested at each node; -1 at leaves. */
  readonly feature: readonly number[];
  /** Go left when x <= threshold. */
  readonly threshold: readonly number[];
  /** Where a missing (NaN) value goes at each split. */
  readonly missingLeft: readonly boolean[];
  readonly left: readonly number[];
  readonly right: readonly number[];
  /** Leaf value (already multiplied by the learning rate); 0 at internal nodes. */
  readonly value: readonly number[];
}

export interface GbdtEstimator {
  readonly kind: 'gbdt';
  /** Raw score before any tree, one per output (1 for regression/binary, K for multiclass). */
  readonly baseScore: readonly number[];
  /** trees[iteration][output]. */
  readonly trees: readonly (readonly Tree[])[];
}

export type Estimator = LinearEstimator | LogisticEstimator | GbdtEstimator;

export interface TrainedModel {
  readonly format: 'slipway.model/v1';
  readonly algorithm: Algorithm;
  readonly task: Task;
  readonly target: string;
  /** Classification: class labels as strings, sorted by code point (the probability columns' order). */
  readonly classes: readonly string[] | undefined;
  readonly preprocessor: Preprocessor;
  readonly estimator: Estimator;
  /** Hyperparameters and seed as used, for lineage. */
  readonly params: Readonly<Record<string, number | string | boolean>>;
}

/** What a model says about a batch of rows. */
export interface Predictions {
  /** Classification: the predicted class label per row; regression: undefined. */
  readonly labels: readonly string[] | undefined;
  /** Classification: probabilities, row-major [rows × classes] in `classes` order. */
  readonly probabilities: Float64Array | undefined;
  /** Regression: the predicted value per row. */
  readonly values: Float64Array | undefined;
}
