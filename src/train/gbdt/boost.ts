/**
 * The boosting loop: bin the features, start from the loss's baseline score, then each iteration fit one
 * tree per output (K for multiclass) to the loss's gradients and hessians, with optional early stopping
 * on a held-out validation split. Every random choice draws from one Rng seeded by the caller.
 */
import type { GbdtEstimator, Task, Tree } from '../model-types.js';
import { Rng } from '../random.js';
import { binRows, type Binned, fitBinEdges, MISSING_BIN } from './binning.js';
import { holdOut, shouldStop } from './early-stopping.js';
import { type GrownTree, TreeGrower } from './grow-tree.js';
import { lossFor } from './losses.js';

export interface GbdtParams {
  readonly learningRate: number;
  readonly maxIter: number;
  readonly maxLeafNodes: number;
  /** Infinity for no limit. */
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly l2: number;
  readonly maxBins: number;
  /** 'auto': on when there are more than 10,000 training rows (scikit-learn's rule). */
  readonly earlyStopping: 'auto' | boolean;
  readonly validationFraction: number;
  readonly nIterNoChange: number;
  readonly tol: number;
}

export interface GbdtFit {
  readonly estimator: GbdtEstimator;
  readonly iterations: number;
  readonly earlyStopped: boolean;
  /** Validation loss before the first tree and after each iteration (empty without early stopping). */
  readonly validationLoss: readonly number[];
}

/** scikit-learn's min_hessian_to_split. */
const MIN_HESSIAN = 1e-3;
const AUTO_EARLY_STOPPING_ROWS = 10_000;

/** `x` row-major [rows × slots], NaN for missing; `y` regression values or class indexes. */
export function fitGbdt(
  x: Float64Array,
  rows: number,
  slots: number,
  y: Float64Array,
  task: Task,
  classes: number,
  p: GbdtParams,
  seed: number,
): GbdtFit {
  const rng = new Rng(seed);
  const loss = lossFor(task, classes);
  const k = loss.outputs;
  const early = p.earlyStopping === 'auto' ? rows > AUTO_EARLY_STOPPING_ROWS : p.earlyStopping;
  const all = Uint32Array.from({ length: rows }, (_, i) => i);
  const split = early
    ? holdOut(y, rows, task === 'regression' ? 0 : classes, p.validationFraction, rng)
    : { train: all, validation: new Uint32Array(0) };
  const edges = fitBinEdges(x, slots, split.train, p.maxBins, rng);
  const nBins = Uint16Array.from(edges, (e) => e.length + 1);
  const train = binRows(x, slots, split.train, edges);
  const val = binRows(x, slots, split.validation, edges);
  const n = train.rows;
  const yTrain = Float64Array.from(split.train, (r) => y[r] as number);
  const yVal = Float64Array.from(split.validation, (r) => y[r] as number);

  const baseScore = loss.baseline(yTrain, n);
  const raw = new Float64Array(n * k);
  const rawVal = new Float64Array(val.rows * k);
  for (let i = 0; i < n * k; i++) raw[i] = baseScore[i % k] as number;
  for (let i = 0; i < val.rows * k; i++) rawVal[i] = baseScore[i % k] as number;
  const g = Array.from({ length: k }, () => new Float64Array(n));
  const h = Array.from({ length: k }, () => new Float64Array(loss.unitHessian ? 0 : n));
  const grower = new TreeGrower(train, nBins, edges, {
    maxLeafNodes: p.maxLeafNodes,
    maxDepth: p.maxDepth,
    minSamplesLeaf: p.minSamplesLeaf,
    l2: p.l2,
    minHessian: MIN_HESSIAN,
    learningRate: p.learningRate,
  });

  const trees: Tree[][] = [];
  const validationLoss = early ? [loss.mean(rawVal, yVal, val.rows)] : [];
  let earlyStopped = false;
  for (let iter = 0; iter < p.maxIter; iter++) {
    loss.gradients(raw, yTrain, n, g, h);
    const round: Tree[] = [];
    for (let c = 0; c < k; c++) {
      const grown = grower.grow(g[c] as Float64Array, loss.unitHessian ? undefined : h[c], raw, k, c);
      round.push(grown.tree);
      if (early) addToBinned(grown, val, rawVal, k, c);
    }
    trees.push(round);
    if (early) {
      validationLoss.push(loss.mean(rawVal, yVal, val.rows));
      if (shouldStop(validationLoss, p.nIterNoChange, p.tol)) {
        earlyStopped = true;
        break;
      }
    }
  }
  return { estimator: { kind: 'gbdt', baseScore, trees }, iterations: trees.length, earlyStopped, validationLoss };
}

/** Adds a tree's output to binned rows (same routing as raw values, since thresholds are bin edges). */
function addToBinned(grown: GrownTree, data: Binned, raw: Float64Array, stride: number, offset: number): void {
  const { feature, left, right, missingLeft, value } = grown.tree;
  const n = data.rows;
  const nf = data.features;
  for (let r = 0; r < n; r++) {
    let node = 0;
    while ((left[node] as number) >= 0) {
      const b = data.bins[r * nf + (feature[node] as number)] as number;
      const goLeft = b === MISSING_BIN ? (missingLeft[node] as boolean) : b <= (grown.bin[node] as number);
      node = goLeft ? (left[node] as number) : (right[node] as number);
    }
    raw[r * stride + offset] = (raw[r * stride + offset] as number) + (value[node] as number);
  }
}
