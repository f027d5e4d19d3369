import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { baselineUri, parseAliasUri, parseGateConfig } from './gate-schema.js';

describe('gate: block in YAML', () => {
  it('parses rules with MLflow field names; greater_is_better defaults to true', () => {
    const doc = parse(`
gate:
  baseline: models:/churn@production
  rules:
    - metric: roc_auc
      threshold: 0.8
      min_absolute_change: 0.005
    - { metric: log_loss, min_relative_change: 0.01, greater_is_better: false }
    - { metric: fairness.sex.demographic_parity_ratio, threshold: 0.8 }
`) as { gate: unknown };
    const gate = parseGateConfig(doc.gate);
    expect(gate.baseline).toBe('models:/churn@production');
    expect(gate.rules).toEqual([
      { metric: 'roc_auc', threshold: 0.8, min_absolute_change: 0.005, greater_is_better: true },
      { metric: 'log_loss', min_relative_change: 0.01, greater_is_better: false },
      { metric: 'fairness.sex.demographic_parity_ratio', threshold: 0.8, greater_is_better: true },
    ]);
  });

  it('defaults the baseline to the model’s @production alias', () => {
    const gate = parseGateConfig({ rules: [{ metric: 'accuracy', threshold: 0.7 }] });
    expect(baselineUri(gate, 'churn')).toBe('models:/churn@production');
    expect(baselineUri({ baseline: 'models:/churn@champion' }, 'churn')).toBe('models:/churn@champion');
    expect(parseAliasUri('models:/churn@champion')).toEqual({ name: 'churn', alias: 'champion' });
    expect(() => parseAliasUri('models:/churn/3')).toThrow(/not a registry alias URI/);
  });

  it('lists every problem with its path, and suggests near-miss keys', () => {
    const raw = parse(`
baseline: churn
rule: []
rules:
  - metric: roc_auc
    min_relatve_change: 0.1
  - metric: accuracy
    threshold: high
  - threshold: 0.5
  - metric: f1
    min_relative_change: 5
  - metric: mae
    greater_is_better: "no"
    threshold: 1
`);
    let message = '';
    try {
      parseGateConfig(raw, 'stages.train.gate');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'invalid stages.train.gate:',
      "  - stages.train.gate.baseline: must be a registry alias URI like 'models:/churn@production', got 'churn'",
      "  - stages.train.gate.rules[0].min_relatve_change: unknown key (did you mean 'min_relative_change'?)",
      '  - stages.train.gate.rules[0]: a rule needs at least one of threshold, min_absolute_change, min_relative_change',
      "  - stages.train.gate.rules[1].threshold: must be a number, got 'high'",
      '  - stages.train.gate.rules[2].metric: missing',
      '  - stages.train.gate.rules[3].min_relative_change: must be between 0 and 1 (a share of the baseline, 0.05 = 5%), got 5',
      "  - stages.train.gate.rules[4].greater_is_better: must be true or false, got 'no'",
      "  - stages.train.gate.rule: unknown key (did you mean 'rules'?)",
    ]);
  });

  it('needs at least one rule', () => {
    expect(() => parseGateConfig({ rules: [] })).toThrow(/gate\.rules: needs at least one rule/);
    expect(() => parseGateConfig({})).toThrow(/gate\.rules: missing/);
  });
});
