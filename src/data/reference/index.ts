/** References for monitoring: a dataset's profile and seeded reservoir sample, built in one pass and stored on a run. */
export type { Reference, ReferenceOptions } from './build-reference.js';
export { buildReference, buildReferenceFromChunks } from './build-reference.js';
export type { SampleOptions } from './reservoir-sampler.js';
export { DEFAULT_SAMPLE_ROWS, ReservoirSampler, reservoirSample } from './reservoir-sampler.js';
export { SeededRandom, Sfc32 } from './seeded-random.js';
export { readReference, referenceArtifacts, REFERENCE_PROFILE_ARTIFACT, REFERENCE_SAMPLE_ARTIFACT, writeReference } from './stored-reference.js';
