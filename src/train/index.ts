/**
 * Train: built-in trainers (ridge, L2 logistic regression, histogram gradient-boosted trees) producing
 * the TrainedModel contract, the TypeScript predictor, and the seeded train/test split.
 */
export type {
  Algorithm,
  CategoricalFeature,
  Estimator,
  FeatureSpec,
  GbdtEstimator,
  LinearEstimator,
  LogisticEstimator,
  NumericFeature,
  Predictions,
  Preprocessor,
  Task,
  Tree,
  TrainedModel,
} from './model-types.js';
export type { TrainInfo, TrainOptions, TrainResult } from './train.js';
export { trainModel, trainModelWithInfo } from './train.js';
export { predict, predictRaw } from './predict.js';
export { fitPreprocessor, slotCount, slotNames, transform } from './preprocess.js';
export type { ParamValue, RawParams } from './params.js';
export { paramNames, resolveParams } from './params.js';
export type { TrainTestSplit } from './table-rows.js';
export { splitIndices, splitTrainTest, takeRows } from './table-rows.js';
export { compareCodePoints } from './categories.js';
export type { OnnxPredictor } from './onnx/index.js';
export { exportOnnx, loadOnnx, type LoadOnnxOptions, readModelFromOnnx, readOnnxMetadata } from './onnx/index.js';
export { registerTrainStage } from './train-stage.js';
export { writeModelOnnx } from './model-file.js';
