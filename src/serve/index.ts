/**
 * Serve: the model server. Loads exported ONNX models into `InferenceModel`s (micro-batched
 * onnxruntime sessions) and serves them over plain node:http in the Open Inference Protocol (v2) and
 * MLflow's scoring protocol.
 */
export {
  coerceColumns,
  createInferenceModel,
  DEFAULT_OFFLOAD_ROWS,
  type Datatype,
  type InferenceModel,
  type InferenceModelOptions,
  OUTPUT_LABEL,
  OUTPUT_PROBABILITIES,
  OUTPUT_VALUE,
  servingThreads,
  type TensorMetadata,
} from './inference-model.js';
export { type Columns, createMicroBatcher, type MicroBatcher, type MicroBatcherOptions, type RunBatch, slicePredictions } from './micro-batcher.js';
export {
  batchPredict,
  type BatchPredictOptions,
  type BatchPredictResult,
  DEFAULT_BATCH_SIZE,
  PREDICTION_COLUMN,
  predictionColumnNames,
  PROBABILITY_PREFIX,
  scoreFile,
  type ScoreFileOptions,
  type ScoringPredictor,
} from './batch-predict.js';
export { mlflowRoutes, parseCsv, readJsonInput } from './mlflow-routes.js';
export { oipRoutes, readInputs } from './oip-routes.js';
export { EndpointTable, HttpError, type Reply, type RequestContext, type Route, type RouteTable, type ServedBy } from './routing.js';
export { type Endpoint, predictObserved, type PredictionEvent, type PredictionObserver, type Prepared, type Role, type Served, staticEndpoint } from './endpoint.js';
export { createModelServer, type ModelServer, type ModelServerOptions, type ResponseInfo } from './server.js';
export * from './deployments/index.js';
export {
  type FeedbackCounts,
  type FeedbackItem,
  type FeedbackJoin,
  joinFeedback,
  type JoinFeedbackOptions,
  labelProblem,
  type LabelledRow,
  MAX_LABEL_JSON_LENGTH,
  MAX_REQUEST_ID_LENGTH,
  recordFeedback,
  requestIdProblem,
} from './feedback.js';
export { FEEDBACK_PATH, feedbackRoutes, type FeedbackRoutesOptions, MAX_FEEDBACK_ITEMS, readFeedback } from './feedback-routes.js';
export { createJsonLogger, type JsonLogger, type JsonLoggerOptions, type LogFields, type LogLevel, parseLogLevel } from './json-log.js';
export { METRICS_PATH, metricsRoutes } from './metrics-routes.js';
export { listPayloadBatches, type ListPayloadBatchesOptions, type PayloadBatch, readPayloadBatch } from './payload-batches.js';
export { createPayloadLog, type PayloadLog, type PayloadLogOptions, type PayloadLogStats } from './payload-log.js';
export { payloadObserver, payloadRecordOf } from './payload-observer.js';
export { decodePayload, encodePayload, type PayloadFormat, type PayloadRecord, type PayloadRole, type PayloadRow } from './payload-rows.js';
export {
  BATCH_SIZE_BUCKETS,
  createServerMetrics,
  REQUEST_DURATION_BUCKETS,
  type RequestObservation,
  type ServerMetrics,
  type ServerMetricsOptions,
} from './server-metrics.js';
export { type FixedModel, type ServingApp, type ServingAppOptions, startServingApp } from './serving-app.js';
