export type { ServerAppOptions } from './app.js';
export { createServerApp } from './app.js';
export type { AuthOptions } from './auth/index.js';
export type { Permission, Principal, Role, ServerContext } from './types.js';
export { ROLES } from './types.js';
export type { CreateWebhookOptions, UpdateWebhookOptions, Webhook, WebhookDeliveryRecord, WebhookEventBody, WebhookEventName } from './webhooks/index.js';
export {
  createWebhook, deleteWebhook, DELIVERY_STATUSES, getWebhook, listDeliveries, listWebhooks, redeliver, updateWebhook, verifyRegistryWebhook, WEBHOOK_EVENTS,
} from './webhooks/index.js';
export type { AuditFilter, DeployOutcome, OpsClient, RegisterVersionOptions } from './client/index.js';
export { localOpsClient, remoteOpsClient } from './client/index.js';
