/** Registry webhooks: subscriptions, events read from the audit log, signed deliveries with retries. */
export type { AuditRow, DeploymentEventInfo, RegistryEvent, VersionRef, WebhookEventBody, WebhookEventName } from './events.js';
export { deliveredAs, eventOfAudit, isWebhookEventName, WEBHOOK_EVENTS } from './events.js';
export type { CreateWebhookOptions, UpdateWebhookOptions, Webhook, WebhookStatus } from './subscriptions.js';
export { createWebhook, deleteWebhook, getWebhook, listWebhooks, MIN_SECRET_LENGTH, updateWebhook } from './subscriptions.js';
export type { DeliveryStatus, ListDeliveriesOptions, WebhookDeliveryRecord } from './deliveries.js';
export { DELIVERY_STATUSES, getDelivery, listDeliveries, redeliver } from './deliveries.js';
export type { VerifyOptions } from './signing.js';
export {
  DEFAULT_TOLERANCE_MS, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signRegistryWebhook, TIMESTAMP_HEADER, verifyRegistryWebhook,
} from './signing.js';
export type { TickResult, WebhookDispatcher, WebhookDispatcherOptions } from './dispatcher.js';
export { startWebhookDispatcher } from './dispatcher.js';
