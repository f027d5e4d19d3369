import type { Readable } from 'node:stream';
import type { CreateExperimentOptions, ListExperimentsOptions } from '../experiments.js';
import type { LogBatchInput, MetricHistoryOptions } from '../log-batch.js';
import type { CreateRunOptions, UpdateRunOptions } from '../runs.js';
import type { SearchRunsOptions, SearchRunsResult } from '../search-runs-service.js';
import type { ArtifactEntry, DatasetInput, Experiment, Metric, Run, RunInfo } from '../types.js';

/** Where runs are recorded: this machine's store, or a Slipway (MLflow-compatible) server. */
export type TrackingTarget =
  | { readonly kind: 'local' }
  | {
      readonly kind: 'remote';
      /** The server's base URL without a trailing slash, e.g. `http://127.0.0.1:5000`. */
      readonly url: string;
      /** Sent as `Authorization: Bearer <token>`. */
      readonly token?: string;
    };

/** A run's use of some data, found by the data's digest (lineage from data forward to runs). */
export interface DataUse {
  readonly run_id: string;
  readonly name: string;
  readonly context: string;
}

/**
 * The tracking operations the CLI and pipelines use, with one implementation over the local store
 * and one over a server's MLflow REST API, so `slipway run` and `slipway runs ...` behave the same
 * whichever `SLIPWAY_TRACKING_URI` chooses. Errors are SlipwayErrors with the codes the local service
 * functions throw (a server's MLflow error body is mapped back to them).
 */
export interface TrackingClient {
  readonly target: TrackingTarget;
  /** For messages: "the local store" or "the tracking server http://…". */
  readonly description: string;

  getExperiment(experimentId: string): Promise<Experiment>;
  /** Throws RESOURCE_DOES_NOT_EXIST when no experiment has the name. */
  getExperimentByName(name: string): Promise<Experiment>;
  createExperiment(name: string, options?: CreateExperimentOptions): Promise<Experiment>;
  listExperiments(options?: ListExperimentsOptions): Promise<Experiment[]>;
  /** `reason` goes to the audit log of a local store; MLflow's REST API has no field for it. */
  deleteExperiment(experimentId: string, reason?: string): Promise<void>;
  restoreExperiment(experimentId: string, reason?: string): Promise<void>;

  createRun(options?: CreateRunOptions): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  updateRun(runId: string, update: UpdateRunOptions): Promise<RunInfo>;
  searchRuns(options?: SearchRunsOptions): Promise<SearchRunsResult>;
  /** Runs whose parent is `parentRunId` (a pipeline's stages), oldest first. */
  listChildRuns(parentRunId: string): Promise<RunInfo[]>;
  logBatch(runId: string, input: LogBatchInput): Promise<void>;
  logInputs(runId: string, datasets: readonly DatasetInput[]): Promise<void>;
  setTag(runId: string, key: string, value: string): Promise<void>;
  getMetricHistory(runId: string, key: string, options?: MetricHistoryOptions): Promise<Metric[]>;
  /** Runs whose inputs or outputs include data with this digest, oldest first. */
  runsUsingData(digest: string): Promise<DataUse[]>;

  /** Stores bytes at an exact artifact path of the run. */
  putArtifact(runId: string, path: string, data: Uint8Array | string | Readable): Promise<ArtifactEntry>;
  /** Logs a local file or folder under `artifactPath` (a folder of the run's artifact tree). */
  logArtifact(runId: string, localPath: string, artifactPath?: string): Promise<ArtifactEntry[]>;
  /** The immediate children of `path`, sorted by path. */
  listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]>;
  openArtifact(runId: string, path: string): Promise<{ stream: Readable; size: number }>;
  /** Copies an artifact file or folder to `dest`. */
  downloadArtifact(runId: string, path: string, dest: string): Promise<{ kind: 'file' | 'directory'; files: number }>;
}
