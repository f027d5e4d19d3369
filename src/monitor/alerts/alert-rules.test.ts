import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type AlertRule, parseAlertRules } from './alert-rules.js';
import { evaluateRule, type RuleState } from './evaluate-rule.js';
import type { MonitorSnapshot } from './monitor-snapshot.js';

function problems(raw: unknown): string[] {
  try {
    parseAlertRules(raw, 'monitors.churn.alerts');
  } catch (e) {
    return (e as Error).message.split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
  }
  throw new Error('expected the rules to be refused');
}

describe('alert rules in YAML', () => {
  it('parses every condition kind and action kind; actions default to [log]', () => {
    const doc = parse(`
alerts:
  - name: dataset-drift
    when: { drift_share: { above: 0.5 } }
    actions:
      - log
      - webhook: { url: "https://hooks.example.com/slipway", secret_env: HOOK_SECRET, max_attempts: 3, timeout_ms: 2000 }
  - name: age-shift
    description: age moved
    when: { column: age, statistic: { above: 0.2 } }
    actions: [{ log: { level: error } }]
  - name: age-p
    when: { column: age, p_value: { below: 0.01 } }
    actions:
      - log:
  - name: age-drifted
    when: { column: age, drifted: true }
  - name: accuracy-decay
    when: { metric: accuracy, below: 0.8 }
    actions: [{ retrain: { pipeline: slipway.yaml, with: { epochs: 20, full: true } } }]
  - name: loss-up
    when: { metric: log_loss, above: 0.7 }
  - name: errors
    when: { error_rate: { above: 0.01 } }
    actions: [{ webhook: { url: "http://127.0.0.1:9000/hook", secret: s3cret } }]
  - name: slow
    when: { p99_latency_ms: { above: 50 } }
`) as { alerts: unknown };
    const rules = parseAlertRules(doc.alerts);
    expect(rules).toEqual([
      {
        name: 'dataset-drift', when: { kind: 'drift_share', compare: { op: 'above', value: 0.5 } },
        actions: [
          { kind: 'log', level: 'warn' },
          { kind: 'webhook', url: 'https://hooks.example.com/slipway', secretEnv: 'HOOK_SECRET', maxAttempts: 3, timeoutMs: 2000 },
        ],
      },
      { name: 'age-shift', description: 'age moved', when: { kind: 'column_statistic', column: 'age', compare: { op: 'above', value: 0.2 } }, actions: [{ kind: 'log', level: 'error' }] },
      { name: 'age-p', when: { kind: 'column_p_value', column: 'age', compare: { op: 'below', value: 0.01 } }, actions: [{ kind: 'log', level: 'warn' }] },
      { name: 'age-drifted', when: { kind: 'column_drifted', column: 'age' }, actions: [{ kind: 'log', level: 'warn' }] },
      {
        name: 'accuracy-decay', when: { kind: 'metric', metric: 'accuracy', compare: { op: 'below', value: 0.8 } },
        actions: [{ kind: 'retrain', pipeline: 'slipway.yaml', with: { epochs: 20, full: true } }],
      },
      { name: 'loss-up', when: { kind: 'metric', metric: 'log_loss', compare: { op: 'above', value: 0.7 } }, actions: [{ kind: 'log', level: 'warn' }] },
      { name: 'errors', when: { kind: 'error_rate', compare: { op: 'above', value: 0.01 } }, actions: [{ kind: 'webhook', url: 'http://127.0.0.1:9000/hook', secret: 's3cret' }] },
      { name: 'slow', when: { kind: 'p99_latency_ms', compare: { op: 'above', value: 50 } }, actions: [{ kind: 'log', level: 'warn' }] },
    ]);
  });

  it('names the rule (index and name) and the field of every problem', () => {
    expect(
      problems([
        { name: 'a', when: { drift_share: { above: 'high' } } },
        { name: 'b', when: { drift_shar: { above: 0.5 } } },
        { name: 'c', when: { drift_share: { above: 0.5 }, metric: 'x', below: 1 } },
        { name: 'd', when: { column: 'age' } },
        { name: 'e', when: { statistic: { above: 1 } } },
        { name: 'f', when: { error_rate: { above: 0.1 } }, actions: ['webhook', { webhook: { url: 'ftp://x' } }, { retrain: {} }, { log: {}, retrain: { pipeline: 'p' } }] },
        { when: { error_rate: { above: 2 } } },
        { name: 'g', when: { p99_latency_ms: { above: 5, below: 2 } }, action: [] },
        { name: 'h', when: { drift_share: { above: 0.5 } }, actions: [{ webhook: { url: 'https://x.test', secret: 'a', secret_env: 'B' } }] },
        { name: 'i', when: { above: 0.5 } },
        'x',
      ]),
    ).toEqual([
      "monitors.churn.alerts[0] (a).when.drift_share.above: must be a number, got 'high'",
      "monitors.churn.alerts[1] (b).when.drift_shar: unknown key (did you mean 'drift_share'?)",
      'monitors.churn.alerts[1] (b).when: names no figure: use one of drift_share, column, metric, error_rate, p99_latency_ms',
      'monitors.churn.alerts[2] (c).when: names drift_share and metric: a rule watches one figure (write one rule each)',
      "monitors.churn.alerts[3] (d).when: column 'age' needs exactly one of statistic, p_value, drifted",
      "monitors.churn.alerts[4] (e).when: statistic needs 'column' (which column's drift test)",
      "monitors.churn.alerts[5] (f).actions[0]: must be 'log' or a mapping with one of log, webhook, retrain, got 'webhook'",
      'monitors.churn.alerts[5] (f).actions[1].webhook.url: must be an http:// or https:// URL',
      'monitors.churn.alerts[5] (f).actions[2].retrain.pipeline: missing',
      'monitors.churn.alerts[5] (f).actions[3]: needs exactly one of log, webhook, retrain (got log, retrain)',
      'monitors.churn.alerts[6].name: missing',
      'monitors.churn.alerts[6].when.error_rate.above: must be between 0 and 1, got 2',
      'monitors.churn.alerts[7] (g).when.p99_latency_ms: needs exactly one of above or below',
      "monitors.churn.alerts[7] (g).action: unknown key (did you mean 'actions'?)",
      'monitors.churn.alerts[8] (h).actions[0].webhook: give secret or secret_env, not both',
      "monitors.churn.alerts[9] (i).when: names no figure: use one of drift_share, column, metric, error_rate, p99_latency_ms",
      'monitors.churn.alerts[10]: must be a mapping with name, when and actions, got \'x\'',
    ]);
  });

  it('refuses duplicate rule names and a non-list', () => {
    const rule = { when: { drift_share: { above: 0.5 } } };
    expect(problems([{ name: 'x', ...rule }, { name: 'y', ...rule }, { name: 'x', ...rule }])).toEqual([
      "monitors.churn.alerts[2] (x).name: rule name 'x' is also used by rule [0]: names must be unique",
    ]);
    expect(problems({ name: 'x' })).toEqual(['monitors.churn.alerts: must be a list of alert rules, got a mapping']);
  });
});

describe('evaluating a rule on a snapshot', () => {
  const base: MonitorSnapshot = { monitor: 'm', deployment: 'd', window: { start: 0, end: 1 } };
  const full: MonitorSnapshot = {
    ...base,
    driftShare: 0.6,
    columns: {
      age: { test: 'ks', statistic: 0.3, pValue: 0.001, drifted: true, verdict: 'drift' },
      income: { test: 'psi', statistic: 0.05, pValue: 0.4, drifted: false, verdict: 'no_drift' },
      tiny: { test: 'ks', statistic: 0.9, pValue: 0.0001, drifted: true, verdict: 'insufficient_data' },
      undecided: { statistic: 0.1 },
    },
    metrics: { accuracy: 0.74, log_loss: 0.5 },
    errorRate: 0.02,
    p99LatencyMs: 40,
  };
  const rules = parseAlertRules([
    { name: 'share', when: { drift_share: { above: 0.5 } } },
    { name: 'share-exact', when: { drift_share: { above: 0.6 } } },
    { name: 'age-stat', when: { column: 'age', statistic: { above: 0.2 } } },
    { name: 'income-stat', when: { column: 'income', statistic: { above: 0.2 } } },
    { name: 'age-p', when: { column: 'age', p_value: { below: 0.01 } } },
    { name: 'age-drifted', when: { column: 'age', drifted: true } },
    { name: 'income-drifted', when: { column: 'income', drifted: true } },
    { name: 'tiny-drifted', when: { column: 'tiny', drifted: true } },
    { name: 'tiny-stat', when: { column: 'tiny', statistic: { above: 0.2 } } },
    { name: 'undecided-drifted', when: { column: 'undecided', drifted: true } },
    { name: 'missing-col', when: { column: 'zip', statistic: { above: 0.2 } } },
    { name: 'acc', when: { metric: 'accuracy', below: 0.8 } },
    { name: 'loss', when: { metric: 'log_loss', above: 0.7 } },
    { name: 'f1', when: { metric: 'f1', below: 0.5 } },
    { name: 'errors', when: { error_rate: { above: 0.01 } } },
    { name: 'slow', when: { p99_latency_ms: { above: 50 } } },
  ]);
  const byName = (n: string): AlertRule => rules.find((r) => r.name === n) as AlertRule;

  it.each<[string, RuleState, number | null, string]>([
    ['share', 'breached', 0.6, 'dataset drift share 0.6 is above 0.5'],
    ['share-exact', 'holding', 0.6, 'dataset drift share 0.6 is not above 0.6'],
    ['age-stat', 'breached', 0.3, "column 'age' drift statistic 0.3 is above 0.2"],
    ['income-stat', 'holding', 0.05, "column 'income' drift statistic 0.05 is not above 0.2"],
    ['age-p', 'breached', 0.001, "column 'age' drift p-value 0.001 is below 0.01"],
    ['age-drifted', 'breached', 0.3, "column 'age' drifted (ks, statistic 0.3, p-value 0.001)"],
    ['income-drifted', 'holding', 0.05, "column 'income' did not drift (psi, statistic 0.05, p-value 0.4)"],
    ['tiny-drifted', 'unknown', null, "column 'tiny' had too little data to test"],
    ['tiny-stat', 'unknown', null, "column 'tiny' had too little data to test"],
    ['undecided-drifted', 'unknown', null, "column 'undecided' has no drift verdict in this window"],
    ['missing-col', 'unknown', null, "column 'zip' was not tested in this window"],
    ['acc', 'breached', 0.74, "metric 'accuracy' 0.74 is below 0.8"],
    ['loss', 'holding', 0.5, "metric 'log_loss' 0.5 is not above 0.7"],
    ['f1', 'unknown', null, "metric 'f1' was not measured in this window"],
    ['errors', 'breached', 0.02, 'error rate 0.02 is above 0.01'],
    ['slow', 'holding', 40, 'p99 latency (ms) 40 is not above 50'],
  ])('%s → %s', (name, state, value, message) => {
    expect(evaluateRule(byName(name), full)).toEqual({ rule: name, state, value, message });
  });

  it('is unknown for every rule on an empty snapshot, and for null or non-finite figures', () => {
    for (const rule of rules) expect(evaluateRule(rule, base).state, rule.name).toBe('unknown');
    const nan: MonitorSnapshot = { ...base, driftShare: NaN, errorRate: Infinity, metrics: { accuracy: NaN }, p99LatencyMs: NaN };
    for (const n of ['share', 'errors', 'acc', 'slow']) expect(evaluateRule(byName(n), nan).state).toBe('unknown');
    const nulls: MonitorSnapshot = {
      ...base, driftShare: null, errorRate: null, metrics: { accuracy: null }, p99LatencyMs: null, columns: { age: { statistic: null, pValue: null } },
    };
    for (const n of ['share', 'errors', 'acc', 'slow', 'age-stat', 'age-p', 'age-drifted']) expect(evaluateRule(byName(n), nulls).state, n).toBe('unknown');
  });

  it('holds on the other side of each threshold', () => {
    const good: MonitorSnapshot = {
      ...base, driftShare: 0.1, errorRate: 0.001, p99LatencyMs: 12, metrics: { accuracy: 0.9 },
      columns: { age: { statistic: 0.1, pValue: 0.3, drifted: false } },
    };
    for (const n of ['share', 'age-stat', 'age-p', 'age-drifted', 'acc', 'errors', 'slow']) expect(evaluateRule(byName(n), good).state, n).toBe('holding');
  });
});
