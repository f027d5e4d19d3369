import type { ColumnType, Generated } from 'kysely';

/**
 * The typed shape of Slipway's metadata database, shared by the SQLite and PostgreSQL dialects.
 *
 * Times are epoch milliseconds. PostgreSQL returns BIGINT columns as strings through `pg`, so every
 * read path normalises them with `Number(...)` (see `rows.ts`); the types below say `number | string`
 * where that can happen so the compiler forces the conversion.
 */
type Millis = ColumnType<number | string, number, number>;
type BigIntish = ColumnType<number | string, number, number>;

export interface ExperimentsTable {
  experiment_id: Generated<number | string>;
  name: string;
  artifact_location: string;
  /** 'active' | 'deleted' */
  lifecycle_stage: string;
  creation_time: Millis;
  last_update_time: Millis;
}

export interface ExperimentTagsTable {
  experiment_id: number | string;
  key: string;
  value: string;
}

export interface RunsTable {
  /** 32 lowercase hex characters, as MLflow's run ids. */
  run_uuid: string;
  experiment_id: number | string;
  name: string;
  user_id: string;
  /** RUNNING | SCHEDULED | FINISHED | FAILED | KILLED */
  status: string;
  start_time: Millis;
  end_time: ColumnType<number | string | null, number | null, number | null>;
  source_git_commit: string | null;
  /** 'active' | 'deleted' */
  lifecycle_stage: string;
  artifact_uri: string;
  /** Pipeline runs: the parent run of a stage's child run. */
  parent_run_id: string | null;
  deleted_time: ColumnType<number | string | null, number | null, number | null>;
}

export interface ParamsTable {
  run_uuid: string;
  key: string;
  value: string;
}

export interface TagsTable {
  run_uuid: string;
  key: string;
  value: string;
}

/** Full metric history: one row per logged point. */
export interface MetricsTable {
  run_uuid: string;
  key: string;
  /** NaN is stored as value 0 with is_nan 1, because SQLite turns NaN into NULL. */
  value: number;
  step: BigIntish;
  timestamp: Millis;
  is_nan: number;
}

/** The latest point per (run, key) by MLflow's order (step, then timestamp, then value): what search reads. */
export interface LatestMetricsTable {
  run_uuid: string;
  key: string;
  value: number;
  step: BigIntish;
  timestamp: Millis;
  is_nan: number;
}

export interface ArtifactsTable {
  run_uuid: string;
  /** Relative '/'-separated path under the run's artifact root. */
  path: string;
  hash: string;
  size: BigIntish;
  created_time: Millis;
}

export interface InputDatasetsTable {
  id: Generated<number | string>;
  run_uuid: string;
  name: string;
  /** Content hash (sha256 of the file, or of a directory manifest). */
  hash: string;
  /** 'training' | 'evaluation' | 'input' | 'output' | any user string */
  role: string;
  source: string;
  size: ColumnType<number | string | null, number | null, number | null>;
}

export interface RegisteredModelsTable {
  name: string;
  description: string;
  /** The highest version number ever given (deleted versions included): numbers are never reused. */
  last_version: ColumnType<number, number | undefined, number>;
  creation_time: Millis;
  last_updated_time: Millis;
}

export interface RegisteredModelTagsTable {
  name: string;
  key: string;
  value: string;
}

export interface ModelVersionsTable {
  name: string;
  version: number;
  /** Where the version came from: `runs:/<run>/<path>`, a file path, or a URI. */
  source: string;
  run_id: string | null;
  /** Object store address of the model's bytes (a file blob or a directory manifest). */
  blob_hash: string;
  blob_size: BigIntish;
  /** 'file' | 'directory' */
  blob_kind: string;
  /** READY | PENDING_REGISTRATION | FAILED_REGISTRATION */
  status: string;
  status_message: string;
  description: string;
  user_id: string;
  /** MLflow's deprecated stages: None | Staging | Production | Archived */
  current_stage: string;
  creation_time: Millis;
  last_updated_time: Millis;
}

export interface ModelVersionTagsTable {
  name: string;
  version: number;
  key: string;
  value: string;
}

export interface ModelAliasesTable {
  name: string;
  alias: string;
  version: number;
}

/** History of every alias move and stage transition: which version held what, when, who moved it and why. */
export interface ModelTransitionsTable {
  id: Generated<number | string>;
  name: string;
  /** 'alias' | 'stage' */
  kind: string;
  /** The alias or the stage. */
  target: string;
  /** The version that gained the alias/stage; null when an alias was deleted. */
  version: number | null;
  previous_version: number | null;
  actor: string;
  reason: string;
  time: Millis;
}

export interface ApprovalsTable {
  id: Generated<number | string>;
  name: string;
  version: number;
  /** What the approval is for, usually an alias such as 'production'. */
  target: string;
  approver: string;
  /** 'approved' | 'rejected' */
  decision: string;
  comment: string;
  time: Millis;
}

/** Append-only (triggers refuse UPDATE and DELETE on both dialects). */
export interface AuditLogTable {
  id: Generated<number | string>;
  time: Millis;
  actor: string;
  /** Dotted verb, e.g. 'model.alias.set', 'run.create'. */
  action: string;
  /** 'experiment' | 'run' | 'model' | 'model_version' | 'approval' | ... */
  subject_type: string;
  /** e.g. 'churn/3', a run id. */
  subject_id: string;
  /** JSON text or null. */
  before: string | null;
  after: string | null;
  reason: string;
}

/** Pipeline run cache: an earlier run's outs for a stage key. */
export interface RunCacheTable {
  key: string;
  stage: string;
  /** JSON: [{path, hash, size, nfiles?, kind}] */
  outs: string;
  run_id: string | null;
  created_time: Millis;
}

/** A gate's verdict on a version for an alias policy (passed or not), with every rule's numbers. */
export interface BlessingsTable {
  id: Generated<number | string>;
  name: string;
  version: number;
  /** The alias policy the gate was for, e.g. 'production'. */
  target: string;
  baseline_version: number | null;
  passed: number;
  /** JSON: the gate's rule outcomes. */
  rules: string;
  run_id: string | null;
  actor: string;
  time: Millis;
}

/** A deployment's current desired state; a following model server reconciles to it. */
export interface DeploymentsTable {
  name: string;
  /** Bumped by every change; servers compare it to what they serve. */
  revision: number;
  /** JSON: the DeploymentSpec (stable, candidate, strategy, limits, standby). */
  spec: string;
  /** 'active' | 'rolling_out' | 'failed' | 'stopped' */
  status: string;
  status_message: string;
  created_time: Millis;
  updated_time: Millis;
}

/** Every revision a deployment went through: what changed, who changed it and why. */
export interface DeploymentRevisionsTable {
  deployment: string;
  revision: number;
  /** 'deploy' | 'promote' | 'rollback' | 'abort' | 'fail' */
  action: string;
  spec: string;
  status: string;
  actor: string;
  reason: string;
  time: Millis;
}

/** One batch of logged predictions written to the object store (JSON Lines or Parquet). */
export interface PayloadBatchesTable {
  id: Generated<number | string>;
  /** The deployment served, or the model name when a bare model was served. */
  deployment: string;
  /** 'jsonl' | 'parquet' */
  format: string;
  blob_hash: string;
  blob_size: BigIntish;
  records: number;
  first_time: Millis;
  last_time: Millis;
  created_time: Millis;
}

/** Ground truth for a served prediction, by its request id. */
export interface FeedbackTable {
  request_id: string;
  deployment: string;
  /** JSON: the label (a class, a number, or an object). */
  label: string;
  time: Millis;
}

/** One monitor run over one window of served traffic. */
export interface MonitorRunsTable {
  id: Generated<number | string>;
  monitor: string;
  deployment: string;
  window_start: Millis;
  window_end: Millis;
  started_time: Millis;
  finished_time: ColumnType<number | string | null, number | null, number | null>;
  /** 'ok' | 'drift' | 'alert' | 'insufficient_data' | 'failed' */
  status: string;
  /** JSON: the run's summary (dataset drift, metrics, alerts fired). */
  summary: string;
  /** Object-store address of the full JSON report. */
  report_hash: string | null;
}

/** A figure of a monitor run, as a time series point: e.g. 'drift.age.statistic', 'metric.accuracy'. */
export interface MonitorSeriesTable {
  run_id: number | string;
  monitor: string;
  /** The window's end (epoch ms). */
  time: Millis;
  key: string;
  value: number;
}

/** An alert rule's breach: opened when it starts, resolved when the rule holds again. */
export interface AlertsTable {
  id: Generated<number | string>;
  monitor: string;
  rule: string;
  /** 'firing' | 'resolved' */
  state: string;
  started_time: Millis;
  resolved_time: ColumnType<number | string | null, number | null, number | null>;
  value: number | null;
  message: string;
}

/** Which due times of a schedule ran; the key makes a due time run at most once. */
export interface ScheduleRunsTable {
  schedule: string;
  due_time: Millis;
  started_time: Millis;
  finished_time: ColumnType<number | string | null, number | null, number | null>;
  /** 'running' | 'ok' | 'failed' */
  status: string;
  message: string;
}

type NullableMillis = ColumnType<number | string | null, number | null | undefined, number | null>;

/** An API token of the server; the secret itself is never stored, only its sha256. */
export interface ApiTokensTable {
  /** 'tok_…', printed by `slipway tokens list` and named in audit entries. */
  id: string;
  /** Who the token acts as (recorded on runs, versions, audit entries). */
  name: string;
  /** 'viewer' | 'editor' | 'admin' */
  role: string;
  token_hash: string;
  description: string;
  created_by: string;
  created_time: Millis;
  expires_time: NullableMillis;
  last_used_time: NullableMillis;
  revoked_time: NullableMillis;
}

/** A URL subscribed to registry events. */
export interface WebhooksTable {
  id: string;
  url: string;
  /** JSON array of event names. */
  events: string;
  /** Only this model's events, when set. */
  model_name: string | null;
  /** HMAC-SHA256 key for the signature header. */
  secret: string;
  description: string;
  /** 'active' | 'disabled' */
  status: string;
  created_by: string;
  created_time: Millis;
  /** The newest audit entry when the subscription was made: only later events are sent to it. */
  since_audit_id: ColumnType<number | string, number, number>;
}

/** One event for one subscription; unique on (webhook_id, audit_id). */
export interface WebhookDeliveriesTable {
  id: Generated<number | string>;
  webhook_id: string;
  /** The audit entry the event comes from. */
  audit_id: ColumnType<number | string, number, number>;
  event: string;
  /** The JSON body sent. */
  payload: string;
  /** 'pending' | 'delivered' | 'failed' */
  status: string;
  attempts: number;
  next_attempt_time: Millis;
  last_status_code: number | null;
  last_error: string | null;
  created_time: Millis;
  delivered_time: NullableMillis;
}

/** How far a reader of the audit log has got. */
export interface WebhookCursorTable {
  name: string;
  audit_id: ColumnType<number | string, number, number>;
}

export interface Database {
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  params: ParamsTable;
  tags: TagsTable;
  metrics: MetricsTable;
  latest_metrics: LatestMetricsTable;
  artifacts: ArtifactsTable;
  input_datasets: InputDatasetsTable;
  registered_models: RegisteredModelsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_versions: ModelVersionsTable;
  model_version_tags: ModelVersionTagsTable;
  model_aliases: ModelAliasesTable;
  model_transitions: ModelTransitionsTable;
  approvals: ApprovalsTable;
  audit_log: AuditLogTable;
  run_cache: RunCacheTable;
  blessings: BlessingsTable;
  deployments: DeploymentsTable;
  deployment_revisions: DeploymentRevisionsTable;
  payload_batches: PayloadBatchesTable;
  feedback: FeedbackTable;
  monitor_runs: MonitorRunsTable;
  monitor_series: MonitorSeriesTable;
  alerts: AlertsTable;
  schedule_runs: ScheduleRunsTable;
  api_tokens: ApiTokensTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_cursor: WebhookCursorTable;
}
