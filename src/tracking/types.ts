/**
 * Tracking entities. Field names follow MLflow's REST JSON (snake_case) so the CLI's `--json`, the
 * native API and the MLflow-compatible API print the same objects. Times are epoch milliseconds.
 */

export type LifecycleStage = 'active' | 'deleted';
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface Experiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_location: string;
  readonly lifecycle_stage: LifecycleStage;
  readonly creation_time: number;
  readonly last_update_time: number;
  readonly tags: readonly KeyValue[];
}

export interface Metric {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

export interface RunInfo {
  readonly run_id: string;
  readonly run_name: string;
  readonly experiment_id: string;
  readonly user_id: string;
  readonly status: RunStatus;
  readonly start_time: number;
  readonly end_time?: number;
  readonly artifact_uri: string;
  readonly lifecycle_stage: LifecycleStage;
  readonly source_git_commit?: string;
  readonly parent_run_id?: string;
}

export interface DatasetInput {
  readonly name: string;
  /** sha256 of the data (file bytes, or a directory manifest). */
  readonly digest: string;
  /** training | evaluation | input | output | … */
  readonly context: string;
  readonly source: string;
  readonly size?: number;
}

export interface Run {
  readonly info: RunInfo;
  readonly data: {
    /** Latest value per key. */
    readonly metrics: readonly Metric[];
    readonly params: readonly KeyValue[];
    readonly tags: readonly KeyValue[];
  };
  readonly inputs: { readonly datasets: readonly DatasetInput[] };
}

export interface ArtifactEntry {
  /** Relative path under the run's artifact root. */
  readonly path: string;
  readonly is_dir: boolean;
  /** Files only. */
  readonly file_size?: number;
  /** Files only: the blob's sha256. */
  readonly hash?: string;
}

/** Limits MLflow's server enforces; Slipway enforces the same so clients behave identically. */
export const LIMITS = {
  paramValue: 6000,
  tagValue: 8000,
  key: 250,
  experimentName: 500,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
  searchMaxResults: 50_000,
  searchDefaultResults: 1000,
  metricHistoryPage: 25_000,
} as const;
