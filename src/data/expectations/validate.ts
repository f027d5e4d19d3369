/**
 * Runs a suite over a table or a stream of chunks in one pass. Each expectation gets its accumulator;
 * each chunk is offered to all of them (row conditions are evaluated once per distinct condition and
 * chunk). An expectation whose column is missing, or whose evaluation raises, fails alone with GE's
 * exception_info while the others run on, unless catch_exceptions is false.
 */
import { SlipwayError } from '../../errors.js';
import type { Table } from '../table.js';
import type { ExpectationSuite, LoadedExpectation } from './compile.js';
import { conditionColumns } from './row-condition-parse.js';
import { evaluateCondition } from './row-condition.js';
import { DEFAULT_RESULT_FORMAT, parseResultFormat, type ResultFormatInput } from './result-format.js';
import {
  ExpectationError,
  type Accumulator,
  type ExpectationValidationResult,
  type ResultFormat,
  type SuiteValidationResult,
} from './types.js';

export interface ValidateOptions {
  /** Suite-wide result format (default SUMMARY); a result_format kwarg overrides it per expectation. */
  readonly resultFormat?: ResultFormatInput;
  /** false: a raising expectation aborts validation (GE's catch_exceptions=False). Default true. */
  readonly catchExceptions?: boolean;
}

export interface Validator {
  consume(chunk: Table): void;
  finish(): SuiteValidationResult;
}

interface Slot {
  readonly e: LoadedExpectation;
  readonly rf: ResultFormat;
  readonly acc: Accumulator | undefined;
  error: Error | undefined;
  checked: boolean;
}

export function createValidator(suite: ExpectationSuite, options: ValidateOptions = {}): Validator {
  const suiteFormat = options.resultFormat === undefined ? DEFAULT_RESULT_FORMAT : parseResultFormat(options.resultFormat);
  const slots: Slot[] = suite.expectations.map((e) => {
    const rf = e.resultFormat ?? suiteFormat;
    try {
      return { e, rf, acc: e.definition.create(e.args, { resultFormat: rf }), error: undefined, checked: false };
    } catch (err) {
      return { e, rf, acc: undefined, error: err as Error, checked: true };
    }
  });
  const raise = (s: Slot, err: unknown) => {
    const catching = s.e.catchExceptions ?? options.catchExceptions ?? true;
    if (!catching || !(err instanceof ExpectationError)) {
      if (err instanceof ExpectationError)
        throw new SlipwayError('INVALID_PARAMETER_VALUE', `${s.e.config.expectation_type}: ${err.message}`, {
          expectation: s.e.config.expectation_type,
        });
      throw err;
    }
    s.error = err;
  };
  return {
    consume(chunk) {
      const masks = new Map<string, Uint8Array>();
      for (const s of slots) {
        if (s.error || !s.acc) continue;
        try {
          if (!s.checked) {
            s.checked = true;
            const needed = [
              ...s.e.definition.columns(s.e.args),
              ...(s.e.rowCondition ? conditionColumns(s.e.rowCondition) : []),
              ...(s.rf.unexpectedIndexColumnNames ?? []),
            ];
            const missing = needed.find((c) => !chunk.columns.some((col) => col.name === c));
            if (missing !== undefined) throw new ExpectationError(`column '${missing}' does not exist`, 'KeyError');
          }
          let mask: Uint8Array | undefined;
          const condition = s.e.rowCondition;
          if (condition) {
            const key = String(s.e.config.kwargs.row_condition);
            mask = masks.get(key);
            if (!mask) masks.set(key, (mask = evaluateCondition(condition, chunk)));
          }
          s.acc.consume(chunk, mask);
        } catch (err) {
          raise(s, err);
        }
      }
    },
    finish() {
      const results = slots.map((s): ExpectationValidationResult => {
        let outcome: { success: boolean; result: Record<string, unknown> } | undefined;
        if (!s.error && s.acc) {
          try {
            if (!s.checked) {
              // No chunk at all: the columns an expectation needs cannot exist.
              const needed = s.e.definition.columns(s.e.args);
              if (needed.length > 0) throw new ExpectationError(`column '${needed[0]}' does not exist`, 'KeyError');
            }
            outcome = s.acc.finish();
          } catch (err) {
            raise(s, err);
          }
        }
        const config = s.e.config;
        if (s.error || !outcome) {
          const err = s.error ?? new Error('no result');
          const python = err instanceof ExpectationError ? err.pythonName : 'Exception';
          return {
            expectation_config: config,
            success: false,
            result: {},
            meta: {},
            exception_info: {
              raised_exception: true,
              exception_message: err.message,
              exception_traceback: `${python}: ${err.message}`,
            },
          };
        }
        const result = s.rf.level === 'BOOLEAN_ONLY' ? {} : outcome.result;
        return {
          expectation_config: config,
          success: outcome.success,
          result,
          meta: {},
          exception_info: { raised_exception: false, exception_message: null, exception_traceback: null },
        };
      });
      const ok = results.filter((r) => r.success).length;
      return {
        success: ok === results.length,
        suite_name: suite.name,
        statistics: {
          evaluated_expectations: results.length,
          successful_expectations: ok,
          unsuccessful_expectations: results.length - ok,
          success_percent: results.length > 0 ? (ok / results.length) * 100 : null,
        },
        results,
      };
    },
  };
}

export function validateTable(suite: ExpectationSuite, table: Table, options?: ValidateOptions): SuiteValidationResult {
  const v = createValidator(suite, options);
  v.consume(table);
  return v.finish();
}

export async function validateChunks(
  suite: ExpectationSuite,
  chunks: AsyncIterable<Table> | Iterable<Table>,
  options?: ValidateOptions,
): Promise<SuiteValidationResult> {
  const v = createValidator(suite, options);
  for await (const chunk of chunks) v.consume(chunk);
  return v.finish();
}
