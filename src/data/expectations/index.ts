/**
 * Data validation with Great Expectations' suites, semantics and result shape, streaming: a suite is
 * loaded once (errors carry file:line:col), then validated over a table or over chunks of any size.
 *
 * @example
 *   const suite = loadSuite(readFileSync('suite.yaml', 'utf8'), { file: 'suite.yaml' });
 *   const result = await validateChunks(suite, csvChunks(path, opts, stats), { resultFormat: 'SUMMARY' });
 *   if (!result.success) process.exitCode = 1;
 */
export { loadSuite } from './suite.js';
export { buildSuite, compileExpectation } from './compile.js';
export type { ExpectationSuite, LoadedExpectation, LoadOptions, SuiteLocation } from './compile.js';
export { createValidator, validateChunks, validateTable } from './validate.js';
export type { ValidateOptions, Validator } from './validate.js';
export { expectationTypes, lookupExpectation } from './registry.js';
export { parseResultFormat } from './result-format.js';
export type { ResultFormatInput } from './result-format.js';
export { parseDateutil } from './date-parse.js';
export { ExpectationError } from './types.js';
export type {
  Accumulator,
  ExceptionInfo,
  ExpectationConfig,
  ExpectationDefinition,
  ExpectationOutcome,
  ExpectationValidationResult,
  ResultFormat,
  ResultFormatLevel,
  SuiteValidationResult,
} from './types.js';
/** numpy's float64 summation order, for statistics that must round as SciPy/pandas do. */
export { pairwiseSum } from './numeric-stats.js';
