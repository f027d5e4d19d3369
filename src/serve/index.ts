/**
 * Serve: the model server. Loads exported ONNX models into `InferenceModel`s (micro-batched
 * onnxruntime sessions) and serves them over plain node:http in the Open Inference Protocol (v2) and
 * MLflow's scoring protocol.
 */
export {
  coerceColumns,
  createInferenceModel,
  type Datatype,
  type InferenceModel,
  type InferenceModelOptions,
  OUTPUT_LABEL,
  OUTPUT_PROBABILITIES,
  OUTPUT_VALUE,
  type TensorMetadata,
} from './inference-model.js';
export { type Columns, createMicroBatcher, type MicroBatcher, type MicroBatcherOptions, type RunBatch, slicePredictions } from './micro-batcher.js';
export { mlflowRoutes, parseCsv, readJsonInput } from './mlflow-routes.js';
export { oipRoutes, readInputs } from './oip-routes.js';
export { HttpError, ModelRegistry, type Reply, type RequestContext, type Route, type RouteTable } from './routing.js';
export { createModelServer, type ModelServer, type ModelServerOptions } from './server.js';
