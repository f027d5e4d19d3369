/**
 * The trainers implement scikit-learn's estimators (same objective, defaults, binning, split gain, leaf
 * values and baseline), so on the same data they give the same predictions. Reference values: scikit-learn
 * 1.2.1 (Debian python3-sklearn) on this 300-row dataset, with
 *   Ridge(alpha=1) and LogisticRegression(C, tol=1e-8) after SimpleImputer() + StandardScaler() on x1, x2
 *   and OneHotEncoder() on c; HistGradientBoosting{Regressor,Classifier}(max_iter=10,
 *   early_stopping=False) on [x1, x2, ordinal c].
 * Tolerances cover scikit-learn's float32 gradients (trees) and its solver's stopping point (logistic).
 */
import { describe, expect, it } from 'vitest';
import { tableFromColumns } from '../data/index.js';
import { predict, takeRows, trainModel } from './index.js';

const n = 300;
const rows = Array.from({ length: n }, (_, i) => {
  const x1 = ((i * 37) % 101) / 10;
  const x2 = (i * 53) % 17;
  const c = ['a', 'b', 'c', 'd'][(i * 7) % 4] as string;
  const y = Math.sin(x1) + 0.3 * x2 + ((i * 7919) % 13) / 13 + (c === 'b' ? 0.5 : 0);
  return { x1: i % 23 === 0 ? null : x1, x2, c, y, yc: y > 2.6 ? 'p' : 'n', k: x2 % 3 };
});
const table = tableFromColumns({
  x1: rows.map((r) => r.x1),
  x2: rows.map((r) => r.x2),
  c: rows.map((r) => r.c),
  y: rows.map((r) => r.y),
  yc: rows.map((r) => r.yc),
  k: rows.map((r) => r.k),
});
const head = (count: number) =>
  takeRows(
    table,
    Uint32Array.from({ length: count }, (_, i) => i),
  );

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs((actual[i] as number) - e)).toBeLessThan(tolerance));
}

describe('parity with scikit-learn 1.2.1', () => {
  it('ridge = Ridge(alpha=1)', () => {
    const model = trainModel(table, { target: 'y', algorithm: 'linear', exclude: ['yc', 'k'] });
    const expected = [
      0.6150465273182801, 1.2642676791949823, 1.8264849746111977, 2.993394922949367, 3.0210568662123776, 3.585428214705587,
    ];
    expectClose(predict(model, head(6)).values ?? [], expected, 1e-10);
  });

  it('binary logistic = LogisticRegression(C=1)', () => {
    const model = trainModel(table, {
      target: 'yc',
      algorithm: 'logistic',
      exclude: ['y', 'k'],
      params: { tol: 1e-8, max_iter: 1000 },
    });
    const est = model.estimator.kind === 'logistic' ? model.estimator : undefined;
    expectClose(
      est?.coefficients[0] ?? [],
      [
        -0.21768593651988077, 3.3294939319435515, -0.4362557781352828, 1.4588219112103895, -0.037922479096987455,
        -0.9846703282346657,
      ],
      1e-4,
    );
    expectClose(est?.intercepts ?? [], [1.2728291764607331], 1e-4);
    const p = predict(model, head(6)).probabilities ?? new Float64Array();
    const positive = [0, 1, 2, 3, 4, 5].map((i) => p[i * 2 + 1] as number);
    expectClose(
      positive,
      [
        0.01040742579788828, 0.025345948665705158, 0.16366717456458568, 0.8468134908764212, 0.7081199807666732,
        0.8036681821502807,
      ],
      1e-5,
    );
  });

  it('multinomial logistic = LogisticRegression(C=0.5) on 3 integer classes', () => {
    const model = trainModel(table, {
      target: 'k',
      algorithm: 'logistic',
      exclude: ['y', 'yc'],
      params: { C: 0.5, tol: 1e-8, max_iter: 1000 },
    });
    expect(model.classes).toEqual(['0', '1', '2']);
    const expected = [
      0.4254560056467191, 0.28799917574276035, 0.2865448186105204, 0.39744310504086494, 0.31341673751739046, 0.28914015744174465,
    ];
    expectClose(predict(model, head(2)).probabilities ?? [], expected, 1e-5);
  });

  it('gbdt regression = HistGradientBoostingRegressor(max_iter=10)', () => {
    const model = trainModel(table, {
      target: 'y',
      algorithm: 'gbdt',
      exclude: ['yc', 'k'],
      params: { max_iter: 10, early_stopping: false },
    });
    const expected = [
      1.5169920205198077, 1.6020113583494089, 2.525595353112324, 3.1414557828191967, 2.6264026192354013, 3.6818031539676954,
      4.419986143317495, 3.9457180531706197,
    ];
    expectClose(predict(model, head(8)).values ?? [], expected, 1e-6);
  });

  it('gbdt binary = HistGradientBoostingClassifier(max_iter=10)', () => {
    const model = trainModel(table, {
      target: 'yc',
      algorithm: 'gbdt',
      exclude: ['y', 'k'],
      params: { max_iter: 10, early_stopping: false },
    });
    const p = predict(model, head(8)).probabilities ?? new Float64Array();
    const positive = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => p[i * 2 + 1] as number);
    const expected = [
      0.24123844028214325, 0.22658340961239454, 0.4623912852259854, 0.7374055449817909, 0.6228369605326444, 0.8486650157601833,
      0.8578982752821819, 0.857861918028088,
    ];
    expectClose(positive, expected, 1e-6);
  });
});
