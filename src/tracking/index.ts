export type {
  ArtifactEntry, DatasetInput, Experiment, KeyValue, LifecycleStage, Metric, Run, RunInfo, RunStatus, ViewType,
} from './types.js';
export { LIMITS, RUN_STATUSES } from './types.js';
export type { CreateExperimentOptions, ListExperimentsOptions } from './experiments.js';
export {
  createExperiment, deleteExperiment, getExperiment, getExperimentByName, listExperiments, parseExperimentId,
  renameExperiment, restoreExperiment, setExperimentTag,
} from './experiments.js';
export type { CreateRunOptions, UpdateRunOptions } from './runs.js';
export { createRun, deleteRun, getRun, getRunInfo, listChildRuns, requireActiveRun, restoreRun, updateRun } from './runs.js';
export type { LogBatchInput, MetricHistoryOptions, MetricInput } from './log-batch.js';
export { deleteTag, getMetricHistory, logBatch, logMetric, logParam, setTag } from './log-batch.js';
export {
  deleteArtifact, downloadArtifact, listAllArtifacts, listArtifacts, logArtifact, normalizeArtifactPath, openArtifact,
  putArtifact, resolveArtifact,
} from './artifacts.js';
export { logInputs, runsUsingData } from './datasets.js';
export { readRun, readRuns } from './read-runs.js';
export type { SearchRunsOptions, SearchRunsResult } from './search-runs-service.js';
export { searchRuns } from './search-runs-service.js';
export type { SearchExperimentsOptions, SearchExperimentsResult } from './search-experiments.js';
export { searchExperiments } from './search-experiments.js';
export { checkExperimentName, checkKey, checkRunId, checkValueLength } from './validate.js';
export type { DataUse, MlflowHttpOptions, RemoteTrackingOptions, SendOptions, TrackingClient, TrackingTarget } from './client/index.js';
export {
  localTrackingClient, MlflowHttp, parseServerUrl, remoteTrackingClient, trackingClientFor, trackingTargetFromEnv,
} from './client/index.js';
