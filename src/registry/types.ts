/** Registry entities, in MLflow's REST JSON field names so every surface prints the same objects. */

export type ModelStage = 'None' | 'Staging' | 'Production' | 'Archived';
export const MODEL_STAGES: readonly ModelStage[] = ['None', 'Staging', 'Production', 'Archived'];

export interface RegisteredModel {
  readonly name: string;
  readonly description: string;
  readonly creation_timestamp: number;
  readonly last_updated_timestamp: number;
  readonly tags: readonly { key: string; value: string }[];
  readonly aliases: readonly { alias: string; version: string }[];
  /** The newest version per stage (MLflow's latest_versions). */
  readonly latest_versions: readonly ModelVersion[];
}

export interface ModelVersion {
  readonly name: string;
  /** A string, as MLflow sends it. */
  readonly version: string;
  readonly creation_timestamp: number;
  readonly last_updated_timestamp: number;
  readonly user_id: string;
  readonly current_stage: ModelStage;
  readonly description: string;
  readonly source: string;
  readonly run_id: string;
  readonly status: 'READY' | 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION';
  readonly status_message: string;
  readonly tags: readonly { key: string; value: string }[];
  readonly aliases: readonly string[];
  /** Slipway: the object-store address of the model's bytes, so the version is verifiable by hash. */
  readonly blob: { readonly hash: string; readonly size: number; readonly kind: 'file' | 'directory' };
}

export interface ModelTransition {
  readonly id: number;
  readonly name: string;
  readonly kind: 'alias' | 'stage';
  readonly target: string;
  /** Null when an alias was removed. */
  readonly version: string | null;
  readonly previous_version: string | null;
  readonly actor: string;
  readonly reason: string;
  readonly time: number;
}

export interface Approval {
  readonly id: number;
  readonly name: string;
  readonly version: string;
  readonly target: string;
  readonly approver: string;
  readonly decision: 'approved' | 'rejected';
  readonly comment: string;
  readonly time: number;
}
