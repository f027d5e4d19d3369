/**
 * The preprocessing half of an exported graph: one input per raw column, turned into the model's
 * feature slots exactly as `Preprocessor` documents, then concatenated into one float matrix.
 *
 *   numeric      float [N,1] → Imputer (NaN → impute, when set) → Scaler ((x - mean) * (1/std), when set)
 *   onehot       string [N,1] → OneHotEncoder (zeros=1: unseen → all zeros) [N,1,K] → Flatten [N,K]
 *   ordinal      string [N,1] → LabelEncoder (category → its index as float, anything else → NaN)
 *
 * Missing categorical values reach the graph as a string that is not a category (the session uses
 * ''), which both encoders already treat as "unseen": all zeros for one-hot, NaN for ordinal. That
 * is exactly the contract's rule for missing values, so no separate missing path is needed.
 */
import type { FeatureSpec, Preprocessor } from '../model-types.js';
import { type GraphBuilder, INTERNAL_PREFIX } from './graph-builder.js';
import { attr, type ValueInfoSpec } from './onnx-proto.js';

/** The symbolic batch dimension of every input and output. */
export const BATCH = 'N';

export interface PreprocessingGraph {
  readonly inputs: readonly ValueInfoSpec[];
  /** Name of the [N, slots] float matrix the estimator reads. */
  readonly features: string;
  readonly slots: number;
}

/** Number of feature slots a spec contributes (the contract's slot layout). */
export function slotCount(f: FeatureSpec): number {
  return f.kind === 'numeric' || f.encoding === 'ordinal' ? 1 : f.categories.length;
}

export function addPreprocessing(g: GraphBuilder, pre: Preprocessor): PreprocessingGraph {
  const inputs: ValueInfoSpec[] = [];
  const slotTensors: string[] = [];
  pre.features.forEach((f, i) => {
    const v = `${INTERNAL_PREFIX}feature/${i}`;
    if (f.kind === 'numeric') {
      inputs.push({ name: f.name, elemType: 'float', shape: [BATCH, 1], docString: 'numeric; NaN = missing' });
      let current = f.name;
      if (f.impute !== undefined) {
        current = g.ml('Imputer', [current], [`${v}/imputed`], {
          imputed_value_floats: attr.floats([f.impute]),
          replaced_value_float: attr.float(Number.NaN),
        });
      }
      if (f.scale !== undefined) {
        // Scaler computes (x - offset) * scale; 1/std is rounded to float32 once, well inside 1e-5.
        current = g.ml('Scaler', [current], [`${v}/scaled`], {
          offset: attr.floats([f.scale.mean]),
          scale: attr.floats([1 / f.scale.std]),
        });
      }
      slotTensors.push(current);
      return;
    }
    inputs.push({
      name: f.name,
      elemType: 'string',
      shape: [BATCH, 1],
      docString: `categorical (${f.encoding}); booleans as 'true'/'false'; missing = any value that is not a category, e.g. ''`,
    });
    if (f.encoding === 'onehot') {
      if (f.categories.length === 0) return; // no slots: the column is read but contributes nothing
      const encoded = g.ml('OneHotEncoder', [f.name], [`${v}/onehot3d`], {
        cats_strings: attr.strings(f.categories),
        zeros: attr.int(1),
      });
      slotTensors.push(g.node('Flatten', [encoded], [`${v}/onehot`], { axis: attr.int(1) }));
      return;
    }
    // A LabelEncoder needs at least one key; with no categories every value is unseen (NaN).
    const keys = f.categories.length > 0 ? f.categories : [''];
    const values = f.categories.length > 0 ? f.categories.map((_, k) => k) : [Number.NaN];
    slotTensors.push(
      g.ml('LabelEncoder', [f.name], [`${v}/ordinal`], {
        keys_strings: attr.strings(keys),
        values_floats: attr.floats(values),
        default_float: attr.float(Number.NaN),
      }),
    );
  });
  const slots = pre.features.reduce((n, f) => n + slotCount(f), 0);
  if (slotTensors.length === 0) throw new Error('the model has no feature slots');
  const features = g.node('Concat', slotTensors, [`${INTERNAL_PREFIX}features`], { axis: attr.int(1) });
  return { inputs, features, slots };
}
