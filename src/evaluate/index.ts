/**
 * Model evaluation: metrics equal to scikit-learn's, Fairlearn's group fairness, per-slice metrics,
 * MLflow-style gates and an HTML report. Pure computation — the registry and pipeline wire it up.
 */
export {
  type EvaluateInput,
  type EvaluationReport,
  type EvaluationTask,
  type FairnessReport,
  type PredictionsInput,
  ROC_POINTS,
  evaluatePredictions,
  fairnessMetricName,
} from './evaluate.js';
export {
  type ClassificationInput,
  type ClassificationResult,
  classificationMetrics,
  confusionMatrix,
} from './classification-metrics.js';
export { MAPE_EPS, regressionMetrics } from './regression-metrics.js';
export { type CalibrationCurve, LOG_LOSS_EPS, brierScore, calibrationCurve, logLoss } from './probability-metrics.js';
export { type RocCurve, averagePrecision, rocAuc, rocCurve } from './ranking-metrics.js';
export {
  FAIRNESS_METRICS,
  type FairnessInput,
  type FairnessMetric,
  type FairnessResult,
  type GroupRates,
  fairnessMetrics,
} from './fairness.js';
export { type SliceResult, sliceMetrics } from './slices.js';
export {
  type Blessing,
  type CheckKind,
  type CheckOutcome,
  type CheckStatus,
  type GateResult,
  type MetricValues,
  type RuleOutcome,
  ZERO_BASELINE_MARGIN,
  blessingOf,
  evaluateGate,
  formatGateResult,
} from './gate.js';
export {
  type GateConfig,
  type GateRule,
  type ParsedGateRule,
  baselineUri,
  gateConfigSchema,
  gateRuleSchema,
  parseAliasUri,
  parseGateConfig,
  parseGateRules,
} from './gate-schema.js';
export { renderEvaluationHtml } from './evaluation-html.js';
export { type LoadedModel, loadModel } from './model-source.js';
export { type EvaluateModelOptions, evaluateModel } from './evaluate-model.js';
export { type GateRun, runGate } from './run-gate.js';
export { registerEvaluateStages } from './evaluate-stages.js';
export { remoteStageRegistry } from './remote-stage-registry.js';
