/** Bad inputs fail early with INVALID_PARAMETER_VALUE and a message that says what to do. */
import { describe, expect, it } from 'vitest';
import { tableFromColumns, type Table } from '../data/index.js';
import { SlipwayError } from '../errors.js';
import { paramNames, trainModel, type TrainOptions } from './index.js';

function failure(table: Table, options: TrainOptions): SlipwayError {
  try {
    trainModel(table, options);
  } catch (err) {
    expect(err).toBeInstanceOf(SlipwayError);
    expect((err as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
    return err as SlipwayError;
  }
  throw new Error('expected trainModel to throw');
}

const rows = 30;
const base = () => ({
  x: Array.from({ length: rows }, (_, i) => i),
  city: Array.from({ length: rows }, (_, i) => ['Oslo', 'Rome', 'Lima'][i % 3]),
  income: Array.from({ length: rows }, (_, i) => (i % 2 ? '>50K' : '<=50K')),
  y: Array.from({ length: rows }, (_, i) => i * 1.5),
});

describe('trainModel input errors', () => {
  it('names a missing target column and lists the columns', () => {
    const e = failure(tableFromColumns(base()), { target: 'incme', algorithm: 'gbdt' });
    expect(e.message).toBe("target column 'incme' does not exist (columns: x, city, income, y)");
  });

  it('refuses a constant target', () => {
    const table = tableFromColumns({ ...base(), y: Array.from({ length: rows }, () => 1) });
    expect(failure(table, { target: 'y', algorithm: 'linear' }).message).toBe(
      "target 'y' has a single value '1': nothing to learn",
    );
    expect(failure(table, { target: 'y', algorithm: 'gbdt' }).message).toBe(
      "target 'y' has a single value '1': nothing to learn",
    );
  });

  it('refuses a classification target with one class', () => {
    const table = tableFromColumns({ ...base(), income: Array.from({ length: rows }, () => '<=50K') });
    for (const algorithm of ['gbdt', 'logistic'] as const) {
      expect(failure(table, { target: 'income', algorithm }).message).toBe(
        "target 'income' has only one class in the training data",
      );
    }
  });

  it('counts only rows with a target: one class left after dropping nulls is still one class', () => {
    const income: (string | null)[] = Array.from({ length: rows }, () => '<=50K');
    income[0] = null;
    const e = failure(tableFromColumns({ ...base(), income }), { target: 'income', algorithm: 'gbdt' });
    expect(e.message).toBe("target 'income' has only one class in the training data");
  });

  it('refuses a non-numeric regression target', () => {
    const e = failure(tableFromColumns(base()), { target: 'city', algorithm: 'linear' });
    expect(e.message).toBe("regression target 'city' is not numeric");
    const forced = failure(tableFromColumns(base()), { target: 'city', algorithm: 'gbdt', task: 'regression' });
    expect(forced.message).toBe("regression target 'city' is not numeric");
  });

  it('refuses an all-null feature and says how to exclude it', () => {
    const table = tableFromColumns({ ...base(), empty: Array.from({ length: rows }, () => null) });
    for (const algorithm of ['gbdt', 'logistic'] as const) {
      expect(failure(table, { target: 'income', algorithm }).message).toBe(
        "feature 'empty' is entirely null: exclude it (--exclude empty)",
      );
    }
    const strings = tableFromColumns({ ...base(), note: Array.from({ length: rows }, () => null) }, { note: 'string' });
    expect(failure(strings, { target: 'income', algorithm: 'gbdt' }).message).toBe(
      "feature 'note' is entirely null: exclude it (--exclude note)",
    );
    expect(() => trainModel(table, { target: 'income', algorithm: 'gbdt', exclude: ['empty'] })).not.toThrow();
  });

  it('logistic needs a categorical target or a small integer one', () => {
    const e = failure(tableFromColumns(base()), { target: 'y', algorithm: 'logistic' });
    expect(e.message).toBe(
      "logistic regression needs a categorical target, and 'y' is numeric with more than 20 distinct values " +
        '(an integer target with at most 20 distinct values is read as classes; for regression use linear or gbdt)',
    );
    const small = tableFromColumns({ ...base(), label: Array.from({ length: rows }, (_, i) => i % 3) });
    const model = trainModel(small, { target: 'label', algorithm: 'logistic' });
    expect(model.task).toBe('multiclass');
    expect(model.classes).toEqual(['0', '1', '2']);
  });

  it('rejects unknown parameters, listing the valid ones', () => {
    const e = failure(tableFromColumns(base()), { target: 'income', algorithm: 'gbdt', params: { lr: 0.1 } });
    expect(e.message).toBe(`unknown parameter 'lr' for gbdt (valid: ${paramNames('gbdt').join(', ')})`);
    expect(paramNames('logistic')).toEqual(['C', 'max_iter', 'tol']);
    expect(paramNames('linear')).toEqual(['alpha']);
  });

  it('rejects out-of-range and malformed parameter values', () => {
    const table = tableFromColumns(base());
    const msg = (algorithm: TrainOptions['algorithm'], params: Record<string, string | number | boolean>) =>
      failure(table, { target: algorithm === 'linear' ? 'y' : 'income', algorithm, params }).message;
    expect(msg('gbdt', { learning_rate: -1 })).toBe("parameter 'learning_rate' must be a number > 0, got -1");
    expect(msg('gbdt', { max_leaf_nodes: 1.5 })).toBe("parameter 'max_leaf_nodes' must be an integer from 2, got 1.5");
    expect(msg('gbdt', { max_bins: 300 })).toBe("parameter 'max_bins' must be an integer from 2 to 255, got 300");
    expect(msg('gbdt', { early_stopping: 'yes' })).toBe("parameter 'early_stopping' must be 'auto', true or false, got \"yes\"");
    expect(msg('gbdt', { validation_fraction: 1 })).toBe("parameter 'validation_fraction' must be a number > 0 and < 1, got 1");
    expect(msg('logistic', { C: 0 })).toBe("parameter 'C' must be a number > 0, got 0");
    expect(msg('linear', { alpha: 'abc' })).toBe('parameter \'alpha\' must be a number >= 0, got "abc"');
  });

  it('parses parameter strings from a command line', () => {
    const model = trainModel(tableFromColumns(base()), {
      target: 'income',
      algorithm: 'gbdt',
      params: { learning_rate: '0.5', max_iter: '3', early_stopping: 'false', max_depth: '2' },
    });
    expect(model.params).toMatchObject({ learning_rate: 0.5, max_iter: 3, early_stopping: false, max_depth: 2, seed: 0 });
    expect(model.estimator.kind === 'gbdt' && model.estimator.trees.length).toBe(3);
  });

  it('rejects other bad options', () => {
    const table = tableFromColumns(base());
    expect(failure(table, { target: 'income', algorithm: 'forest' as 'gbdt' }).message).toBe(
      "unknown algorithm 'forest' (valid: gbdt, linear, logistic)",
    );
    expect(failure(table, { target: 'income', algorithm: 'gbdt', exclude: ['nope'] }).message).toBe(
      "excluded column 'nope' does not exist (columns: x, city, income, y)",
    );
    expect(failure(table, { target: 'income', algorithm: 'gbdt', seed: -1 }).message).toBe(
      'seed must be an integer from 0 to 4294967295, got -1',
    );
    expect(failure(table, { target: 'income', algorithm: 'gbdt', exclude: ['x', 'city', 'y'] }).message).toBe(
      "no feature columns left besides target 'income' (columns: x, city, income, y)",
    );
    expect(failure(table, { target: 'income', algorithm: 'linear' }).message).toBe("regression target 'income' is not numeric");
    expect(failure(table, { target: 'y', algorithm: 'logistic', task: 'regression' }).message).toBe(
      "logistic regression is a classifier: task 'regression' needs algorithm linear or gbdt",
    );
    const ids = tableFromColumns({ ...base(), id: Array.from({ length: rows }, (_, i) => `u${i}`) });
    expect(() => trainModel(ids, { target: 'income', algorithm: 'gbdt' })).not.toThrow();
    const many = tableFromColumns({
      x: Array.from({ length: 1001 }, (_, i) => i),
      id: Array.from({ length: 1001 }, (_, i) => `u${i}`),
      income: Array.from({ length: 1001 }, (_, i) => (i % 2 ? 'a' : 'b')),
    });
    expect(failure(many, { target: 'income', algorithm: 'logistic' }).message).toBe(
      "feature 'id' has 1001 distinct values, too many to one-hot encode (at most 1000): exclude it (--exclude id) or use gbdt",
    );
    const mixed = tableFromColumns({ ...base(), odd: Array.from({ length: rows }, (_, i) => (i % 2 ? 'a' : 1)) });
    expect(failure(mixed, { target: 'income', algorithm: 'gbdt' }).message).toBe(
      "feature 'odd' is a mixed column, which models cannot use: exclude it (--exclude odd)",
    );
  });
});
