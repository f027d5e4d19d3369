import type { AuditRecord } from '../../audit/index.js';
import type { Alert, MonitorRun } from '../../monitor/index.js';
import type { AliasPolicy, Approval, Blessing, ModelTransition, ModelVersion, RegisteredModel } from '../../registry/index.js';
import type { DeployOptions, Deployment, DeploymentRevision, SmokeRef, SmokeResult } from '../../serve/index.js';
import type { CreateWebhookOptions, DeliveryStatus, UpdateWebhookOptions, Webhook, WebhookDeliveryRecord } from '../webhooks/index.js';

export interface RegisterVersionOptions {
  /** `runs:/RUN_ID/PATH`; locally also a file or folder on this machine. */
  readonly source: string;
  /** The run that produced it (implied by a runs:/ source). */
  readonly runId?: string;
  readonly description?: string;
  readonly tags?: readonly { key: string; value: string }[];
}

export interface AuditFilter {
  /** Newest first, at most this many. */
  readonly limit: number;
  readonly subject?: string;
  readonly subjectType?: string;
  readonly actor?: string;
  /** Actions starting with this. */
  readonly action?: string;
}

export interface DeployOutcome {
  readonly deployment: Deployment;
  /** Undefined when the deploy skipped its smoke test. */
  readonly smoke: (SmokeResult & { readonly source: SmokeRef['source'] }) | undefined;
}

/**
 * The registry and operations commands of the CLI (models, audit, deployments, monitors' runs and
 * alerts, webhooks), with one implementation over the local store and one over a `slipway server`
 * (its MLflow registry routes and native API `/api/v1`), chosen by SLIPWAY_TRACKING_URI. Both return
 * the same values, so a command prints the same text and JSON whichever it talks to; errors are
 * SlipwayErrors with the codes the local service functions throw.
 *
 * Remotely the server acts as the token's owner (or, when it requires no token, as its own user)
 * and applies its own rules: approver roles and the alias policies of its slipway.yaml.
 */
export interface OpsClient {
  /** For messages: "the local store" or "the tracking server http://…". */
  readonly description: string;
  readonly remote: boolean;

  listModels(): Promise<RegisteredModel[]>;
  /** The model with every version, newest first. */
  getModel(name: string): Promise<{ registered_model: RegisteredModel; model_versions: ModelVersion[] }>;
  /** One version with the decisions recorded on it, oldest first. */
  getVersion(name: string, version: string): Promise<{ model_version: ModelVersion; approvals: Approval[] }>;
  /** Registers a new version, creating the model first when it does not exist. */
  registerVersion(name: string, options: RegisterVersionOptions): Promise<ModelVersion>;
  setAlias(name: string, alias: string, version: string, reason: string): Promise<ModelVersion>;
  deleteAlias(name: string, alias: string, reason: string): Promise<void>;
  approve(name: string, version: string, options: { target: string; decision: 'approved' | 'rejected'; comment: string }): Promise<Approval>;
  /**
   * Moves `alias` to the version when the alias's policy is met. `policy` is the one the project's
   * slipway.yaml gives, applied by the local store; a server applies its own and ignores it.
   */
  promote(name: string, version: string, alias: string, options: { reason: string; policy: AliasPolicy }): Promise<ModelVersion>;
  modelCard(name: string, version: string): Promise<string>;
  listBlessings(name: string, version?: string): Promise<Blessing[]>;
  /** Oldest first; RESOURCE_DOES_NOT_EXIST for an unknown model. */
  modelHistory(name: string, alias?: string): Promise<ModelTransition[]>;
  /** The version a models:/ URI names (version, @alias, latest or stage). */
  resolveModel(uri: string): Promise<ModelVersion>;
  /** The bytes of a single-file version, verified by their sha256. */
  modelBytes(version: ModelVersion): Promise<Uint8Array>;

  listAudit(filter: AuditFilter): Promise<AuditRecord[]>;

  /** `smokeFile` is read on this machine; a server runs the smoke test on its cases. */
  deploy(name: string, options: DeployOptions): Promise<DeployOutcome>;
  rollback(name: string, reason?: string): Promise<Deployment>;
  promoteCandidate(name: string, reason?: string): Promise<Deployment>;
  listDeployments(): Promise<Deployment[]>;
  getDeployment(name: string): Promise<{ deployment: Deployment; history: DeploymentRevision[] }>;

  /** Newest window first, at most `limit`. */
  listMonitorRuns(monitor: string, limit: number): Promise<MonitorRun[]>;
  /** Newest first, at most 100 (as the local store lists them). */
  listAlerts(filter: { monitor?: string; state?: 'firing' | 'resolved' }): Promise<Alert[]>;

  createWebhook(options: CreateWebhookOptions): Promise<{ webhook: Webhook; secret: string }>;
  listWebhooks(): Promise<Webhook[]>;
  updateWebhook(id: string, changes: UpdateWebhookOptions): Promise<Webhook>;
  deleteWebhook(id: string): Promise<void>;
  /** Newest first, at most `limit`. */
  listDeliveries(id: string, options: { limit: number; status?: DeliveryStatus }): Promise<WebhookDeliveryRecord[]>;
  redeliver(id: string, deliveryId: number): Promise<WebhookDeliveryRecord>;
}
