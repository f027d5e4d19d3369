/**
 * Reads the metadata_props of an ONNX file and, for files Slipway exported, the TrainedModel they
 * carry, so a registered .onnx is self-describing: `readModelFromOnnx(bytes)` gives back exactly the
 * model that was exported. Only the ModelProto header is decoded (the graph is skipped unparsed).
 */
import { invalid } from '../../errors.js';
import type { TrainedModel } from '../model-types.js';
import { META_MODEL } from './export-onnx.js';
import { fieldBytes, fieldText, ProtobufError, readFields } from './protobuf-reader.js';

// ModelProto field numbers (onnx.proto).
const IR_VERSION = 1;
const GRAPH = 7;
const METADATA_PROPS = 14;

/** metadata_props of an ONNX file as a record (a repeated key keeps its last value, as protobuf maps do). */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let hasIr = false;
  let hasGraph = false;
  try {
    for (const f of readFields(bytes)) {
      if (f.field === IR_VERSION && f.wireType === 0) hasIr = true;
      else if (f.field === GRAPH && f.wireType === 2) hasGraph = true;
      else if (f.field === METADATA_PROPS) {
        let key = '';
        let value = '';
        for (const e of readFields(fieldBytes(f))) {
          if (e.field === 1) key = fieldText(e);
          else if (e.field === 2) value = fieldText(e);
        }
        out[key] = value;
      }
    }
  } catch (err) {
    if (err instanceof ProtobufError) throw invalid(`not a valid ONNX file: ${err.message}`);
    throw err;
  }
  if (!hasIr || !hasGraph) throw invalid('not a valid ONNX file: no ir_version or graph');
  return out;
}

/** The TrainedModel embedded by `exportOnnx`; an error for any other file. */
export function readModelFromOnnx(bytes: Uint8Array): TrainedModel {
  const json = readOnnxMetadata(bytes)[META_MODEL];
  if (json === undefined) throw invalid(`not a Slipway-exported model: the ONNX file has no '${META_MODEL}' metadata`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw invalid(`not a Slipway-exported model: '${META_MODEL}' is not JSON (${(err as Error).message})`);
  }
  const problem = shapeProblem(parsed);
  if (problem) throw invalid(`not a Slipway-exported model: '${META_MODEL}' ${problem}`);
  return parsed as TrainedModel;
}

/** A structural check of the parts every consumer touches first; the estimator is trusted as written. */
function shapeProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return 'is not an object';
  const m = v as Record<string, unknown>;
  if (m.format !== 'slipway.model/v1') return `has format ${JSON.stringify(m.format)}, expected "slipway.model/v1"`;
  if (!['binary', 'multiclass', 'regression'].includes(m.task as string)) return `has an unknown task ${JSON.stringify(m.task)}`;
  if (!['linear', 'logistic', 'gbdt'].includes(m.algorithm as string))
    return `has an unknown algorithm ${JSON.stringify(m.algorithm)}`;
  if (typeof m.target !== 'string') return 'has no target';
  if (m.classes !== undefined && !(Array.isArray(m.classes) && m.classes.every((c) => typeof c === 'string')))
    return 'has malformed classes';
  const pre = m.preprocessor as { features?: unknown } | undefined;
  if (!pre || !Array.isArray(pre.features)) return 'has no preprocessor features';
  const est = m.estimator as { kind?: unknown } | undefined;
  if (!est || !['linear', 'logistic', 'gbdt'].includes(est.kind as string)) return 'has no known estimator';
  return undefined;
}
