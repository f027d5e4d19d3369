/**
 * The gate as written in a pipeline's YAML:
 *
 *   gate:
 *     baseline: models:/churn@production     # optional; default models:/<model>@production
 *     rules:
 *       - { metric: roc_auc, threshold: 0.8, min_absolute_change: 0.005 }
 *       - { metric: log_loss, min_relative_change: 0.01, greater_is_better: false }
 *       - { metric: fairness.sex.demographic_parity_ratio, threshold: 0.8 }
 *
 * Each rule takes MLflow MetricThreshold's constraints: at least one check; min_absolute_change > 0;
 * min_relative_change in [0, 1]. Unknown keys are errors (a misspelt check would otherwise be a
 * silently missing one).
 */
import { z } from 'zod';
import { closest } from '../config/index.js';
import { invalid } from '../errors.js';

export const gateRuleSchema = z
  .strictObject({
    metric: z.string().min(1, { error: 'must name a metric' }),
    threshold: z.number({ error: 'must be a number' }).optional(),
    min_absolute_change: z
      .number({ error: 'must be a number' })
      .positive({ error: 'must be a positive number (the smallest improvement over the baseline)' })
      .optional(),
    min_relative_change: z
      .number({ error: 'must be a number' })
      .min(0, { error: 'must be between 0 and 1 (a share of the baseline, 0.05 = 5%)' })
      .max(1, { error: 'must be between 0 and 1 (a share of the baseline, 0.05 = 5%)' })
      .optional(),
    greater_is_better: z.boolean({ error: 'must be true or false' }).default(true),
  })
  .refine((r) => r.threshold !== undefined || r.min_absolute_change !== undefined || r.min_relative_change !== undefined, {
    error: 'a rule needs at least one of threshold, min_absolute_change, min_relative_change',
  });

/** A rule as callers write it; greater_is_better defaults to true. */
export type GateRule = z.input<typeof gateRuleSchema>;
export type ParsedGateRule = z.output<typeof gateRuleSchema>;

const ALIAS_URI = /^models:\/([^/@\s]+)@([^/@\s]+)$/;

export const gateConfigSchema = z.strictObject({
  baseline: z.string().regex(ALIAS_URI, { error: "must be a registry alias URI like 'models:/churn@production'" }).optional(),
  rules: z.array(gateRuleSchema, { error: 'must be a list of rules' }).min(1, { error: 'needs at least one rule' }),
});

export type GateConfig = z.output<typeof gateConfigSchema>;

/** The baseline a gate compares against: its own `baseline`, else the model's @production alias. */
export function baselineUri(config: Pick<GateConfig, 'baseline'>, modelName: string): string {
  return config.baseline ?? `models:/${modelName}@production`;
}

/** Model name and alias of a `models:/NAME@ALIAS` URI. */
export function parseAliasUri(uri: string): { name: string; alias: string } {
  const m = ALIAS_URI.exec(uri);
  if (!m) throw invalid(`'${uri}' is not a registry alias URI like 'models:/churn@production'`);
  return { name: m[1] as string, alias: m[2] as string };
}

/** Validates a `gate:` block; every problem is listed in one error, each with its path. */
export function parseGateConfig(raw: unknown, where = 'gate'): GateConfig {
  const parsed = gateConfigSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw problemsError(where, parsed.error.issues, GATE_KEYS);
}

/** Validates rules given in code (the same constraints as in YAML). */
export function parseGateRules(rules: readonly GateRule[], where = 'gate.rules'): ParsedGateRule[] {
  const parsed = z.array(gateRuleSchema).safeParse(rules, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw problemsError(where, parsed.error.issues, RULE_KEYS);
}

const RULE_KEYS = ['metric', 'threshold', 'min_absolute_change', 'min_relative_change', 'greater_is_better'];
const GATE_KEYS = ['baseline', 'rules'];

function problemsError(where: string, issues: readonly z.core.$ZodIssue[], topKeys: readonly string[]) {
  const lines = issues.flatMap((iss) => {
    const path = where + iss.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    if (iss.code === 'unrecognized_keys') {
      const known = iss.path.length === 0 ? topKeys : RULE_KEYS;
      return iss.keys.map((key) => `${path}.${key}: unknown key${suggest(key, known)}`);
    }
    // reportInput makes zod keep the offending value, so an absent key reads "missing", not "must be a number".
    const missing = iss.code === 'invalid_type' && iss.input === undefined;
    if (missing) return [`${path}: missing`];
    return [iss.code === 'custom' ? `${path}: ${iss.message}` : `${path}: ${iss.message}, got ${show(iss.input)}`];
  });
  return invalid(`invalid ${where}:\n  - ${lines.join('\n  - ')}`, { problems: lines });
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  return v !== null && typeof v === 'object' ? (Array.isArray(v) ? 'a list' : 'a mapping') : String(v);
}

/** "did you mean" for a near-miss key (edit distance ≤ 3), else the keys there are. */
function suggest(key: string, known: readonly string[]): string {
  const best = closest(key, known, 3);
  return best ? ` (did you mean '${best}'?)` : ` (expected one of ${known.join(', ')})`;
}
