import type { Store } from '../../store/index.js';
import { downloadArtifact, listArtifacts, logArtifact, openArtifact, putArtifact } from '../artifacts.js';
import { logInputs, runsUsingData } from '../datasets.js';
import {
  createExperiment, deleteExperiment, getExperiment, getExperimentByName, listExperiments, restoreExperiment,
} from '../experiments.js';
import { getMetricHistory, logBatch, setTag } from '../log-batch.js';
import { createRun, getRun, listChildRuns, updateRun } from '../runs.js';
import { searchRuns } from '../search-runs-service.js';
import type { TrackingClient } from './tracking-client.js';

/** The tracking client over this machine's store: the service functions, bound to `store`. */
export function localTrackingClient(store: Store): TrackingClient {
  return {
    target: { kind: 'local' },
    description: 'the local store',
    getExperiment: (id) => getExperiment(store, id),
    getExperimentByName: (name) => getExperimentByName(store, name),
    createExperiment: (name, options) => createExperiment(store, name, options),
    listExperiments: (options) => listExperiments(store, options),
    deleteExperiment: (id, reason) => deleteExperiment(store, id, reason),
    restoreExperiment: (id, reason) => restoreExperiment(store, id, reason),
    createRun: (options) => createRun(store, options),
    getRun: (runId) => getRun(store, runId),
    updateRun: (runId, update) => updateRun(store, runId, update),
    searchRuns: (options) => searchRuns(store, options),
    listChildRuns: (parentRunId) => listChildRuns(store, parentRunId),
    logBatch: (runId, input) => logBatch(store, runId, input),
    logInputs: (runId, datasets) => logInputs(store, runId, datasets),
    setTag: (runId, key, value) => setTag(store, runId, key, value),
    getMetricHistory: (runId, key, options) => getMetricHistory(store, runId, key, options),
    runsUsingData: (digest) => runsUsingData(store, digest),
    putArtifact: (runId, path, data) => putArtifact(store, runId, path, data),
    logArtifact: (runId, localPath, artifactPath) => logArtifact(store, runId, localPath, artifactPath),
    listArtifacts: (runId, path) => listArtifacts(store, runId, path),
    openArtifact: (runId, path) => openArtifact(store, runId, path),
    downloadArtifact: (runId, path, dest) => downloadArtifact(store, runId, path, dest),
  };
}
