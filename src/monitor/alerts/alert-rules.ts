/**
 * Alert rules as written under a monitor in slipway.yaml. A rule watches one figure of a monitor run
 * and says what to do when it breaches:
 *
 *   alerts:
 *     - name: dataset-drift
 *       when: { drift_share: { above: 0.5 } }        # share of drifted columns
 *       actions: [log, { webhook: { url: https://hooks.example.com/slipway, secret_env: SLIPWAY_HOOK_SECRET } }]
 *     - name: age-shift
 *       when: { column: age, statistic: { above: 0.2 } }   # or p_value: { below: 0.01 }, or drifted: true
 *     - name: accuracy-decay
 *       when: { metric: accuracy, below: 0.8 }
 *       actions: [log, { retrain: { pipeline: slipway.yaml, with: { epochs: 20 } } }]
 *     - name: errors
 *       when: { error_rate: { above: 0.01 } }
 *     - name: slow
 *       when: { p99_latency_ms: { above: 50 } }
 *
 * `above: x` breaches when the figure is greater than x, `below: x` when it is less (the boundary
 * itself holds). `actions` defaults to `[log]`. Unknown keys are errors, so a misspelt threshold is
 * not a silently missing one; every problem names the rule (index and name) and the field.
 */
import { z } from 'zod';
import { closest } from '../../config/index.js';
import { invalid } from '../../errors.js';

/** `above: x` breaches when the figure > x; `below: x` when it < x. */
export interface Comparison {
  readonly op: 'above' | 'below';
  readonly value: number;
}

export type AlertCondition =
  | { readonly kind: 'drift_share'; readonly compare: Comparison }
  | { readonly kind: 'column_statistic'; readonly column: string; readonly compare: Comparison }
  | { readonly kind: 'column_p_value'; readonly column: string; readonly compare: Comparison }
  | { readonly kind: 'column_drifted'; readonly column: string }
  | { readonly kind: 'metric'; readonly metric: string; readonly compare: Comparison }
  | { readonly kind: 'error_rate'; readonly compare: Comparison }
  | { readonly kind: 'p99_latency_ms'; readonly compare: Comparison };

export type LogLevelName = 'info' | 'warn' | 'error';

export interface LogAction {
  readonly kind: 'log';
  /** The level of 'fired' lines ('resolved' lines are info). @default 'warn' */
  readonly level: LogLevelName;
}

export interface WebhookAction {
  readonly kind: 'webhook';
  /** http:// or https:// only. */
  readonly url: string;
  /** HMAC-SHA256 key for the `x-slipway-signature` header. */
  readonly secret?: string;
  /** The name of an environment variable holding the secret (keeps it out of slipway.yaml). */
  readonly secretEnv?: string;
  /** Per attempt. @default 5000 */
  readonly timeoutMs?: number;
  /** @default 5 */
  readonly maxAttempts?: number;
}

export interface RetrainAction {
  readonly kind: 'retrain';
  /** A pipeline file (e.g. 'slipway.yaml') or a pipeline's name. */
  readonly pipeline: string;
  /** Parameters passed to the run, beside the alert's window. */
  readonly with: Readonly<Record<string, string | number | boolean>>;
}

export type AlertAction = LogAction | WebhookAction | RetrainAction;

export interface AlertRule {
  /** Unique within its monitor; alerts are kept per (monitor, rule name). */
  readonly name: string;
  readonly description?: string;
  readonly when: AlertCondition;
  readonly actions: readonly AlertAction[];
}

const number = () => z.number({ error: 'must be a number' });

/** `{above: x}` or `{below: x}`, x within [min, max] when given. */
function bound(min?: number, max?: number) {
  const range = max === undefined ? `at least ${min}` : `between ${min} and ${max}`;
  let n = number();
  if (min !== undefined) n = n.min(min, { error: `must be ${range}` });
  if (max !== undefined) n = n.max(max, { error: `must be ${range}` });
  return z
    .strictObject({ above: n.optional(), below: n.optional() }, { error: 'must be a mapping like {above: 0.5} or {below: 0.5}' })
    .refine((b) => (b.above === undefined) !== (b.below === undefined), { error: 'needs exactly one of above or below' })
    .transform((b): Comparison => (b.above !== undefined ? { op: 'above', value: b.above } : { op: 'below', value: b.below ?? NaN }));
}

const FIGURES = ['drift_share', 'column', 'metric', 'error_rate', 'p99_latency_ms'] as const;
const COLUMN_TESTS = ['statistic', 'p_value', 'drifted'] as const;
const WHEN_KEYS = [...FIGURES, ...COLUMN_TESTS, 'above', 'below'];

const whenSchema = z
  .strictObject(
    {
      drift_share: bound(0, 1).optional(),
      error_rate: bound(0, 1).optional(),
      p99_latency_ms: bound(0).optional(),
      column: z.string({ error: 'must be a column name' }).min(1, { error: 'must be a column name' }).optional(),
      statistic: bound().optional(),
      p_value: bound(0, 1).optional(),
      drifted: z.literal(true, { error: 'must be true (the rule breaches when the column drifted)' }).optional(),
      metric: z.string({ error: 'must be a metric name' }).min(1, { error: 'must be a metric name' }).optional(),
      above: number().optional(),
      below: number().optional(),
    },
    { error: 'must be a mapping naming one figure, e.g. {drift_share: {above: 0.5}}' },
  )
  .superRefine((w, ctx) => {
    const figures = FIGURES.filter((f) => w[f] !== undefined);
    const tests = COLUMN_TESTS.filter((t) => w[t] !== undefined);
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (figures.length === 0 && tests.length > 0) return problem(`${tests.join(', ')} needs 'column' (which column's drift test)`);
    if (figures.length === 0) return problem(`names no figure: use one of ${FIGURES.join(', ')}`);
    if (figures.length > 1) return problem(`names ${figures.join(' and ')}: a rule watches one figure (write one rule each)`);
    if (w.column !== undefined) {
      if (tests.length !== 1) return problem(`column '${w.column}' needs exactly one of statistic, p_value, drifted`);
    } else if (tests.length > 0) {
      return problem(`${tests.join(', ')} needs 'column' (which column's drift test)`);
    }
    const bounds = (['above', 'below'] as const).filter((b) => w[b] !== undefined);
    if (w.metric !== undefined) {
      if (bounds.length !== 1) return problem(`metric '${w.metric}' needs exactly one of above or below`);
    } else if (bounds.length > 0) {
      return problem(`${bounds.join(', ')} at this level goes with 'metric'; other figures nest it, e.g. drift_share: {above: 0.5}`);
    }
  })
  .transform((w): AlertCondition => {
    if (w.drift_share) return { kind: 'drift_share', compare: w.drift_share };
    if (w.error_rate) return { kind: 'error_rate', compare: w.error_rate };
    if (w.p99_latency_ms) return { kind: 'p99_latency_ms', compare: w.p99_latency_ms };
    if (w.column !== undefined) {
      if (w.statistic) return { kind: 'column_statistic', column: w.column, compare: w.statistic };
      if (w.p_value) return { kind: 'column_p_value', column: w.column, compare: w.p_value };
      return { kind: 'column_drifted', column: w.column };
    }
    const compare: Comparison = w.above !== undefined ? { op: 'above', value: w.above } : { op: 'below', value: w.below ?? NaN };
    return { kind: 'metric', metric: w.metric ?? '', compare };
  });

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True for http:// and https:// URLs with a host: the only webhook targets allowed. */
export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

const webhookSchema = z
  .strictObject(
    {
      url: z.string({ error: 'must be a URL' }).refine(isHttpUrl, { error: 'must be an http:// or https:// URL' }),
      secret: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
      secret_env: z.string({ error: 'must be an environment variable name' }).regex(ENV_NAME, { error: 'must be an environment variable name' }).optional(),
      timeout_ms: number().int({ error: 'must be a whole number' }).positive({ error: 'must be positive' }).optional(),
      max_attempts: number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(20, { error: 'must be at most 20' }).optional(),
    },
    { error: 'must be a mapping like {url: https://…}' },
  )
  .refine((w) => w.secret === undefined || w.secret_env === undefined, { error: 'give secret or secret_env, not both' });

const retrainSchema = z.strictObject(
  {
    pipeline: z.string({ error: "must name a pipeline file or pipeline, e.g. 'slipway.yaml'" }).min(1, { error: 'must not be empty' }),
    with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]), { error: 'must be a mapping of parameters' }).optional(),
  },
  { error: 'must be a mapping like {pipeline: slipway.yaml}' },
);

const ACTION_KINDS = ['log', 'webhook', 'retrain'] as const;

const actionSchema = z
  .preprocess(
    (v) => (v === 'log' ? { log: null } : v),
    z.strictObject(
      {
        log: z.strictObject({ level: z.enum(['info', 'warn', 'error'], { error: 'must be info, warn or error' }).optional() }).nullable().optional(),
        webhook: webhookSchema.optional(),
        retrain: retrainSchema.optional(),
      },
      { error: "must be 'log' or a mapping with one of log, webhook, retrain" },
    ),
  )
  .superRefine((a, ctx) => {
    const kinds = ACTION_KINDS.filter((k) => a[k] !== undefined);
    if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `needs exactly one of ${ACTION_KINDS.join(', ')}${kinds.length ? ` (got ${kinds.join(', ')})` : ''}` });
  })
  .transform((a): AlertAction => {
    if (a.webhook) {
      const w = a.webhook;
      return {
        kind: 'webhook', url: w.url,
        ...(w.secret !== undefined ? { secret: w.secret } : {}),
        ...(w.secret_env !== undefined ? { secretEnv: w.secret_env } : {}),
        ...(w.timeout_ms !== undefined ? { timeoutMs: w.timeout_ms } : {}),
        ...(w.max_attempts !== undefined ? { maxAttempts: w.max_attempts } : {}),
      };
    }
    if (a.retrain) return { kind: 'retrain', pipeline: a.retrain.pipeline, with: a.retrain.with ?? {} };
    return { kind: 'log', level: a.log?.level ?? 'warn' };
  });

const RULE_NAME = /^[A-Za-z0-9][\w.-]{0,127}$/;

/** One rule, YAML in, `AlertRule` out: embed it in a larger config schema. */
export const alertRuleSchema = z
  .strictObject(
    {
      name: z.string({ error: 'must be a name' }).regex(RULE_NAME, { error: "must be letters, digits, '_', '.' or '-' (at most 128, starting with a letter or digit)" }),
      description: z.string({ error: 'must be a string' }).optional(),
      when: whenSchema,
      actions: z.array(actionSchema, { error: 'must be a list of actions' }).optional(),
    },
    { error: 'must be a mapping with name, when and actions' },
  )
  .transform((r): AlertRule => ({
    name: r.name,
    ...(r.description !== undefined ? { description: r.description } : {}),
    when: r.when,
    actions: r.actions ?? [{ kind: 'log', level: 'warn' }],
  }));

/** A monitor's list of rules; names must be unique within it. */
export const alertRulesSchema = z.array(alertRuleSchema, { error: 'must be a list of alert rules' }).superRefine((rules, ctx) => {
  const seen = new Map<string, number>();
  rules.forEach((r, i) => {
    const first = seen.get(r.name);
    if (first !== undefined) ctx.addIssue({ code: 'custom', message: `rule name '${r.name}' is also used by rule [${first}]: names must be unique`, path: [i, 'name'] });
    else seen.set(r.name, i);
  });
});

/**
 * Validates a monitor's `alerts:` list. Throws INVALID_PARAMETER_VALUE listing every problem, each
 * as `<where>[i] (rule-name).field: what is wrong, got …`.
 *
 * @example
 *   parseAlertRules([{ name: 'drift', when: { drift_share: { above: 0.5 } } }], 'monitors.churn.alerts');
 */
export function parseAlertRules(raw: unknown, where = 'alerts'): AlertRule[] {
  const parsed = alertRulesSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.flatMap((iss) => describeIssue(iss, raw, where));
  throw invalid(`invalid ${where}:\n  - ${lines.join('\n  - ')}`, { problems: lines });
}

function describeIssue(iss: z.core.$ZodIssue, raw: unknown, where: string): string[] {
  const [index, ...rest] = iss.path;
  let head = where;
  if (typeof index === 'number') {
    const name = Array.isArray(raw) ? (raw[index] as { name?: unknown } | undefined)?.name : undefined;
    head += `[${index}]${typeof name === 'string' ? ` (${name})` : ''}`;
  }
  const path = head + rest.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  if (iss.code === 'unrecognized_keys') return iss.keys.map((key) => `${path}.${key}: unknown key${suggest(key, knownKeys(iss.path))}`);
  if (iss.code === 'invalid_type' && iss.input === undefined) return [`${path}: missing`];
  return [iss.code === 'custom' || iss.input === undefined ? `${path}: ${iss.message}` : `${path}: ${iss.message}, got ${show(iss.input)}`];
}

/** The keys allowed at a path, for "did you mean". */
function knownKeys(path: readonly PropertyKey[]): readonly string[] {
  const last = path.at(-1);
  if (typeof last === 'number') return path.includes('actions') ? ACTION_KINDS : ['name', 'description', 'when', 'actions'];
  switch (last) {
    case 'when': return WHEN_KEYS;
    case 'webhook': return ['url', 'secret', 'secret_env', 'timeout_ms', 'max_attempts'];
    case 'retrain': return ['pipeline', 'with'];
    case 'log': return ['level'];
    default: return ['above', 'below'];
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  return v !== null && typeof v === 'object' ? (Array.isArray(v) ? 'a list' : 'a mapping') : String(v);
}

/** "did you mean" for a near-miss key (edit distance ≤ 2), else the keys there are. */
function suggest(key: string, known: readonly string[]): string {
  const best = closest(key, known, 2);
  return best ? ` (did you mean '${best}'?)` : ` (expected one of ${known.join(', ')})`;
}
