/** Data: readers into columnar tables, profiles, expectation suites and the `validate` stage kind. */
export type { BooleanColumn, Column, ColumnType, MixedColumn, NumberColumn, StringColumn, Table, TimestampColumn } from './table.js';
export { columnByName, columnFromValues, columnLength, isNull, nullCount, stringColumn, tableFromColumns, valueAt } from './table.js';
export type { ReadOptions, ReadStats, Schema, TableStream } from './readers/index.js';
export { concatTables, DEFAULT_NULL_VALUES, fromArrow, inferSchema, readChunks, readTable, toArrow } from './readers/index.js';
export type { ReadFormat } from './readers/index.js';
export { knownRowCount } from './readers/index.js';
export type { TableWriter, WriteFormat, WriteOptions } from './writers/index.js';
export { openTableWriter, writeFormatOf } from './writers/index.js';
export type { DatasetProfile, ProfileSummary, ColumnSummary } from './profile/index.js';
export { mergeProfiles, parseProfile, profileChunks, profileTable, renderProfileHtml, serializeProfile, summarizeProfile } from './profile/index.js';
export type { ExpectationSuite, SuiteValidationResult } from './expectations/index.js';
export { loadSuite, pairwiseSum, validateChunks, validateTable } from './expectations/index.js';
export type { ReportContext, ValidationResultLike } from './report/validation-html.js';
export { renderValidationHtml } from './report/validation-html.js';
export type { SuggestOptions } from './suggest-suite.js';
export { suggestSuite, suggestSuiteYaml } from './suggest-suite.js';
export type { ValidateFileResult } from './validate-file.js';
export { describeFailures, loadSuiteFile, validateFile } from './validate-file.js';
export { registerValidateStage } from './validate-stage.js';
export type { Reference, ReferenceOptions, SampleOptions } from './reference/index.js';
export {
  buildReference, buildReferenceFromChunks, DEFAULT_SAMPLE_ROWS, readReference, REFERENCE_PROFILE_ARTIFACT, REFERENCE_SAMPLE_ARTIFACT,
  referenceArtifacts, ReservoirSampler, reservoirSample, SeededRandom, Sfc32, writeReference,
} from './reference/index.js';
