/**
 * `trainModel`: checks the inputs (clear INVALID_PARAMETER_VALUE errors), drops rows with a null
 * target, infers the task, fits the preprocessor and the estimator, and returns the contract's
 * TrainedModel. Deterministic: the same table, options and seed give a model whose JSON.stringify is
 * byte-identical (objects are built in one fixed key order; params are sorted by name).
 */
import { columnByName, type Column, type Table } from '../data/index.js';
import { invalid } from '../errors.js';
import { fitGbdt } from './gbdt/boost.js';
import { fitRidge } from './linear.js';
import { fitLogistic } from './logistic.js';
import type { Algorithm, Estimator, Task, TrainedModel } from './model-types.js';
import { resolveParams, type ParamValue, type RawParams } from './params.js';
import { fitPreprocessor, slotCount, transform } from './preprocess.js';
import { takeRows } from './table-rows.js';
import { prepareTarget, presentRows } from './target.js';

export interface TrainOptions {
  readonly target: string;
  readonly algorithm: Algorithm;
  /** Columns that are not features (besides the target). */
  readonly exclude?: readonly string[];
  /** scikit-learn-named hyperparameters; see `paramNames(algorithm)`. Strings are parsed ('0.1', 'true'). */
  readonly params?: RawParams;
  /** Seeds every random choice (gbdt's validation split and bin subsample). @default 0 */
  readonly seed?: number;
  /** Overrides task inference, e.g. 'binary' for gbdt on a 0/1 integer column. */
  readonly task?: Task;
}

export interface TrainInfo {
  /** Rows the model was fitted on (including gbdt's validation hold-out). */
  readonly rows: number;
  readonly droppedNullTarget: number;
  readonly features: readonly string[];
  /** Columns left out automatically, and why (timestamps). */
  readonly ignored: readonly { readonly name: string; readonly reason: string }[];
  /** logistic: L-BFGS iterations; gbdt: boosting iterations. */
  readonly iterations: number | undefined;
  /** logistic: whether L-BFGS met its tolerance before max_iter. */
  readonly converged: boolean | undefined;
  /** gbdt: whether early stopping ended training before max_iter. */
  readonly earlyStopped: boolean | undefined;
  /** gbdt with early stopping: validation loss before the first tree and after each iteration. */
  readonly validationLoss: readonly number[] | undefined;
}

export interface TrainResult {
  readonly model: TrainedModel;
  readonly info: TrainInfo;
}

const ALGORITHMS: readonly Algorithm[] = ['gbdt', 'linear', 'logistic'];
const TASKS: readonly Task[] = ['binary', 'multiclass', 'regression'];

export function trainModel(table: Table, options: TrainOptions): TrainedModel {
  return trainModelWithInfo(table, options).model;
}

export function trainModelWithInfo(table: Table, options: TrainOptions): TrainResult {
  const { algorithm, target } = options;
  if (!ALGORITHMS.includes(algorithm))
    throw invalid(`unknown algorithm '${String(algorithm)}' (valid: ${ALGORITHMS.join(', ')})`);
  if (options.task !== undefined && !TASKS.includes(options.task)) {
    throw invalid(`unknown task '${String(options.task)}' (valid: ${TASKS.join(', ')})`);
  }
  const params = resolveParams(algorithm, options.params);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw invalid(`seed must be an integer from 0 to 4294967295, got ${seed}`);

  const names = table.columns.map((c) => c.name);
  const targetCol = columnByName(table, target);
  if (!targetCol) throw invalid(`target column '${target}' does not exist (columns: ${names.join(', ')})`);
  const exclude = new Set(options.exclude ?? []);
  for (const name of exclude) {
    if (!names.includes(name)) throw invalid(`excluded column '${name}' does not exist (columns: ${names.join(', ')})`);
  }
  const ignored: { name: string; reason: string }[] = [];
  const features: string[] = [];
  for (const col of table.columns) {
    if (col.name === target || exclude.has(col.name)) continue;
    if (col.kind === 'timestamp') {
      ignored.push({
        name: col.name,
        reason: 'timestamp columns are not features (derive numeric parts such as month or hour into their own columns)',
      });
    } else {
      features.push(col.name);
    }
  }
  if (features.length === 0) throw invalid(`no feature columns left besides target '${target}' (columns: ${names.join(', ')})`);

  const keep = presentRows(targetCol, table.rowCount);
  const data = keep.length === table.rowCount ? table : takeRows(table, keep);
  if (data.rowCount === 0) throw invalid(`target '${target}' is null in every row`);
  const prepared = prepareTarget(columnByName(data, target) as Column, data.rowCount, algorithm, options.task);
  const preprocessor = fitPreprocessor(data, features, algorithm);
  const slots = slotCount(preprocessor);
  const x = transform(preprocessor, data);
  const rows = data.rowCount;
  const nClasses = prepared.classes?.length ?? 0;

  let estimator: Estimator;
  let extra: Pick<TrainInfo, 'iterations' | 'converged' | 'earlyStopped' | 'validationLoss'> = {
    iterations: undefined,
    converged: undefined,
    earlyStopped: undefined,
    validationLoss: undefined,
  };
  if (algorithm === 'linear') {
    estimator = fitRidge(x, rows, slots, prepared.y, params.alpha as number);
  } else if (algorithm === 'logistic') {
    const fit = fitLogistic(
      x,
      rows,
      slots,
      prepared.y,
      nClasses,
      params.C as number,
      params.max_iter as number,
      params.tol as number,
    );
    estimator = fit.estimator;
    extra = { ...extra, iterations: fit.iterations, converged: fit.converged };
  } else {
    const fit = fitGbdt(x, rows, slots, prepared.y, prepared.task, nClasses, gbdtParams(params), seed);
    estimator = fit.estimator;
    extra = {
      ...extra,
      iterations: fit.iterations,
      earlyStopped: fit.earlyStopped,
      validationLoss: fit.validationLoss.length ? fit.validationLoss : undefined,
    };
  }
  const model: TrainedModel = {
    format: 'slipway.model/v1',
    algorithm,
    task: prepared.task,
    target,
    classes: prepared.classes,
    preprocessor,
    estimator,
    params: sortedParams({ ...params, seed }),
  };
  const info: TrainInfo = { rows, droppedNullTarget: table.rowCount - rows, features, ignored, ...extra };
  return { model, info };
}

function gbdtParams(p: Record<string, ParamValue>) {
  return {
    learningRate: p.learning_rate as number,
    maxIter: p.max_iter as number,
    maxLeafNodes: p.max_leaf_nodes as number,
    maxDepth: p.max_depth === 'none' ? Number.POSITIVE_INFINITY : (p.max_depth as number),
    minSamplesLeaf: p.min_samples_leaf as number,
    l2: p.l2_regularization as number,
    maxBins: p.max_bins as number,
    earlyStopping: p.early_stopping as 'auto' | boolean,
    validationFraction: p.validation_fraction as number,
    nIterNoChange: p.n_iter_no_change as number,
    tol: p.tol as number,
  };
}

function sortedParams(p: Record<string, ParamValue>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const key of Object.keys(p).sort()) out[key] = p[key] as ParamValue;
  return out;
}
