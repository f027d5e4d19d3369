/**
 * The target column: which task it implies and its encoding for the solvers (regression values, or the
 * class index into `classes`, sorted by code point).
 *
 * Task inference: linear → regression (numeric target required). gbdt → regression for a number
 * column, classification for a string or boolean one. logistic → classification; a number column is
 * accepted only when it holds integers with at most 20 distinct values, read as class labels ('0', '1').
 * An explicit `task` overrides this (e.g. gbdt classification on a 0/1 integer column).
 * Binary when there are exactly two classes, multiclass above.
 */
import type { Column } from '../data/index.js';
import { invalid } from '../errors.js';
import { categoryAt, categoryIndexes, distinctCategories } from './categories.js';
import type { Algorithm, Task } from './model-types.js';

export interface PreparedTarget {
  readonly task: Task;
  readonly classes: readonly string[] | undefined;
  /** Regression: the value; classification: the class index. */
  readonly y: Float64Array;
}

/** Integer targets with at most this many distinct values count as classes for logistic regression. */
export const MAX_INTEGER_CLASSES = 20;

/** Rows whose target is present (null and NaN are dropped before training). */
export function presentRows(col: Column, rows: number): Uint32Array {
  const keep = new Uint32Array(rows);
  let n = 0;
  if (col.kind === 'number') {
    for (let i = 0; i < rows; i++) if (!(col.valid && col.valid[i] === 0) && !Number.isNaN(col.values[i])) keep[n++] = i;
  } else {
    for (let i = 0; i < rows; i++) if (categoryAt(col, i) !== null) keep[n++] = i;
  }
  return keep.slice(0, n);
}

export function prepareTarget(col: Column, rows: number, algorithm: Algorithm, requested?: Task): PreparedTarget {
  const name = col.name;
  if (col.kind === 'timestamp' || col.kind === 'mixed') {
    throw invalid(
      `target '${name}' is a ${col.kind} column: a target must be numeric (regression) or categorical (classification)`,
    );
  }
  const task = requested === undefined ? inferTask(col, rows, algorithm) : checkRequested(col, algorithm, requested);
  if (task === 'regression') {
    if (col.kind !== 'number') throw invalid(`regression target '${name}' is not numeric`);
    const y = col.values.slice(0, rows);
    if (y.every((v) => v === y[0])) throw invalid(`target '${name}' has a single value '${y[0]}': nothing to learn`);
    return { task, classes: undefined, y };
  }
  const classes = distinctCategories(col, rows);
  if (classes.length < 2) throw invalid(`target '${name}' has only one class in the training data`);
  if (requested === 'binary' && classes.length !== 2) {
    throw invalid(`task 'binary' needs exactly 2 classes, and target '${name}' has ${classes.length}`);
  }
  const y = Float64Array.from(categoryIndexes(col, classes, rows));
  return { task: classes.length === 2 ? 'binary' : 'multiclass', classes, y };
}

function inferTask(col: Column, rows: number, algorithm: Algorithm): Task {
  if (algorithm === 'linear') {
    if (col.kind !== 'number') throw invalid(`regression target '${col.name}' is not numeric`);
    return 'regression';
  }
  if (col.kind !== 'number') return 'binary'; // binary vs multiclass is settled by the class count
  if (algorithm === 'gbdt') return 'regression';
  const distinct = new Set<number>();
  for (let i = 0; i < rows && distinct.size <= MAX_INTEGER_CLASSES; i++) distinct.add(col.values[i] as number);
  const integers = [...distinct].every((v) => Number.isInteger(v));
  if (integers && distinct.size <= MAX_INTEGER_CLASSES) return 'binary';
  throw invalid(
    `logistic regression needs a categorical target, and '${col.name}' is numeric with ` +
      `${distinct.size > MAX_INTEGER_CLASSES ? `more than ${MAX_INTEGER_CLASSES} distinct` : 'non-integer'} values ` +
      `(an integer target with at most ${MAX_INTEGER_CLASSES} distinct values is read as classes; for regression use linear or gbdt)`,
  );
}

function checkRequested(col: Column, algorithm: Algorithm, task: Task): Task {
  if (task === 'regression' && algorithm === 'logistic') {
    throw invalid(`logistic regression is a classifier: task 'regression' needs algorithm linear or gbdt`);
  }
  if (task !== 'regression' && algorithm === 'linear') {
    throw invalid(`linear regression cannot do ${task} classification: use algorithm logistic or gbdt`);
  }
  if (task === 'regression' && col.kind !== 'number') throw invalid(`regression target '${col.name}' is not numeric`);
  return task;
}
