/**
 * Judging one alert rule on one monitor run: a pure function, so the same snapshot always gives the
 * same verdict wherever it is evaluated.
 */
import type { AlertCondition, AlertRule, Comparison } from './alert-rules.js';
import type { MonitorSnapshot } from './monitor-snapshot.js';

/**
 * breached: the figure crossed the threshold; holding: it was measured and did not; unknown: it was
 * not measured in this run (missing, not a finite number, or a column with insufficient data), so the
 * alert's state stays as it is.
 */
export type RuleState = 'breached' | 'holding' | 'unknown';

export interface RuleVerdict {
  readonly rule: string;
  readonly state: RuleState;
  /** The figure judged (for `drifted`, the column's statistic when there is one); null when unknown. */
  readonly value: number | null;
  /** One line for people, e.g. "metric 'accuracy' 0.74 is below 0.8". */
  readonly message: string;
}

/**
 * @example
 *   evaluateRule(rule, snapshot) // { rule: 'accuracy-decay', state: 'breached', value: 0.74, message: "metric 'accuracy' 0.74 is below 0.8" }
 */
export function evaluateRule(rule: AlertRule, snapshot: MonitorSnapshot): RuleVerdict {
  const { state, value, message } = judge(rule.when, snapshot);
  return { rule: rule.name, state, value, message };
}

function judge(when: AlertCondition, s: MonitorSnapshot): Omit<RuleVerdict, 'rule'> {
  switch (when.kind) {
    case 'drift_share':
      return compare('dataset drift share', s.driftShare, when.compare);
    case 'error_rate':
      return compare('error rate', s.errorRate, when.compare);
    case 'p99_latency_ms':
      return compare('p99 latency (ms)', s.p99LatencyMs, when.compare);
    case 'metric':
      return compare(`metric '${when.metric}'`, s.metrics?.[when.metric], when.compare);
    case 'column_statistic':
    case 'column_p_value':
    case 'column_drifted': {
      const col = s.columns?.[when.column];
      const label = `column '${when.column}'`;
      if (!col) return unknown(`${label} was not tested in this window`);
      if (col.verdict === 'insufficient_data') return unknown(`${label} had too little data to test`);
      if (when.kind === 'column_statistic') return compare(`${label} drift statistic`, col.statistic, when.compare);
      if (when.kind === 'column_p_value') return compare(`${label} drift p-value`, col.pValue, when.compare);
      if (typeof col.drifted !== 'boolean') return unknown(`${label} has no drift verdict in this window`);
      const value = isFiniteNumber(col.statistic) ? col.statistic : null;
      const detail = [col.test, value !== null ? `statistic ${fmt(value)}` : undefined, isFiniteNumber(col.pValue) ? `p-value ${fmt(col.pValue)}` : undefined]
        .filter(Boolean).join(', ');
      const suffix = detail ? ` (${detail})` : '';
      return col.drifted ? { state: 'breached', value, message: `${label} drifted${suffix}` } : { state: 'holding', value, message: `${label} did not drift${suffix}` };
    }
  }
}

function compare(label: string, figure: number | null | undefined, c: Comparison): Omit<RuleVerdict, 'rule'> {
  if (!isFiniteNumber(figure)) return unknown(`${label} was not measured in this window`);
  const breached = c.op === 'above' ? figure > c.value : figure < c.value;
  const message = `${label} ${fmt(figure)} is ${breached ? '' : 'not '}${c.op} ${fmt(c.value)}`;
  return { state: breached ? 'breached' : 'holding', value: figure, message };
}

const unknown = (message: string): Omit<RuleVerdict, 'rule'> => ({ state: 'unknown', value: null, message });

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Four significant digits, without trailing zeros or exponent noise for ordinary figures. */
function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}
