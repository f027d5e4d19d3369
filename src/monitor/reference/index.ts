/**
 * Reference data for monitoring: what a model version was trained on (profile + seeded sample, stored
 * by the train stage) and what it scored when it was registered.
 */
export type { Reference, ReferenceOptions, SampleOptions } from '../../data/index.js';
export { buildReference, buildReferenceFromChunks, readReference, ReservoirSampler, reservoirSample, writeReference } from '../../data/index.js';
export type { ModelReference } from './model-reference.js';
export { getModelReference } from './model-reference.js';
export type { RegistrationEvaluation } from './registration-metrics.js';
export { EVALUATION_REPORT_ARTIFACT, registrationEvaluation, registrationMetrics } from './registration-metrics.js';
