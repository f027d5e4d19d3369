import { describe, expect, it } from 'vitest';
import { tableFromColumns } from '../data/index.js';
import { predict, predictRaw, trainModel, trainModelWithInfo, type TrainedModel } from './index.js';
import { Rng } from './random.js';

/** 600 rows: a numeric signal, a categorical signal, a noise column, a 3-class and a binary label. */
function synthetic(seed: number) {
  const rng = new Rng(seed);
  const n = 600;
  const x: (number | null)[] = [];
  const color: (string | null)[] = [];
  const noise: number[] = [];
  const label: string[] = [];
  const kind: string[] = [];
  for (let i = 0; i < n; i++) {
    const xi = rng.float() * 10;
    const ci = ['red', 'green', 'blue'][rng.int(3)] as string;
    x.push(i % 17 === 0 ? null : xi);
    color.push(i % 29 === 0 ? null : ci);
    noise.push(rng.float());
    const score = xi - 5 + (ci === 'red' ? 2 : 0) + (rng.float() - 0.5) * 2;
    label.push(score > 0 ? 'yes' : 'no');
    kind.push(ci === 'blue' ? 'c' : xi > 5 ? 'a' : 'b');
  }
  return tableFromColumns({ x, color, noise, label, kind });
}

const table = synthetic(1);
const probe = tableFromColumns({
  x: [8, 8, 8, null, 2],
  color: ['red', 'purple', null, 'red', 'red'],
  noise: [0.5, 0.5, 0.5, 0.5, null],
  label: ['yes', 'yes', 'yes', 'yes', 'no'],
  kind: ['a', 'a', 'a', 'a', 'b'],
});

describe('predict', () => {
  for (const algorithm of ['gbdt', 'logistic'] as const) {
    it(`${algorithm}: unseen and missing categories predict like each other, with valid probabilities`, () => {
      const model = trainModel(table, { target: 'label', algorithm, exclude: ['kind'] });
      const p = predict(model, probe);
      const probs = p.probabilities ?? new Float64Array();
      expect(probs).toHaveLength(10);
      for (let r = 0; r < 5; r++) {
        expect((probs[r * 2] as number) + (probs[r * 2 + 1] as number)).toBeCloseTo(1, 12);
        expect(p.labels?.[r]).toBe((probs[r * 2 + 1] as number) > (probs[r * 2] as number) ? 'yes' : 'no');
      }
      // 'purple' was never seen and row 2's colour is missing: both take the missing path / all-zero one-hot.
      expect(probs[3]).toBe(probs[5]);
      expect(p.labels?.[0]).toBe('yes');
    });
  }

  it('logistic: a missing number is the training mean', () => {
    const model = trainModel(table, { target: 'label', algorithm: 'logistic', exclude: ['kind'] });
    const pre = model.preprocessor.features[0];
    const mean = pre?.kind === 'numeric' ? (pre.impute as number) : Number.NaN;
    const raw = predictRaw(model, tableFromColumns({ x: [null, mean], color: ['red', 'red'], noise: [0.5, 0.5] }));
    expect(raw[0]).toBeCloseTo(raw[1] as number, 12);
  });

  it('gbdt: missing numbers follow the learned missing branch (no error, a finite score)', () => {
    const model = trainModel(table, { target: 'label', algorithm: 'gbdt', exclude: ['kind'] });
    const raw = predictRaw(model, tableFromColumns({ x: [null, null], color: [null, 'red'], noise: [null, 0.1] }));
    expect(raw.every(Number.isFinite)).toBe(true);
  });

  it('multiclass: K outputs per row, probabilities sum to 1, better than the majority class', () => {
    for (const algorithm of ['gbdt', 'logistic'] as const) {
      const model = trainModel(table, {
        target: 'kind',
        algorithm,
        exclude: ['label'],
        params: algorithm === 'gbdt' ? { max_iter: 20 } : {},
      });
      expect(model.task).toBe('multiclass');
      expect(model.classes).toEqual(['a', 'b', 'c']);
      const test = synthetic(2);
      const p = predict(model, test);
      const probs = p.probabilities ?? new Float64Array();
      for (let r = 0; r < test.rowCount; r++)
        expect((probs[r * 3] as number) + (probs[r * 3 + 1] as number) + (probs[r * 3 + 2] as number)).toBeCloseTo(1, 12);
      const truth = test.columns[4] as { codes: Int32Array; dictionary: readonly string[] };
      const hits = (p.labels ?? []).filter((l, i) => l === truth.dictionary[truth.codes[i] as number]).length;
      expect(hits / test.rowCount).toBeGreaterThan(0.8); // majority class is ~0.35
    }
  });

  it('boolean targets are classes "false"/"true"; task overrides inference for an integer 0/1 target', () => {
    const flags = tableFromColumns({
      v: Array.from({ length: 200 }, (_, i) => i),
      ok: Array.from({ length: 200 }, (_, i) => i >= 100),
      bit: Array.from({ length: 200 }, (_, i) => (i >= 100 ? 1 : 0)),
    });
    const fromBool = trainModel(flags, { target: 'ok', algorithm: 'gbdt', exclude: ['bit'] });
    expect([fromBool.task, fromBool.classes]).toEqual(['binary', ['false', 'true']]);
    expect(trainModel(flags, { target: 'bit', algorithm: 'gbdt', exclude: ['ok'] }).task).toBe('regression');
    const forced = trainModel(flags, { target: 'bit', algorithm: 'gbdt', exclude: ['ok'], task: 'binary' });
    expect([forced.task, forced.classes]).toEqual(['binary', ['0', '1']]);
    expect(predict(forced, tableFromColumns({ v: [10, 190] })).labels).toEqual(['0', '1']);
  });

  it('regression values for linear and gbdt', () => {
    const reg = tableFromColumns({
      a: [1, 2, 3, 4, 5, 6, 7, 8],
      b: ['u', 'v', 'u', 'v', 'u', 'v', 'u', 'v'],
      y: [3, 5.5, 7, 9.5, 11, 13.5, 15, 17.5],
    });
    const linear = trainModel(reg, { target: 'y', algorithm: 'linear', params: { alpha: 0 } });
    const p = predict(linear, reg);
    expect(p.labels).toBeUndefined();
    (p.values ?? []).forEach((v, i) => expect(v).toBeCloseTo([3, 5.5, 7, 9.5, 11, 13.5, 15, 17.5][i] as number, 6));
    const gbdt = trainModel(reg, {
      target: 'y',
      algorithm: 'gbdt',
      params: { min_samples_leaf: 1, max_iter: 200, learning_rate: 0.3 },
    });
    (predict(gbdt, reg).values ?? []).forEach((v, i) =>
      expect(v).toBeCloseTo([3, 5.5, 7, 9.5, 11, 13.5, 15, 17.5][i] as number, 3),
    );
  });
});

describe('determinism', () => {
  const fit = (seed: number, algorithm: 'gbdt' | 'logistic' | 'linear' = 'gbdt'): TrainedModel =>
    trainModel(table, {
      target: algorithm === 'linear' ? 'noise' : 'label',
      algorithm,
      exclude: ['kind'],
      seed,
      params: algorithm === 'gbdt' ? { early_stopping: true, max_iter: 30 } : {},
    });

  it('the same data, params and seed give a byte-identical model JSON', () => {
    for (const algorithm of ['gbdt', 'logistic', 'linear'] as const) {
      expect(JSON.stringify(fit(3, algorithm))).toBe(JSON.stringify(fit(3, algorithm)));
    }
  });

  it('the seed matters where randomness is used (gbdt validation split)', () => {
    expect(JSON.stringify(fit(3))).not.toBe(JSON.stringify(fit(4)));
  });

  it('the JSON round-trips: a parsed model predicts exactly the same', () => {
    const model = fit(3);
    const parsed = JSON.parse(JSON.stringify(model)) as TrainedModel;
    expect(Array.from(predictRaw(parsed, probe))).toEqual(Array.from(predictRaw(model, probe)));
    expect(model.params).toEqual({
      early_stopping: true,
      l2_regularization: 0,
      learning_rate: 0.1,
      max_bins: 255,
      max_depth: 'none',
      max_iter: 30,
      max_leaf_nodes: 31,
      min_samples_leaf: 20,
      n_iter_no_change: 10,
      seed: 3,
      tol: 1e-7,
      validation_fraction: 0.1,
    });
  });

  it('reports dropped null-target rows', () => {
    const withNulls = tableFromColumns({ x: [1, 2, 3, 4, 5, 6], y: [1, null, 3, null, 5, 7] });
    const { info } = trainModelWithInfo(withNulls, { target: 'y', algorithm: 'linear' });
    expect(info.droppedNullTarget).toBe(2);
    expect(info.rows).toBe(4);
  });
});
