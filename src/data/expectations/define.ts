/**
 * Building blocks for expectation definitions: the kwargs every expectation accepts (GE's runtime
 * keys), `mostly`, comparable bounds, and `define`, which turns a zod schema plus a factory into a
 * registry entry whose kwarg errors name the kwarg and say what is wrong in plain words.
 */
import { z } from 'zod';
import { parseDateutil } from './date-parse.js';
import { resultFormatSchema } from './result-format.js';
import type { Accumulator, ArgIssue, CreateContext, ExpectationDefinition } from './types.js';

/** Keys GE accepts on every expectation; the validator reads them, the factories ignore them. */
export const commonKwargs = {
  result_format: resultFormatSchema.nullable().optional(),
  row_condition: z.string().nullable().optional(),
  condition_parser: z.string().nullable().optional(),
  catch_exceptions: z.boolean().nullable().optional(),
  include_config: z.boolean().nullable().optional(),
  batch_id: z.string().nullable().optional(),
  meta: z.record(z.string(), z.unknown()).nullable().optional(),
  notes: z.unknown().optional(),
  // GE 0.x kwargs that 1.x dropped; accepted so that older suites still load (ignored where unused).
  parse_strings_as_datetimes: z.boolean().nullable().optional(),
  allow_cross_type_comparisons: z.boolean().nullable().optional(),
  output_strftime_format: z.string().nullable().optional(),
};

export const column = z.string().min(1, 'must be a non-empty column name');

export const mostly = z
  .number()
  .gte(0, 'must be greater than or equal to 0')
  .lte(1, 'must be less than or equal to 1')
  .nullable()
  .optional()
  .transform((v) => v ?? 1);

/** A number that may be infinite (YAML .inf, JSON from Python); zod's number() refuses infinities. */
export const anyNumber = z.custom<number>((v) => typeof v === 'number' && !Number.isNaN(v), 'must be a number');

/** GE's Comparable: a number, a string (date or text) or a Date. */
export const comparable = z
  .union([anyNumber, z.string(), z.date()])
  .nullable()
  .optional()
  .transform((v) => v ?? null);

/** An integer kwarg (lengths, counts). */
export const integer = z.number({ error: 'must be an integer' }).int('must be an integer');

/**
 * A bound for a numeric metric: a number, or (as GE's Comparable allows) a date, written as a string
 * dateutil can parse or given as a Date; any other string is an error at load time.
 */
export const numericBound = z
  .union([anyNumber, z.date(), z.string()])
  .nullable()
  .optional()
  .transform((v) => v ?? null)
  .superRefine((v, ctx) => {
    if (typeof v === 'string' && parseDateutil(v) === undefined)
      ctx.addIssue({ code: 'custom', message: `must be a number or a date ('${v}' is an invalid datetime format)` });
  });

export const flag = z
  .boolean()
  .nullable()
  .optional()
  .transform((v) => v ?? false);

export interface DefinitionSpec<S extends z.ZodType> {
  readonly type: string;
  readonly kind: ExpectationDefinition['kind'];
  readonly schema: S;
  readonly columns: (args: z.output<S>) => string[];
  readonly create: (args: z.output<S>, ctx: CreateContext) => Accumulator;
}

export function define<S extends z.ZodType>(spec: DefinitionSpec<S>): ExpectationDefinition {
  return {
    type: spec.type,
    kind: spec.kind,
    parse(kwargs) {
      const r = spec.schema.safeParse(kwargs);
      if (r.success) return { ok: true, args: r.data };
      return { ok: false, issues: r.error.issues.flatMap((issue) => describeIssue(issue, kwargs)) };
    },
    columns: (args) => spec.columns(args as z.output<S>),
    create: (args, ctx) => spec.create(args as z.output<S>, ctx),
  };
}

const ARTICLE: Record<string, string> = {
  int: 'an integer',
  object: 'a mapping',
  array: 'a list',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
};

function describeIssue(issue: z.core.$ZodIssue, kwargs: Readonly<Record<string, unknown>>): ArgIssue[] {
  const kwarg = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
  const nested = issue.path.length > 1 ? ` (at ${issue.path.slice(1).join('.')})` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({ kwarg: k, message: `unknown kwarg '${k}'` }));
    case 'invalid_type': {
      if (kwarg !== undefined && issue.path.length === 1 && kwargs[kwarg] === undefined)
        return [{ kwarg, message: `kwarg '${kwarg}' is required` }];
      if (!issue.message.startsWith('Invalid input')) return [{ kwarg, message: `kwarg '${kwarg}'${nested} ${issue.message}` }];
      const what = ARTICLE[issue.expected] ?? issue.expected;
      return [{ kwarg, message: `kwarg '${kwarg}'${nested} must be ${what}` }];
    }
    case 'invalid_value':
      return [
        { kwarg, message: `kwarg '${kwarg}'${nested} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` },
      ];
    case 'invalid_union': {
      const input = kwarg === undefined ? undefined : kwargs[kwarg];
      if (kwarg !== undefined && input === undefined) return [{ kwarg, message: `kwarg '${kwarg}' is required` }];
      return [{ kwarg, message: `kwarg '${kwarg}'${nested} has an invalid value ${JSON.stringify(input) ?? ''}`.trimEnd() }];
    }
    default:
      // Cross-field messages already start with the kwarg's name ("min_value cannot be ...").
      if (kwarg === undefined || issue.message.startsWith(kwarg)) return [{ kwarg, message: issue.message }];
      return [{ kwarg, message: `kwarg '${kwarg}'${nested} ${issue.message}` }];
  }
}

/** Cross-field checks of min_value/max_value shared by the "between" expectations. */
export function checkBounds(
  v: { min_value?: unknown; max_value?: unknown },
  ctx: z.core.$RefinementCtx,
  opts: { bothNullAllowed: boolean },
): void {
  const min = v.min_value ?? null;
  const max = v.max_value ?? null;
  if (min === null && max === null && !opts.bothNullAllowed) {
    ctx.addIssue({
      code: 'custom',
      path: ['min_value'],
      message: 'min_value and max_value cannot both be None (null): give at least one bound',
    });
  }
  if (min !== null && max !== null && typeof min === typeof max && (min as number) > (max as number)) {
    ctx.addIssue({ code: 'custom', path: ['min_value'], message: 'min_value cannot be greater than max_value' });
  }
}
