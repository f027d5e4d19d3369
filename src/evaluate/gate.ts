/**
 * Evaluation gates with MLflow's MetricThreshold semantics (mlflow.models.evaluation.validation):
 * - threshold: candidate ≥ t (≤ t when lower is better);
 * - min_absolute_change: candidate ≥ baseline + δ (≤ baseline − δ when lower is better);
 * - min_relative_change: (candidate − baseline) / |baseline| ≥ r, mirrored when lower is better;
 *   a baseline of exactly 0 falls back, as MLflow does, to "beat the baseline by 1e-10".
 * Every rule is checked and all failures are reported together; a metric missing from the candidate
 * fails its rule. Where Slipway departs from MLflow, on purpose:
 * - No baseline model yet → change checks are skipped (TFX's behaviour), value checks still apply;
 *   MLflow would fail them. A baseline that exists but lacks the metric fails them, as in MLflow.
 * - Relative change divides by |baseline| as documented; MLflow's code divides by the signed baseline,
 *   which inverts the test for a negative baseline (e.g. a negative R²).
 * - An undefined value (null/NaN, e.g. a 0/0 fairness ratio) fails instead of slipping through NaN
 *   comparisons; greater_is_better defaults to true (MLflow requires it).
 */
import { SlipwayError } from '../errors.js';
import { type GateRule, type ParsedGateRule, parseGateRules } from './gate-schema.js';

/** MLflow's fallback margin when the baseline value is 0. */
export const ZERO_BASELINE_MARGIN = 1e-10;

export type CheckKind = 'threshold' | 'min_absolute_change' | 'min_relative_change';
export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckOutcome {
  readonly check: CheckKind;
  readonly status: CheckStatus;
  /** The rule's number: the threshold, δ or r. */
  readonly limit: number;
  /** The bound the candidate had to reach (≥ it when greater is better, ≤ otherwise); null if not evaluated. */
  readonly required: number | null;
  /** min_relative_change only: the candidate's improvement over the baseline as a share of |baseline|. */
  readonly relative_change?: number | null;
  readonly message: string;
}

export interface RuleOutcome {
  readonly metric: string;
  readonly greater_is_better: boolean;
  /** failed if any check failed; skipped if every check was skipped; else passed. */
  readonly status: CheckStatus;
  readonly candidate: number | null;
  readonly baseline: number | null;
  readonly checks: CheckOutcome[];
}

export interface GateResult {
  /** No check failed (skipped checks do not fail a gate). */
  readonly passed: boolean;
  readonly baseline_available: boolean;
  readonly rules: RuleOutcome[];
  /** Every failure message, in rule order. */
  readonly failures: string[];
}

/** Metric values as reports carry them: null (or NaN) means computed but undefined on this data. */
export type MetricValues = Readonly<Record<string, number | null | undefined>>;

const show = (v: number) => String(v);

export function evaluateGate(
  rules: readonly GateRule[],
  candidate: MetricValues,
  baseline: MetricValues | undefined,
): GateResult {
  const valid = parseGateRules(rules);
  const outcomes = valid.map((rule) => evaluateRule(rule, candidate, baseline));
  const failures = outcomes.flatMap((o) => o.checks.filter((c) => c.status === 'failed').map((c) => c.message));
  return {
    passed: failures.length === 0,
    baseline_available: baseline !== undefined,
    rules: outcomes,
    failures: [...new Set(failures)],
  };
}

function evaluateRule(rule: ParsedGateRule, cand: MetricValues, base: MetricValues | undefined): RuleOutcome {
  const { metric, greater_is_better: gib } = rule;
  const c = cand[metric];
  const b = base?.[metric];
  const candidate = typeof c === 'number' && !Number.isNaN(c) ? c : null;
  const baseline = typeof b === 'number' && !Number.isNaN(b) ? b : null;
  const better = (x: number, bound: number) => (gib ? x >= bound : x <= bound);
  const dir = gib ? '≥' : '≤';
  const checks: CheckOutcome[] = [];
  const candidateProblem =
    !(metric in cand) || c === undefined
      ? `metric '${metric}' was not computed for the candidate`
      : candidate === null
        ? `metric '${metric}' is undefined (NaN) for the candidate`
        : undefined;
  const fail = (check: CheckKind, limit: number, message: string): CheckOutcome => ({
    check,
    status: 'failed',
    limit,
    required: null,
    message,
  });

  if (rule.threshold !== undefined) {
    const t = rule.threshold;
    if (candidateProblem) checks.push(fail('threshold', t, candidateProblem));
    else {
      const ok = better(candidate as number, t);
      checks.push({
        check: 'threshold',
        status: ok ? 'passed' : 'failed',
        limit: t,
        required: t,
        message: `${metric} = ${show(candidate as number)} ${ok ? 'meets' : 'does not meet'} the threshold ${dir} ${show(t)}`,
      });
    }
  }

  for (const check of ['min_absolute_change', 'min_relative_change'] as const) {
    const limit = rule[check];
    if (limit === undefined) continue;
    // A missing candidate metric fails even without a baseline: the rule names a metric that should exist.
    if (candidateProblem) {
      checks.push(fail(check, limit, candidateProblem));
    } else if (base === undefined) {
      checks.push({ check, status: 'skipped', limit, required: null, message: `${metric} ${check}: skipped, no baseline` });
    } else if (baseline === null) {
      const why = b === undefined ? 'was not computed' : 'is undefined (NaN)';
      checks.push(fail(check, limit, `metric '${metric}' ${why} for the baseline, so ${check} cannot be checked`));
    } else {
      checks.push(changeCheck(check, limit, metric, candidate as number, baseline, gib));
    }
  }

  const status: CheckStatus = checks.some((x) => x.status === 'failed')
    ? 'failed'
    : checks.some((x) => x.status === 'passed')
      ? 'passed'
      : 'skipped';
  return { metric, greater_is_better: gib, status, candidate, baseline, checks };
}

function changeCheck(check: CheckKind, limit: number, metric: string, c: number, b: number, gib: boolean): CheckOutcome {
  const dir = gib ? '≥' : '≤';
  const sign = gib ? '+' : '−';
  const shift = (x: number, d: number) => (gib ? x + d : x - d);
  const better = (x: number, bound: number) => (gib ? x >= bound : x <= bound);
  const verdict = (ok: boolean) => (ok ? 'passed' : 'failed');
  if (check === 'min_absolute_change' || b === 0) {
    const margin = check === 'min_absolute_change' ? limit : ZERO_BASELINE_MARGIN;
    const required = shift(b, margin);
    const ok = better(c, required);
    const zeroNote = check === 'min_relative_change' ? ' (baseline is 0, so as in MLflow it must simply be beaten by 1e-10)' : '';
    return {
      check,
      status: verdict(ok),
      limit,
      required,
      ...(check === 'min_relative_change' && { relative_change: null }),
      message: `${metric} = ${show(c)} ${ok ? 'meets' : 'does not meet'} ${check}: ${dir} baseline ${show(b)} ${sign} ${show(margin)} = ${show(required)}${zeroNote}`,
    };
  }
  const rel = (gib ? c - b : b - c) / Math.abs(b);
  const ok = rel >= limit;
  return {
    check,
    status: verdict(ok),
    limit,
    required: shift(b, limit * Math.abs(b)),
    relative_change: rel,
    message:
      `${metric} = ${show(c)} ${ok ? 'meets' : 'does not meet'} min_relative_change: ` +
      `${gib ? 'improvement' : 'reduction'} over baseline ${show(b)} is ${show(rel)} of |baseline|, required ≥ ${show(limit)}`,
  };
}

/** Plain-text lines for a CLI or log: one per check, failures first. */
export function formatGateResult(result: GateResult): string {
  const lines = result.rules.flatMap((r) => r.checks.map((c) => `${c.status.toUpperCase().padEnd(7)} ${c.message}`));
  lines.sort((a, b) => Number(b.startsWith('FAILED')) - Number(a.startsWith('FAILED')));
  return [`Gate ${result.passed ? 'PASSED' : 'FAILED'}${result.baseline_available ? '' : ' (no baseline)'}`, ...lines].join('\n');
}

/** What is recorded on a candidate that passed its gate: against which baseline, and each rule's numbers. */
export interface Blessing {
  readonly format: 'slipway.blessing/v1';
  /** The baseline alias URI, and the version it resolved to (null when there was no baseline yet). */
  readonly baseline: { readonly uri: string; readonly version: string | null };
  readonly rules: RuleOutcome[];
}

export function blessingOf(result: GateResult, baseline: { uri: string; version?: string | number | null }): Blessing {
  if (!result.passed) {
    throw new SlipwayError('CHECK_FAILED', `a gate that failed cannot bless its candidate:\n${result.failures.join('\n')}`);
  }
  return {
    format: 'slipway.blessing/v1',
    baseline: { uri: baseline.uri, version: baseline.version == null ? null : String(baseline.version) },
    rules: result.rules,
  };
}
