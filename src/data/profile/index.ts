/**
 * Data profiles: mergeable, serialisable per-column statistics and sketches of a table (see profile.ts),
 * their JSON summary and a self-contained HTML report.
 */
export type {
  CategoricalProfile,
  CategoricalType,
  ColumnProfile,
  NumericProfile,
  NumericType,
  ProfileSettings,
} from './column-profile.js';
export { DEFAULT_SETTINGS } from './column-profile.js';
export type { DatasetProfile, ProfileOptions } from './profile.js';
export { cloneProfile, mergeProfileInto, mergeProfiles, profileChunks, profileTable, resolveSettings } from './profile.js';
export type {
  CategoricalSummary,
  ColumnSummary,
  Histogram,
  NumericSummary,
  ProfileSummary,
  Quantile,
  SummaryOptions,
  TimestampSummary,
  TopValue,
} from './summary.js';
export { DEFAULT_QUANTILES, DEFAULT_TOP_VALUES, summarizeProfile } from './summary.js';
export { histogramCounts, linspace, profileQuantiles, sturgesEdges, valueCounts } from './histogram.js';
export { PROFILE_KIND, parseProfile, serializeProfile } from './serialize.js';
export { renderProfileHtml } from './profile-html.js';
export { HLL_PRECISION, HLL_RELATIVE_ERROR, HyperLogLog } from './hyperloglog.js';
export { DEFAULT_SKETCH_K, QuantileSketch, SKETCH_EXACT_ITEMS, sketchRankError } from './quantile-sketch.js';
export type { QuantileSketchJson } from './quantile-sketch.js';
export { DEFAULT_HEAVY_HITTERS, HeavyHitters } from './heavy-hitters.js';
export type { HeavyHitter, HeavyHittersJson } from './heavy-hitters.js';
