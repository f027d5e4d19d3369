import { describe, expect, it } from 'vitest';
import { type ClassificationCase, type RegressionCase, flatten, loadFixtures } from '../../test/fixtures/evaluate/fixtures.js';
import { evaluatePredictions } from './evaluate.js';
import { renderEvaluationHtml } from './evaluation-html.js';
import { evaluateGate } from './gate.js';

const { inputs } = loadFixtures();
const EVIL = `<script>alert("x")</script>`;

describe('renderEvaluationHtml', () => {
  const c = inputs.binary as ClassificationCase;
  // Hostile strings in every data-derived place: class labels, group values, slice values, title.
  const rename = (v: string) => (v === '>50K' ? `${EVIL}>50K` : v);
  const classes = c.classes.map(rename);
  const report = evaluatePredictions({
    task: 'binary',
    classes,
    yTrue: c.y_true.map(rename),
    predictions: { labels: c.labels.map(rename), probabilities: flatten(c.probabilities) },
    sensitive: { sex: (c.sensitive.sex ?? []).map((s) => (s === 'Male' ? `"><img src=x onerror=alert(1)>` : s)) },
    slices: { [`work${EVIL}`]: c.slices.workclass ?? [] },
  });
  const gate = evaluateGate(
    [
      { metric: 'roc_auc', threshold: 0.8, min_absolute_change: 0.01 },
      { metric: 'fairness.sex.demographic_parity_ratio', threshold: 0.8 },
    ],
    report.metrics,
    undefined,
  );
  const html = renderEvaluationHtml(report, `Adult ${EVIL}`, { gate, generatedAt: new Date('2025-01-02T03:04:05Z') });

  it('is one self-contained page: inline CSS and SVG, no scripts or external assets', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<img|<link|src=["']?http|href=["']?http/i);
    expect(html).toContain('<style>');
    for (const label of ['Confusion matrix', 'ROC curve', 'Calibration curve', 'Per-group rates']) {
      expect(html).toContain(`aria-label="${label}"`);
    }
  });

  it('escapes every data value', () => {
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('leads with the gate verdict and shows each check', () => {
    expect(html).toMatch(/<h1>Gate FAILED — Adult &lt;script&gt;/);
    expect(html).toContain('No baseline model yet');
    expect(html).toMatch(/<td class="skipped">skipped<\/td><td><code>roc_auc<\/code><\/td><td>min_absolute_change/);
    expect(html).toMatch(/<td class="failed">failed<\/td><td><code>fairness\.sex\.demographic_parity_ratio/);
    expect(html).toContain('2025-01-02T03:04:05.000Z');
  });

  it('has the fairness and slices sections', () => {
    expect(html).toContain('<h2>Fairness</h2>');
    expect(html).toContain('demographic_parity_ratio');
    expect(html).toContain('<h2>Slices</h2>');
    expect(html).toContain('Without-pay');
  });

  it('renders a regression report without classification charts', () => {
    const r = inputs.regression as RegressionCase;
    const page = renderEvaluationHtml(
      evaluatePredictions({ task: 'regression', yTrue: r.y_true, predictions: { values: r.values }, slices: r.slices }),
      'house prices',
    );
    expect(page).toContain('<h1>Evaluation — house prices</h1>');
    expect(page).not.toContain('<svg');
    expect(page).toMatch(/<th>mae<\/th><th>rmse<\/th><th>r2<\/th><th>mape<\/th>/);
  });
});
