/**
 * The estimator half of an exported graph. Every estimator first produces raw scores with an
 * ai.onnx.ml regressor (LinearRegressor or TreeEnsembleRegressor, post_transform NONE); a
 * classifier then gets its link function and label from standard ONNX operators:
 *
 *   binary      p = Sigmoid(score) → probabilities = Concat(1 - p, p)          [N,2]
 *   multiclass  probabilities = Softmax(scores, axis=1)                        [N,K]
 *   label       Gather(classes, ArgMax(probabilities, axis=1))                 [N] string
 *   regression  variable = the regressor's output                              [N,1]
 *
 * Why not LinearClassifier / TreeEnsembleClassifier: their two-class behaviour is underspecified in
 * the ONNX spec, and onnxruntime special-cases it (one score column and base_values are combined
 * in ways that differ from both the spec's text and the contract's [1-p, p]). Standard Sigmoid,
 * Softmax, ArgMax and Gather mean the same in every runtime, and the probabilities come out as a
 * plain float tensor (never ZipMap's sequence of maps).
 */
import type { GbdtEstimator, TrainedModel, Tree } from '../model-types.js';
import { type GraphBuilder, INTERNAL_PREFIX } from './graph-builder.js';
import { attr, type ValueInfoSpec } from './onnx-proto.js';
import { BATCH } from './export-preprocessing.js';

export const OUTPUT_LABEL = 'label';
export const OUTPUT_PROBABILITIES = 'probabilities';
export const OUTPUT_VALUE = 'variable';

/** Adds the estimator reading `features` ([N, slots] float) and returns the graph outputs. */
export function addEstimator(g: GraphBuilder, model: TrainedModel, features: string, slots: number): ValueInfoSpec[] {
  const est = model.estimator;
  const regression = model.task === 'regression';
  const outputs = regression ? 1 : model.task === 'binary' ? 1 : (model.classes ?? []).length;
  const scores = regression ? OUTPUT_VALUE : `${INTERNAL_PREFIX}scores`;
  switch (est.kind) {
    case 'linear': {
      if (!regression) throw new Error(`a linear estimator needs task 'regression', not '${model.task}'`);
      expectLength('weights', est.weights.length, slots);
      g.ml('LinearRegressor', [features], [scores], {
        coefficients: attr.floats(est.weights),
        intercepts: attr.floats([est.intercept]),
        targets: attr.int(1),
      });
      break;
    }
    case 'logistic': {
      if (regression) throw new Error(`a logistic estimator cannot do regression`);
      expectLength('coefficient rows', est.coefficients.length, outputs);
      expectLength('intercepts', est.intercepts.length, outputs);
      est.coefficients.forEach((row, k) => expectLength(`coefficients[${k}]`, row.length, slots));
      g.ml('LinearRegressor', [features], [scores], {
        coefficients: attr.floats(est.coefficients.flat()),
        intercepts: attr.floats(est.intercepts),
        targets: attr.int(outputs),
      });
      break;
    }
    case 'gbdt':
      g.ml('TreeEnsembleRegressor', [features], [scores], treeEnsembleAttributes(est, outputs, slots));
      break;
  }
  if (regression) return [{ name: OUTPUT_VALUE, elemType: 'float', shape: [BATCH, 1], docString: 'the predicted value' }];
  return addClassifierHead(g, model, scores);
}

function addClassifierHead(g: GraphBuilder, model: TrainedModel, scores: string): ValueInfoSpec[] {
  const classes = model.classes ?? [];
  if (model.task === 'binary') {
    const p = g.node('Sigmoid', [scores], [`${INTERNAL_PREFIX}p_positive`]);
    const one = g.constant({ name: `${INTERNAL_PREFIX}one`, dataType: 'float', dims: [1], values: [1] });
    const q = g.node('Sub', [one, p], [`${INTERNAL_PREFIX}p_negative`]);
    g.node('Concat', [q, p], [OUTPUT_PROBABILITIES], { axis: attr.int(1) });
  } else {
    g.node('Softmax', [scores], [OUTPUT_PROBABILITIES], { axis: attr.int(1) });
  }
  // ArgMax keeps the first maximum on ties (select_last_index = 0), the contract's argmax.
  const index = g.node('ArgMax', [OUTPUT_PROBABILITIES], [`${INTERNAL_PREFIX}label_index`], {
    axis: attr.int(1),
    keepdims: attr.int(0),
    select_last_index: attr.int(0),
  });
  const labels = g.constant({ name: `${INTERNAL_PREFIX}classes`, dataType: 'string', dims: [classes.length], values: classes });
  g.node('Gather', [labels, index], [OUTPUT_LABEL], { axis: attr.int(0) });
  return [
    { name: OUTPUT_LABEL, elemType: 'string', shape: [BATCH], docString: 'the predicted class (first maximum probability)' },
    {
      name: OUTPUT_PROBABILITIES,
      elemType: 'float',
      shape: [BATCH, classes.length],
      docString: `class probabilities in this column order: ${JSON.stringify(classes)}`,
    },
  ];
}

/**
 * TreeEnsembleRegressor attributes for trees[iteration][output]: tree id = iteration * outputs +
 * output, node ids restart at 0 per tree (as the operator requires), a leaf's value goes to target
 * `output`. Thresholds become float32 in the file (the input is float32, and onnxruntime compares
 * `float(x) <= float(threshold)`); NaN follows `missingLeft` through nodes_missing_value_tracks_true
 * (left is the "true" branch of BRANCH_LEQ).
 */
function treeEnsembleAttributes(est: GbdtEstimator, outputs: number, slots: number) {
  expectLength('baseScore', est.baseScore.length, outputs);
  // No trees at all: one zero leaf per output, since the operator needs at least one node.
  const zeroLeaf: Tree = { feature: [-1], threshold: [0], missingLeft: [false], left: [-1], right: [-1], value: [0] };
  const iterations = est.trees.length > 0 ? est.trees : [Array.from({ length: outputs }, () => zeroLeaf)];
  const n = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    modes: [] as string[],
    values: [] as number[],
  };
  const branch = { trueIds: [] as number[], falseIds: [] as number[], missingTrue: [] as number[] };
  const leaf = { treeIds: [] as number[], nodeIds: [] as number[], targetIds: [] as number[], weights: [] as number[] };
  iterations.forEach((perOutput, it) => {
    expectLength(`trees[${it}]`, perOutput.length, outputs);
    perOutput.forEach((tree, out) => {
      const treeId = it * outputs + out;
      checkTree(tree, `trees[${it}][${out}]`, slots);
      for (let j = 0; j < tree.feature.length; j++) {
        const f = tree.feature[j] as number;
        const isLeaf = f < 0;
        n.treeIds.push(treeId);
        n.nodeIds.push(j);
        n.featureIds.push(isLeaf ? 0 : f);
        n.modes.push(isLeaf ? 'LEAF' : 'BRANCH_LEQ');
        n.values.push(isLeaf ? 0 : Math.fround(tree.threshold[j] as number));
        branch.trueIds.push(isLeaf ? 0 : (tree.left[j] as number));
        branch.falseIds.push(isLeaf ? 0 : (tree.right[j] as number));
        branch.missingTrue.push(!isLeaf && tree.missingLeft[j] === true ? 1 : 0);
        if (isLeaf) {
          leaf.treeIds.push(treeId);
          leaf.nodeIds.push(j);
          leaf.targetIds.push(out);
          leaf.weights.push(tree.value[j] as number);
        }
      }
    });
  });
  return {
    n_targets: attr.int(outputs),
    aggregate_function: attr.string('SUM'),
    post_transform: attr.string('NONE'),
    base_values: attr.floats(est.baseScore),
    nodes_treeids: attr.ints(n.treeIds),
    nodes_nodeids: attr.ints(n.nodeIds),
    nodes_featureids: attr.ints(n.featureIds),
    nodes_modes: attr.strings(n.modes),
    nodes_values: attr.floats(n.values),
    nodes_truenodeids: attr.ints(branch.trueIds),
    nodes_falsenodeids: attr.ints(branch.falseIds),
    nodes_missing_value_tracks_true: attr.ints(branch.missingTrue),
    target_treeids: attr.ints(leaf.treeIds),
    target_nodeids: attr.ints(leaf.nodeIds),
    target_ids: attr.ints(leaf.targetIds),
    target_weights: attr.floats(leaf.weights),
  };
}

function checkTree(t: Tree, where: string, slots: number): void {
  const size = t.feature.length;
  if (size === 0) throw new Error(`${where} has no nodes`);
  for (const [name, arr] of Object.entries({
    threshold: t.threshold,
    missingLeft: t.missingLeft,
    left: t.left,
    right: t.right,
    value: t.value,
  })) {
    expectLength(`${where}.${name}`, arr.length, size);
  }
  for (let j = 0; j < size; j++) {
    const f = t.feature[j] as number;
    if (!Number.isInteger(f) || f >= slots || f < -1)
      throw new Error(`${where}: node ${j} tests slot ${f}, but the model has ${slots} slots`);
    if (f < 0) continue;
    for (const child of [t.left[j] as number, t.right[j] as number]) {
      if (!Number.isInteger(child) || child <= j || child >= size)
        throw new Error(`${where}: node ${j} has child ${child}, not a later node of the tree`);
    }
  }
}

function expectLength(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}
