/**
 * The shapes shared by the expectation engine: a suite's expectations are compiled into accumulators
 * that see the data chunk by chunk (`consume`) and report once at the end (`finish`), so a file larger
 * than memory is validated in one streaming pass. Result objects follow Great Expectations' JSON shape
 * so existing tooling (and people who know GE) can read them unchanged.
 */
import type { Table } from '../table.js';

export type ResultFormatLevel = 'BOOLEAN_ONLY' | 'BASIC' | 'SUMMARY' | 'COMPLETE';

/** GE's result_format, parsed. */
export interface ResultFormat {
  readonly level: ResultFormatLevel;
  /** How many unexpected values the partial lists keep (GE's default 20). */
  readonly partialUnexpectedCount: number;
  /** Columns whose values identify an unexpected row instead of its row number. */
  readonly unexpectedIndexColumnNames: readonly string[] | undefined;
  readonly excludeUnexpectedValues: boolean;
}

/** One expectation as written in a suite (GE's ExpectationConfiguration). */
export interface ExpectationConfig {
  readonly expectation_type: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly meta: Readonly<Record<string, unknown>>;
}

/** What an accumulator reports: GE's `success` and `result` fields. */
export interface ExpectationOutcome {
  readonly success: boolean;
  readonly result: Record<string, unknown>;
}

/**
 * The streaming state of one expectation. Chunks arrive in row order; `mask` (from a row_condition)
 * marks with 1 the rows the expectation considers, and rows marked 0 do not exist for it.
 */
export interface Accumulator {
  consume(chunk: Table, mask: Uint8Array | undefined): void;
  finish(): ExpectationOutcome;
}

export interface CreateContext {
  readonly resultFormat: ResultFormat;
}

/** A registered expectation type with its argument schema, already erased to `unknown` args. */
export interface ExpectationDefinition {
  readonly type: string;
  readonly kind: 'map' | 'aggregate' | 'table';
  /** Validates kwargs; returns the parsed arguments or zod-style issues. */
  parse(kwargs: Readonly<Record<string, unknown>>): { ok: true; args: unknown } | { ok: false; issues: readonly ArgIssue[] };
  /** Columns that must exist in the data; a missing one fails this expectation only (as GE does). */
  columns(args: unknown): string[];
  create(args: unknown, ctx: CreateContext): Accumulator;
}

/** A problem with one kwarg (`kwarg` undefined: the kwargs as a whole). */
export interface ArgIssue {
  readonly kwarg: string | undefined;
  readonly message: string;
}

/**
 * An error raised while evaluating data (not while loading the suite). The validator turns it into the
 * expectation's exception_info, as GE does with catch_exceptions, and the other expectations still run.
 * `pythonName` names GE's exception class for the traceback text (TypeError, ValueError).
 */
export class ExpectationError extends Error {
  override readonly name = 'ExpectationError';
  constructor(
    message: string,
    readonly pythonName: 'TypeError' | 'ValueError' | 'KeyError' = 'ValueError',
  ) {
    super(message);
  }
}

export interface ExceptionInfo {
  readonly raised_exception: boolean;
  readonly exception_message: string | null;
  readonly exception_traceback: string | null;
}

/** GE's ExpectationValidationResult. */
export interface ExpectationValidationResult {
  readonly expectation_config: ExpectationConfig;
  readonly success: boolean;
  readonly result: Record<string, unknown>;
  readonly meta: Record<string, unknown>;
  readonly exception_info: ExceptionInfo;
}

/** GE's ExpectationSuiteValidationResult (the `--json` output). */
export interface SuiteValidationResult {
  readonly success: boolean;
  readonly suite_name: string | null;
  readonly statistics: {
    readonly evaluated_expectations: number;
    readonly successful_expectations: number;
    readonly unsuccessful_expectations: number;
    readonly success_percent: number | null;
  };
  readonly results: ExpectationValidationResult[];
}
