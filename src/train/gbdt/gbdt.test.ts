import { describe, expect, it } from 'vitest';
import { tableFromColumns } from '../../data/index.js';
import { predictRaw, trainModelWithInfo, type Tree } from '../index.js';
import { Rng } from '../random.js';
import { shouldStop } from './early-stopping.js';

function regressionTable(n: number, seed: number, noiseOnly = false) {
  const rng = new Rng(seed);
  const a = Array.from({ length: n }, () => rng.float() * 4);
  const b = Array.from({ length: n }, () => rng.float());
  const y = a.map((v, i) => (noiseOnly ? 0 : Math.floor(v) * 2 + (b[i] as number)) + rng.float());
  return tableFromColumns({ a, b, y });
}

const leaves = (t: Tree) => t.left.filter((l) => l === -1).length;
const depth = (t: Tree, node = 0): number =>
  t.left[node] === -1 ? 0 : 1 + Math.max(depth(t, t.left[node] as number), depth(t, t.right[node] as number));

describe('gbdt', () => {
  it('early stopping ends training before max_iter when validation loss stops improving', () => {
    const { info } = trainModelWithInfo(regressionTable(2000, 1, true), {
      target: 'y',
      algorithm: 'gbdt',
      params: { early_stopping: true, max_iter: 500, learning_rate: 0.3 },
    });
    expect(info.earlyStopped).toBe(true);
    expect(info.iterations).toBeLessThan(50);
    expect(info.validationLoss).toHaveLength((info.iterations as number) + 1);
  });

  it("early stopping 'auto' is on above 10,000 rows only", () => {
    const small = trainModelWithInfo(regressionTable(1000, 2, true), {
      target: 'y',
      algorithm: 'gbdt',
      params: { max_iter: 200, learning_rate: 0.3 },
    });
    expect(small.info.earlyStopped).toBe(false);
    expect(small.info.iterations).toBe(200);
    const large = trainModelWithInfo(regressionTable(12_000, 2, true), {
      target: 'y',
      algorithm: 'gbdt',
      params: { max_iter: 200, learning_rate: 0.3 },
    });
    expect(large.info.earlyStopped).toBe(true);
  });

  it('shouldStop follows scikit-learn: no score in the last n_iter_no_change beats the one before by tol', () => {
    expect(shouldStop([5, 4, 3], 2, 0)).toBe(false);
    expect(shouldStop([5, 4, 4, 4], 2, 0)).toBe(true);
    expect(shouldStop([5, 4, 3.9999, 3.9998], 2, 0.001)).toBe(true);
    expect(shouldStop([5, 4], 2, 0)).toBe(false);
  });

  it('respects max_leaf_nodes, max_depth and min_samples_leaf', () => {
    const table = regressionTable(3000, 3);
    const fit = (params: Record<string, number>) => {
      const { model } = trainModelWithInfo(table, { target: 'y', algorithm: 'gbdt', params: { max_iter: 5, ...params } });
      return model.estimator.kind === 'gbdt' ? model.estimator.trees.map((round) => round[0] as Tree) : [];
    };
    for (const t of fit({ max_leaf_nodes: 7 })) expect(leaves(t)).toBeLessThanOrEqual(7);
    for (const t of fit({ max_depth: 2 })) expect(depth(t)).toBeLessThanOrEqual(2);
    const big = fit({ min_samples_leaf: 400, max_leaf_nodes: 63 });
    for (const t of big) expect(leaves(t)).toBeLessThanOrEqual(3000 / 400);
  });

  it('learns where missing values go: NaN rows routed with the rows they resemble', () => {
    const rng = new Rng(4);
    const n = 2000;
    const x: (number | null)[] = [];
    const y: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = rng.float();
      const missing = i % 5 === 0;
      x.push(missing ? null : v);
      y.push(missing || v > 0.5 ? 'hi' : 'lo'); // a missing x behaves like a high one
    }
    const { model } = trainModelWithInfo(tableFromColumns({ x, y }), {
      target: 'y',
      algorithm: 'gbdt',
      params: { max_iter: 20 },
    });
    const raw = predictRaw(model, tableFromColumns({ x: [null, 0.9, 0.1] }));
    expect(model.classes).toEqual(['hi', 'lo']); // the raw score is the log-odds of 'lo'
    expect(raw[0]).toBeLessThan(-2);
    expect(raw[1]).toBeLessThan(-2);
    expect(raw[2]).toBeGreaterThan(2);
  });

  it('multiclass grows one tree per class per iteration', () => {
    const rng = new Rng(5);
    const v = Array.from({ length: 900 }, () => rng.float() * 3);
    const c = v.map((x) => ['a', 'b', 'c'][Math.floor(x)] as string);
    const { model } = trainModelWithInfo(tableFromColumns({ v, c }), { target: 'c', algorithm: 'gbdt', params: { max_iter: 4 } });
    expect(model.estimator.kind === 'gbdt' && model.estimator.trees.map((r) => r.length)).toEqual([3, 3, 3, 3]);
    expect(model.estimator.kind === 'gbdt' && model.estimator.baseScore).toHaveLength(3);
  });
});
