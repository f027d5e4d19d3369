/**
 * ONNX export of trained models: `exportOnnx` writes a standalone, reproducible .onnx (preprocessing
 * included, raw columns in, label + probabilities or value out), `readModelFromOnnx` gets the
 * TrainedModel back from one, and `loadOnnx` runs one with onnxruntime-node.
 */
export {
  exportOnnx,
  type ExportOnnxOptions,
  META_CLASSES,
  META_MODEL,
  META_TARGET,
  META_TASK,
  ONNX_IR_VERSION,
  ONNX_ML_OPSET,
  ONNX_OPSET,
  PRODUCER_NAME,
} from './export-onnx.js';
export { OUTPUT_LABEL, OUTPUT_PROBABILITIES, OUTPUT_VALUE } from './export-estimator.js';
export { readModelFromOnnx, readOnnxMetadata } from './read-onnx-metadata.js';
export { type ColumnsInput, loadOnnx, type LoadOnnxOptions, missingToken, type OnnxPredictor } from './onnx-session.js';
