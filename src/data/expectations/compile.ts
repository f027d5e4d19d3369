/**
 * Turns one expectation as written (type, kwargs, meta) into what the validator runs: the registered
 * definition, parsed arguments (suite parameters resolved), the row_condition parsed, the result format.
 * Shared by the file loader (which knows lines) and by suites built in code.
 */
import { SlipwayError } from '../../errors.js';
import { lookupExpectation, suggestExpectation } from './registry.js';
import { parseResultFormat, type ResultFormatInput } from './result-format.js';
import { parseRowCondition, type Expr } from './row-condition-parse.js';
import { resolveParameters } from './suite-parameters.js';
import type { ExpectationConfig, ExpectationDefinition, ResultFormat } from './types.js';

export interface SuiteLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface LoadOptions {
  /** Shown in error messages (file:line:col). */
  readonly file?: string;
  /** Values for `{"$PARAMETER": ...}` kwargs. */
  readonly suiteParameters?: Readonly<Record<string, unknown>>;
  /** The time `now()` means in suite parameters (default: the load time). */
  readonly now?: Date;
}

export interface LoadedExpectation {
  /** As written, for the result's expectation_config. */
  readonly config: ExpectationConfig;
  readonly definition: ExpectationDefinition;
  readonly args: unknown;
  readonly rowCondition: Expr | undefined;
  readonly resultFormat: ResultFormat | undefined;
  readonly catchExceptions: boolean | undefined;
  readonly location: SuiteLocation | undefined;
}

export interface ExpectationSuite {
  readonly name: string | null;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly expectations: readonly LoadedExpectation[];
}

export type Locator = (kwarg?: string) => SuiteLocation | undefined;

export function fail(loc: SuiteLocation | undefined, message: string, context: Record<string, unknown> = {}): never {
  const where = loc ? `${loc.file}:${loc.line}:${loc.col}: ` : '';
  throw new SlipwayError('INVALID_PARAMETER_VALUE', `${where}${message}`, { ...loc, ...context });
}

const PARSERS = ['great_expectations', 'great_expectations__experimental__', 'pandas', 'spark', 'spark_sql'];

export function compileExpectation(
  written: string,
  kwargs: Readonly<Record<string, unknown>>,
  meta: Readonly<Record<string, unknown>>,
  locate: Locator,
  options: LoadOptions = {},
): LoadedExpectation {
  const type = lookupExpectation(written) || !lookupExpectation(`expect_${written}`) ? written : `expect_${written}`;
  const definition = lookupExpectation(type);
  if (!definition) {
    const hint = suggestExpectation(written);
    return fail(locate(), `unknown expectation '${written}'${hint ? ` (did you mean '${hint}'?)` : ''}`, {
      expectation: written,
    });
  }
  const now = options.now ?? new Date();
  const resolved: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) {
    try {
      resolved[k] = resolveParameters(v, options.suiteParameters ?? {}, now);
    } catch (e) {
      fail(locate(k), `${type}: kwarg '${k}': ${(e as Error).message}`, { expectation: type, kwarg: k });
    }
  }
  const parsed = definition.parse(resolved);
  if (!parsed.ok) {
    const first = parsed.issues[0];
    return fail(locate(first?.kwarg), `${type}: ${parsed.issues.map((i) => i.message).join('; ')}`, {
      expectation: type,
      kwarg: first?.kwarg,
    });
  }
  let rowCondition: Expr | undefined;
  const condition = resolved.row_condition;
  if (typeof condition === 'string' && condition.trim() !== '') {
    const parser = resolved.condition_parser ?? 'pandas';
    if (!PARSERS.includes(parser as string)) {
      fail(
        locate('condition_parser'),
        `${type}: condition_parser '${String(parser)}' is not a valid enumeration member (use 'pandas')`,
        { expectation: type, kwarg: 'condition_parser' },
      );
    }
    if (parser !== 'pandas')
      fail(
        locate('condition_parser'),
        `${type}: condition_parser '${String(parser)}' is not supported; row conditions use pandas syntax`,
      );
    try {
      rowCondition = parseRowCondition(condition);
    } catch (e) {
      fail(locate('row_condition'), `${type}: invalid row_condition '${condition}': ${(e as Error).message}`, {
        expectation: type,
        kwarg: 'row_condition',
      });
    }
  }
  const rf = resolved.result_format as ResultFormatInput | null | undefined;
  const catchExceptions = resolved.catch_exceptions;
  return {
    config: { expectation_type: type, kwargs: { ...kwargs }, meta: { ...meta } },
    definition,
    args: parsed.args,
    rowCondition,
    resultFormat: rf === null || rf === undefined ? undefined : parseResultFormat(rf),
    catchExceptions: typeof catchExceptions === 'boolean' ? catchExceptions : undefined,
    location: locate(),
  };
}

/** A suite from configurations in code (GE's ExpectationConfiguration shape); errors name the index. */
export function buildSuite(
  expectations: readonly (Omit<ExpectationConfig, 'meta'> & { meta?: Readonly<Record<string, unknown>> })[],
  name: string | null = null,
  options: LoadOptions = {},
): ExpectationSuite {
  return {
    name,
    meta: {},
    expectations: expectations.map((e, i) => {
      try {
        return compileExpectation(e.expectation_type, e.kwargs, e.meta ?? {}, () => undefined, options);
      } catch (err) {
        if (err instanceof SlipwayError)
          throw new SlipwayError(err.code, `expectations[${i}]: ${err.message}`, { ...err.context, index: i });
        throw err;
      }
    }),
  };
}
