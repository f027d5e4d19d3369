import { describe, expect, it } from 'vitest';
import type { TrainedModel } from '../model-types.js';
import { exportOnnx, loadOnnx } from './index.js';
import { missingToken } from './onnx-session.js';
import { gbdtMulticlass, logisticBinary } from './test-fixtures.js';
import { referencePredict, type Rows } from './test-helpers.js';

async function run(model: TrainedModel, rows: Rows) {
  const predictor = await loadOnnx(exportOnnx(model));
  try {
    return await predictor.run(rows);
  } finally {
    await predictor.close();
  }
}

describe('edge cases', () => {
  it('a gbdt with no trees predicts its base scores', async () => {
    const base = gbdtMulticlass();
    const model: TrainedModel = { ...base, estimator: { kind: 'gbdt', baseScore: [0.5, -1, 0], trees: [] } };
    const rows: Rows = { x1: [1, null], x2: [0, 0], city: ['rome', null], flag: [true, null], 'x3 (raw)': [1, 2] };
    const got = await run(model, rows);
    const want = referencePredict(model, rows);
    expect(got.labels).toEqual(['high', 'high']);
    Array.from(got.probabilities ?? []).forEach((p, i) => expect(p).toBeCloseTo(want.probabilities?.[i] as number, 6));
  });

  it('a leaf-only tree and a categorical seen with no categories (ordinal → NaN, one-hot → no slots)', async () => {
    const base = gbdtMulticlass();
    const leaf = { feature: [-1], threshold: [0], missingLeft: [false], left: [-1], right: [-1], value: [0.25] };
    // Splits on slot 1, the 'never' column's ordinal: always NaN, so always the missing (left) branch.
    const split = {
      feature: [1, -1, -1],
      threshold: [0.5, 0, 0],
      missingLeft: [true, false, false],
      left: [1, -1, -1],
      right: [2, -1, -1],
      value: [0, 1, -1],
    };
    const model: TrainedModel = {
      ...base,
      task: 'binary',
      classes: ['n', 'y'],
      preprocessor: {
        features: [
          { name: 'a', kind: 'numeric', impute: undefined, scale: undefined },
          { name: 'empty', kind: 'categorical', categories: [], encoding: 'onehot' },
          { name: 'never', kind: 'categorical', categories: [], encoding: 'ordinal' },
        ],
      },
      estimator: { kind: 'gbdt', baseScore: [0], trees: [[leaf], [split]] },
    };
    const rows: Rows = { a: [1, 2], empty: ['x', null], never: ['', 'y'] };
    const got = await run(model, rows);
    const want = referencePredict(model, rows);
    expect(got.labels).toEqual(want.labels);
    Array.from(got.probabilities ?? []).forEach((p, i) => expect(p).toBeCloseTo(want.probabilities?.[i] as number, 6));
  });

  it("'' as a real category: missing values use another token, so they stay missing", async () => {
    expect(missingToken(['a', 'b'])).toBe('');
    expect(missingToken(['', 'a'])).toBe('\uffff');
    expect(missingToken(['', '\uffff'])).toBe('\uffff\uffff');
    const base = logisticBinary();
    const model: TrainedModel = {
      ...base,
      preprocessor: {
        features: base.preprocessor.features.map((f) =>
          f.name === 'color' && f.kind === 'categorical' ? { ...f, categories: ['', 'blue', 'red'] } : f,
        ),
      },
    };
    const rows: Rows = { age: [30, 30], income: [1, 1], score: [0, 0], color: ['', null], flag: [true, true] };
    const got = await run(model, rows);
    const want = referencePredict(model, rows);
    Array.from(got.probabilities ?? []).forEach((p, i) => expect(p).toBeCloseTo(want.probabilities?.[i] as number, 6));
    // '' is the first category (one-hot slot 0 set); null is all zeros: different predictions.
    expect(got.probabilities?.[1]).not.toBeCloseTo(got.probabilities?.[3] as number, 3);
  });
});
