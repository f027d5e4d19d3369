import { describe, expect, it } from 'vitest';
import { flatten, loadFixtures, type ClassificationCase } from '../../test/fixtures/evaluate/fixtures.js';
import { SlipwayError } from '../errors.js';
import { evaluatePredictions } from './evaluate.js';
import { blessingOf, evaluateGate, formatGateResult } from './gate.js';

describe('evaluateGate (MLflow MetricThreshold semantics)', () => {
  it('passes when every value and change rule holds', () => {
    const r = evaluateGate(
      [
        { metric: 'accuracy', threshold: 0.8 },
        { metric: 'roc_auc', threshold: 0.85, min_absolute_change: 0.01, min_relative_change: 0.01 },
      ],
      { accuracy: 0.85, roc_auc: 0.9 },
      { accuracy: 0.8, roc_auc: 0.88 },
    );
    expect(r.passed).toBe(true);
    expect(r.failures).toEqual([]);
    expect(r.rules.map((x) => x.status)).toEqual(['passed', 'passed']);
    const auc = r.rules[1];
    expect(auc?.candidate).toBe(0.9);
    expect(auc?.baseline).toBe(0.88);
    expect(auc?.checks.map((c) => [c.check, c.status, c.limit])).toEqual([
      ['threshold', 'passed', 0.85],
      ['min_absolute_change', 'passed', 0.01],
      ['min_relative_change', 'passed', 0.01],
    ]);
    expect(auc?.checks[1]?.required).toBe(0.88 + 0.01);
    expect(auc?.checks[2]?.relative_change).toBeCloseTo(0.02 / 0.88, 15);
  });

  it('reports every failure together, not just the first', () => {
    const r = evaluateGate(
      [
        { metric: 'accuracy', threshold: 0.9 },
        { metric: 'f1', threshold: 0.5 },
        { metric: 'roc_auc', min_absolute_change: 0.05 },
        { metric: 'recall', min_relative_change: 0.1 },
      ],
      { accuracy: 0.85, f1: 0.6, roc_auc: 0.9, recall: 0.5 },
      { accuracy: 0.8, f1: 0.6, roc_auc: 0.88, recall: 0.5 },
    );
    expect(r.passed).toBe(false);
    expect(r.rules.map((x) => x.status)).toEqual(['failed', 'passed', 'failed', 'failed']);
    expect(r.failures).toHaveLength(3);
    expect(r.failures[0]).toMatch(/accuracy = 0\.85 does not meet the threshold ≥ 0\.9/);
    expect(r.failures[1]).toMatch(/roc_auc = 0\.9 does not meet min_absolute_change: ≥ baseline 0\.88 \+ 0\.05/);
    expect(r.failures[2]).toMatch(/recall .* min_relative_change/);
    expect(formatGateResult(r).split('\n')[0]).toBe('Gate FAILED');
  });

  it('without a baseline skips change rules and still applies value rules', () => {
    const rules = [
      { metric: 'accuracy', threshold: 0.8, min_absolute_change: 0.01 },
      { metric: 'roc_auc', min_relative_change: 0.05 },
    ];
    const ok = evaluateGate(rules, { accuracy: 0.85, roc_auc: 0.7 }, undefined);
    expect(ok.passed).toBe(true);
    expect(ok.baseline_available).toBe(false);
    expect(ok.rules.map((x) => x.status)).toEqual(['passed', 'skipped']);
    expect(ok.rules[0]?.checks.map((c) => c.status)).toEqual(['passed', 'skipped']);
    expect(ok.rules[1]?.checks[0]?.message).toMatch(/skipped, no baseline/);
    expect(ok.rules[1]?.baseline).toBeNull();

    const bad = evaluateGate(rules, { accuracy: 0.75, roc_auc: 0.7 }, undefined);
    expect(bad.passed).toBe(false);
    expect(bad.failures).toEqual([expect.stringMatching(/accuracy = 0\.75 does not meet the threshold/)]);
  });

  it('fails a rule whose metric the candidate lacks, or has undefined', () => {
    const r = evaluateGate(
      [
        { metric: 'roc_auc', threshold: 0.7, min_absolute_change: 0.01 },
        { metric: 'fairness.sex.equalized_odds_ratio', threshold: 0.8 },
        { metric: 'accuracy', threshold: 0.5 },
      ],
      { accuracy: 0.9, 'fairness.sex.equalized_odds_ratio': null },
      { roc_auc: 0.8 },
    );
    expect(r.passed).toBe(false);
    expect(r.rules.map((x) => x.status)).toEqual(['failed', 'failed', 'passed']);
    expect(r.failures).toEqual([
      "metric 'roc_auc' was not computed for the candidate",
      "metric 'fairness.sex.equalized_odds_ratio' is undefined (NaN) for the candidate",
    ]);
    expect(r.rules[0]?.candidate).toBeNull();
  });

  it('fails a change-only rule on a missing metric even when there is no baseline', () => {
    const r = evaluateGate([{ metric: 'roc_auc', min_relative_change: 0.01 }], { accuracy: 0.9 }, undefined);
    expect(r.passed).toBe(false);
    expect(r.rules[0]?.status).toBe('failed');
    expect(r.failures).toEqual(["metric 'roc_auc' was not computed for the candidate"]);
  });

  it('fails a change rule when the baseline exists but lacks the metric (as MLflow does)', () => {
    const r = evaluateGate([{ metric: 'f1', min_absolute_change: 0.01 }], { f1: 0.9 }, { accuracy: 0.8 });
    expect(r.passed).toBe(false);
    expect(r.failures).toEqual(["metric 'f1' was not computed for the baseline, so min_absolute_change cannot be checked"]);
  });

  it('mirrors every check when lower is better (log_loss)', () => {
    const rule = {
      metric: 'log_loss',
      threshold: 0.5,
      min_absolute_change: 0.01,
      min_relative_change: 0.05,
      greater_is_better: false,
    };
    const base = { log_loss: 0.5 };
    const good = evaluateGate([rule], { log_loss: 0.47 }, base);
    expect(good.passed).toBe(true);
    expect(good.rules[0]?.checks[1]?.required).toBe(0.5 - 0.01);
    expect(good.rules[0]?.checks[2]?.relative_change).toBeCloseTo(0.06, 12);

    const worse = evaluateGate([rule], { log_loss: 0.55 }, base);
    expect(worse.rules[0]?.checks.map((c) => c.status)).toEqual(['failed', 'failed', 'failed']);
    expect(worse.failures[0]).toMatch(/log_loss = 0\.55 does not meet the threshold ≤ 0\.5/);

    const slight = evaluateGate([rule], { log_loss: 0.485 }, base); // 3% better: absolute ok, relative not
    expect(slight.rules[0]?.checks.map((c) => c.status)).toEqual(['passed', 'passed', 'failed']);
  });

  it('divides the relative change by |baseline|, so a negative baseline keeps its direction', () => {
    // MLflow's code divides by the signed baseline, which would call −0.4 vs −0.5 a 20% *drop*.
    const rule = { metric: 'r2', min_relative_change: 0.1 };
    const up = evaluateGate([rule], { r2: -0.4 }, { r2: -0.5 });
    expect(up.passed).toBe(true);
    expect(up.rules[0]?.checks[0]?.relative_change).toBeCloseTo(0.2, 12);
    const down = evaluateGate([rule], { r2: -0.6 }, { r2: -0.5 });
    expect(down.passed).toBe(false);
    expect(down.rules[0]?.checks[0]?.relative_change).toBeCloseTo(-0.2, 12);
    const lower = evaluateGate([{ ...rule, greater_is_better: false }], { r2: -0.6 }, { r2: -0.5 });
    expect(lower.passed).toBe(true);
  });

  it('falls back to beating a zero baseline by 1e-10 (MLflow)', () => {
    const rule = { metric: 'lift', min_relative_change: 0.5 };
    expect(evaluateGate([rule], { lift: 1e-11 }, { lift: 0 }).passed).toBe(false);
    const r = evaluateGate([rule], { lift: 2e-10 }, { lift: 0 });
    expect(r.passed).toBe(true);
    expect(r.rules[0]?.checks[0]?.required).toBe(1e-10);
    expect(r.rules[0]?.checks[0]?.message).toMatch(/baseline is 0/);
  });

  it('gates on a fairness metric of an evaluation report (four-fifths rule)', () => {
    const { inputs } = loadFixtures();
    const c = inputs.binary as ClassificationCase;
    const report = evaluatePredictions({
      task: 'binary',
      classes: c.classes,
      yTrue: c.y_true,
      predictions: { labels: c.labels, probabilities: flatten(c.probabilities) },
      sensitive: c.sensitive,
    });
    const rules = [{ metric: 'fairness.sex.demographic_parity_ratio', threshold: 0.8 }];
    const r = evaluateGate(rules, report.metrics, undefined);
    expect(r.passed).toBe(false);
    expect(r.rules[0]?.candidate).toBeCloseTo(0.3957164711881693, 15);
    expect(r.failures[0]).toMatch(/fairness\.sex\.demographic_parity_ratio = 0\.39\d+ does not meet the threshold ≥ 0\.8/);
    const diff = evaluateGate(
      [{ metric: 'fairness.sex.demographic_parity_difference', threshold: 0.2, greater_is_better: false }],
      report.metrics,
      undefined,
    );
    expect(diff.passed).toBe(true);
  });

  it('rejects malformed rules with every problem listed', () => {
    expect(() =>
      evaluateGate(
        [{ metric: 'a', min_absolute_change: -0.1 }, { metric: 'b', min_relative_change: 1.5 }, { metric: 'c' }],
        {},
        undefined,
      ),
    ).toThrow(
      /rules\[0\]\.min_absolute_change: must be a positive number[\s\S]*rules\[1\]\.min_relative_change: must be between 0 and 1[\s\S]*rules\[2\]: a rule needs at least one of/,
    );
  });

  it('records a passed gate as a blessing; a failed one cannot bless', () => {
    const passed = evaluateGate([{ metric: 'accuracy', threshold: 0.8 }], { accuracy: 0.9 }, undefined);
    const b = blessingOf(passed, { uri: 'models:/churn@production', version: null });
    expect(b).toEqual({
      format: 'slipway.blessing/v1',
      baseline: { uri: 'models:/churn@production', version: null },
      rules: passed.rules,
    });
    expect(JSON.parse(JSON.stringify(b))).toEqual(b);
    const failed = evaluateGate([{ metric: 'accuracy', threshold: 0.95 }], { accuracy: 0.9 }, undefined);
    expect(() => blessingOf(failed, { uri: 'models:/churn@production', version: 3 })).toThrow(SlipwayError);
  });
});
