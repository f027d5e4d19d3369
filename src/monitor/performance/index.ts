/** Performance monitoring: live metrics from the payload log joined with feedback, serving health, and the comparison with registration. */
export type { CompareOptions, MetricComparison } from './compare-with-registration.js';
export { compareWithRegistration, LOWER_IS_BETTER } from './compare-with-registration.js';
export type { PerformanceFigures, PerformanceVerdict, PerformanceWindow, PerformanceWindowsOptions } from './performance-windows.js';
export { DEFAULT_MIN_LABELLED, performanceWindows } from './performance-windows.js';
export type { ServingFigures, ServingStats, ServingStatsOptions } from './serving-stats.js';
export { nearestRank, servingStats } from './serving-stats.js';
export type { TimeWindow, WindowSpec } from './time-windows.js';
export { MAX_WINDOWS, timeWindows } from './time-windows.js';
