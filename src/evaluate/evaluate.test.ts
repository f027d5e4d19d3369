import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Predictions, Task } from '../train/index.js';
import { SlipwayError } from '../errors.js';
import { type EvaluationTask, type PredictionsInput, ROC_POINTS, evaluatePredictions } from './evaluate.js';
import { fairnessMetrics } from './fairness.js';
import { pairwiseSum } from './numeric.js';

const classes = ['<=50K', '>50K'];

describe('evaluatePredictions', () => {
  it("takes src/train's Predictions and Task as they are", () => {
    expectTypeOf<Predictions>().toExtend<PredictionsInput>();
    expectTypeOf<Task>().toEqualTypeOf<EvaluationTask>();
  });

  it('is JSON-able: undefined metrics become null, fairness is flattened into metrics', () => {
    const report = evaluatePredictions({
      task: 'binary',
      classes,
      yTrue: ['<=50K', '<=50K', '>50K', '<=50K'],
      predictions: { labels: ['<=50K', '<=50K', '<=50K', '<=50K'], probabilities: [0.9, 0.1, 0.8, 0.2, 0.6, 0.4, 0.7, 0.3] },
      sensitive: { sex: ['F', 'M', 'F', 'M'] },
      slices: { part: ['x', 'x', 'y', 'y'] },
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.positive_class).toBe('>50K');
    // Nobody predicted positive: every selection rate 0, so the ratio is 0/0 (Fairlearn: NaN).
    expect(report.metrics['fairness.sex.demographic_parity_ratio']).toBeNull();
    expect(report.metrics['fairness.sex.demographic_parity_difference']).toBe(0);
    expect(report.fairness?.sex?.groups.map((g) => [g.group, g.count, g.positives])).toEqual([
      ['F', 2, 1],
      ['M', 2, 0],
    ]);
    // Slice 'x' has one class only: ROC AUC undefined there, reported as null.
    expect(report.slices?.find((s) => s.value === 'x')?.metrics.roc_auc).toBeNull();
    expect(report.roc_curve?.fpr[0]).toBe(0);
  });

  it('thins a long ROC curve for the report but keeps both ends', () => {
    const n = 2000;
    const yTrue = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? '>50K' : '<=50K'));
    const p = Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n);
    const report = evaluatePredictions({
      task: 'binary',
      classes,
      yTrue,
      predictions: { labels: p.map((q) => (q >= 0.5 ? '>50K' : '<=50K')), probabilities: p.flatMap((q) => [1 - q, q]) },
    });
    expect(report.roc_curve?.fpr).toHaveLength(ROC_POINTS);
    expect(report.roc_curve?.fpr.at(-1)).toBe(1);
    expect(report.roc_curve?.tpr.at(-1)).toBe(1);
  });

  it('accepts numeric targets as numbers or numeric strings for regression', () => {
    const report = evaluatePredictions({ task: 'regression', yTrue: ['1', 2, '3.5'], predictions: { values: [1, 2, 3] } });
    expect(report.metrics.mae).toBeCloseTo(0.5 / 3, 15);
    expect(() => evaluatePredictions({ task: 'regression', yTrue: ['1', 'n/a'], predictions: { values: [1, 2] } })).toThrow(
      /y_true row 1 is 'n\/a'; a regression target must be a finite number/,
    );
  });

  it('refuses inputs that do not fit, with the reason', () => {
    const base = { task: 'binary' as const, classes, yTrue: ['<=50K', '>50K'] };
    const cases: [() => unknown, RegExp][] = [
      [
        () => evaluatePredictions({ ...base, predictions: { labels: ['<=50K', 'maybe'], probabilities: [1, 0, 0, 1] } }),
        /prediction row 1 has label 'maybe', which is not one of the classes \[<=50K, >50K\]/,
      ],
      [
        () => evaluatePredictions({ ...base, predictions: { labels: ['<=50K', '>50K'], probabilities: [1, 0, 0] } }),
        /probabilities have 3 values; expected 2 rows × 2 classes = 4/,
      ],
      [
        () => evaluatePredictions({ ...base, predictions: { labels: ['<=50K', '>50K'], probabilities: [1.5, 0, 0, 1] } }),
        /probability at row 0, class 0 is 1.5/,
      ],
      [() => evaluatePredictions({ ...base, predictions: { labels: undefined } }), /classification predictions carry no labels/],
      [
        () => evaluatePredictions({ ...base, predictions: { labels: ['<=50K', '>50K'] }, slices: { s: ['a'] } }),
        /slice column 's' has 1 values but the evaluation data has 2 rows/,
      ],
      [
        () =>
          evaluatePredictions({
            task: 'regression',
            yTrue: [1, 2],
            predictions: { values: [1, 2] },
            sensitive: { sex: ['a', 'b'] },
          }),
        /need binary classification, not regression/,
      ],
    ];
    for (const [run, message] of cases) {
      expect(run).toThrow(SlipwayError);
      expect(run).toThrow(message);
    }
  });

  it('computes fairness for binary classification only', () => {
    const three = ['a', 'b', 'c'];
    expect(() =>
      evaluatePredictions({
        task: 'multiclass',
        classes: three,
        yTrue: three,
        predictions: { labels: three },
        sensitive: { sex: ['F', 'M', 'F'] },
      }),
    ).toThrow(/defined for binary classification; this is a multiclass task with classes \[a, b, c\]/);
  });

  it('follows Fairlearn on groups without positives (TPR 0) and on all-zero FPRs', () => {
    const f = fairnessMetrics({
      task: 'binary',
      classes: ['no', 'yes'],
      yTrue: ['yes', 'no', 'yes', 'yes', 'no', 'no'],
      yPred: ['yes', 'no', 'no', 'yes', 'no', 'no'],
      groups: ['a', 'a', 'b', 'b', 'c', 'c'],
    });
    expect(f.groups.map((g) => g.true_positive_rate)).toEqual([1, 0.5, 0]);
    expect(f.metrics.equalized_odds_difference).toBe(1);
    // FPR ratio is 0/0 = NaN; Python's min([tpr_ratio, nan]) keeps the TPR ratio (0 here).
    expect(f.metrics.equalized_odds_ratio).toBe(0);
  });
});

describe('pairwiseSum (numpy order)', () => {
  it('adds like numpy, not left to right', () => {
    // Values from Debian's numpy 1.24: np.sum(1 / np.arange(1, 1001)) and np.sum([0.1] * 300).
    const harmonic = Array.from({ length: 1000 }, (_, i) => 1 / (i + 1));
    expect(pairwiseSum(harmonic)).toBe(7.485470860550345); // a left-to-right loop gives …343
    expect(pairwiseSum(new Array<number>(300).fill(0.1))).toBe(29.999999999999996); // loop: 30.000000000000156
    expect(pairwiseSum([1, 2, 3])).toBe(6);
    expect(pairwiseSum([])).toBe(0);
  });
});
