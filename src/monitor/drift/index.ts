/** Drift detection: what src/monitor/index.ts re-exports from this folder. */
export type { ColumnKind } from './column-pair.js';
export type { ColumnDrift, ColumnRole, DatasetDrift, DriftReport, Verdict } from './compute-drift.js';
export { computeDrift } from './compute-drift.js';
export type { Correction } from './corrections.js';
export { adjustPValues, CORRECTIONS } from './corrections.js';
export type { DistributionChart } from './distribution-chart.js';
export type { DriftHtmlContext } from './drift-html.js';
export { renderDriftHtml } from './drift-html.js';
export type { ColumnDriftOptions, DriftOptions } from './drift-options.js';
export { DEFAULT_DRIFT_SHARE, DEFAULT_MIN_SAMPLE_SIZE } from './drift-options.js';
export type {
  CategoricalReferenceColumn, DriftReference, DriftReferenceOptions, NumericReferenceColumn, ReferenceColumn,
} from './drift-reference.js';
export {
  buildDriftReference, DRIFT_REFERENCE_FORMAT, isDriftReference, parseDriftReference, serializeDriftReference,
} from './drift-reference.js';
export type { DriftTestName } from './drift-tests.js';
export { defaultTest, DRIFT_TESTS, driftTest, isDriftTestName } from './drift-tests.js';
