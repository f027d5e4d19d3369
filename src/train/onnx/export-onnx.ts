/**
 * `exportOnnx`: a TrainedModel as a standalone ONNX file that takes the raw columns and returns the
 * model's predictions, preprocessing included, readable by any ONNX runtime (onnxruntime-node too).
 *
 * Graph interface:
 *   inputs   one per raw feature column, named exactly as the column, shape [N,1]:
 *            float for numeric columns (NaN = missing), string for categorical ones (booleans as
 *            'true'/'false'; missing = any string that is not a category, such as '')
 *   outputs  classification: 'label' string [N], 'probabilities' float [N, classes] in `classes`
 *            order; regression: 'variable' float [N,1]
 *
 * Reproducible: the bytes depend only on the model and `producerVersion` (no timestamps, no random
 * ids, canonical JSON in the metadata), so the same data, params and seed give the same file hash.
 */
import { invalid } from '../../errors.js';
import type { TrainedModel } from '../model-types.js';
import { canonicalJson } from './canonical-json.js';
import { addEstimator } from './export-estimator.js';
import { addPreprocessing } from './export-preprocessing.js';
import { GraphBuilder, ML_DOMAIN } from './graph-builder.js';
import { encodeModel } from './onnx-proto.js';

/**
 * IR version 8 and opsets ai.onnx 17 / ai.onnx.ml 3 are the set ONNX 1.12 released together;
 * onnxruntime has run them since 1.12, so files also load in older runtimes. ai.onnx.ml 3 gives
 * LabelEncoder-2 (string → float with a default) and TreeEnsembleRegressor-3.
 */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;
export const ONNX_ML_OPSET = 3;
export const PRODUCER_NAME = 'slipway';

/** Metadata keys of an exported file. `slipway.model` holds the whole TrainedModel (canonical JSON). */
export const META_MODEL = 'slipway.model';
export const META_TARGET = 'slipway.target';
export const META_TASK = 'slipway.task';
export const META_CLASSES = 'slipway.classes';

export interface ExportOnnxOptions {
  /** ModelProto.producer_version, e.g. Slipway's version; '' when absent (never a timestamp: it is hashed). */
  readonly producerVersion?: string;
}

export function exportOnnx(model: TrainedModel, options: ExportOnnxOptions = {}): Uint8Array {
  checkModel(model);
  let modelJson: string;
  try {
    modelJson = canonicalJson(model);
  } catch (err) {
    throw invalid(`cannot export the model to ONNX: ${(err as Error).message}`);
  }
  const g = new GraphBuilder();
  let graph;
  try {
    const pre = addPreprocessing(g, model.preprocessor);
    const outputs = addEstimator(g, model, pre.features, pre.slots);
    graph = { inputs: pre.inputs, outputs };
  } catch (err) {
    throw invalid(`cannot export the model to ONNX: ${(err as Error).message}`, { target: model.target });
  }
  // A raw column that shares a name with an output or an intermediate value would rewire the graph.
  const produced = g.producedNames();
  const clash = graph.inputs.find((i) => produced.has(i.name));
  if (clash)
    throw invalid(`cannot export the model to ONNX: column '${clash.name}' has the name of a graph output or intermediate value`);

  const metadata: [string, string][] = [
    [META_MODEL, modelJson],
    [META_TARGET, model.target],
    [META_TASK, model.task],
  ];
  if (model.classes !== undefined) metadata.push([META_CLASSES, JSON.stringify(model.classes)]);
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetImports: [
      { domain: '', version: ONNX_OPSET },
      { domain: ML_DOMAIN, version: ONNX_ML_OPSET },
    ],
    producerName: PRODUCER_NAME,
    producerVersion: options.producerVersion ?? '',
    docString: `Slipway ${model.algorithm} model (${model.task}) predicting '${model.target}'.`,
    graph: {
      name: `slipway_${model.algorithm}_${model.task}`,
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: graph.inputs,
      outputs: graph.outputs,
    },
    metadata,
  });
}

/** What the graph builders rely on and cannot see locally: a well-formed header and feature list. */
function checkModel(model: TrainedModel): void {
  const fail = (why: string) => invalid(`cannot export the model to ONNX: ${why}`, { target: model.target });
  if (model.format !== 'slipway.model/v1') throw fail(`unknown model format '${String(model.format)}'`);
  const classes = model.classes;
  if (model.task === 'regression') {
    if (classes !== undefined) throw fail('a regression model has no classes');
  } else {
    if (classes === undefined) throw fail(`a ${model.task} model needs classes`);
    if (model.task === 'binary' && classes.length !== 2) throw fail(`a binary model needs 2 classes, got ${classes.length}`);
    if (model.task === 'multiclass' && classes.length < 2)
      throw fail(`a multiclass model needs at least 2 classes, got ${classes.length}`);
    if (new Set(classes).size !== classes.length) throw fail('classes must be distinct');
  }
  const names = new Set<string>();
  for (const f of model.preprocessor.features) {
    if (f.name === '') throw fail('a feature column has an empty name');
    if (names.has(f.name)) throw fail(`feature column '${f.name}' appears twice`);
    names.add(f.name);
    if (f.kind === 'categorical' && new Set(f.categories).size !== f.categories.length)
      throw fail(`categories of '${f.name}' must be distinct`);
  }
}
