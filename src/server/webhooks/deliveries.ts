/** Reading a subscription's deliveries back (status, attempts, last error), and sending one again. */
import type { Selectable } from 'kysely';
import { invalid, notFound, SlipwayError } from '../../errors.js';
import type { Database, Store } from '../../store/index.js';
import type { WebhookEventBody } from './events.js';
import { getWebhook } from './subscriptions.js';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookDeliveryRecord {
  /** Sent as `X-Slipway-Delivery`; the same on every attempt. */
  readonly id: number;
  readonly webhook_id: string;
  readonly event: string;
  readonly audit_id: number;
  readonly status: DeliveryStatus;
  /** Attempts made (an attempt in progress counts). */
  readonly attempts: number;
  /** Pending: when the next attempt is due (epoch ms). */
  readonly next_attempt_time: number;
  readonly last_status_code: number | null;
  readonly last_error: string | null;
  readonly created_time: number;
  readonly delivered_time: number | null;
  /** The body sent. */
  readonly payload: WebhookEventBody;
}

export interface ListDeliveriesOptions {
  readonly status?: DeliveryStatus;
  /** Newest first, at most this many. @default 100 */
  readonly limit?: number;
  /** Only deliveries with a smaller id (the next page). */
  readonly beforeId?: number;
}

export async function listDeliveries(store: Store, webhookId: string, options: ListDeliveriesOptions = {}): Promise<WebhookDeliveryRecord[]> {
  await getWebhook(store, webhookId);
  let q = store.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
  if (options.status !== undefined) q = q.where('status', '=', options.status);
  if (options.beforeId !== undefined) q = q.where('id', '<', options.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(options.limit ?? 100).execute();
  return rows.map(toRecord);
}

export async function getDelivery(store: Store, webhookId: string, id: number): Promise<WebhookDeliveryRecord> {
  if (!Number.isSafeInteger(id) || id < 1) throw invalid(`A delivery id is a positive integer, got ${id}.`);
  const row = await store.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Webhook '${webhookId}' has no delivery ${id}.`, { webhookId, id });
  return toRecord(row);
}

/** Queues a failed (or delivered) delivery again, as a fresh delivery with its attempts reset; the body is unchanged. */
export async function redeliver(store: Store, webhookId: string, id: number): Promise<WebhookDeliveryRecord> {
  const before = await getDelivery(store, webhookId, id);
  if (before.status === 'pending') throw new SlipwayError('RESOURCE_CONFLICT', `Delivery ${id} is still pending (attempt ${before.attempts}); it will be retried by itself.`);
  await store.db.updateTable('webhook_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_time: store.now(), last_error: null, last_status_code: null, delivered_time: null })
    .where('id', '=', id).where('status', '=', before.status).execute();
  return getDelivery(store, webhookId, id);
}

export function toRecord(r: Selectable<Database['webhook_deliveries']>): WebhookDeliveryRecord {
  return {
    id: Number(r.id), webhook_id: r.webhook_id, event: r.event, audit_id: Number(r.audit_id),
    status: (DELIVERY_STATUSES as readonly string[]).includes(r.status) ? (r.status as DeliveryStatus) : 'failed',
    attempts: r.attempts, next_attempt_time: Number(r.next_attempt_time),
    last_status_code: r.last_status_code, last_error: r.last_error, created_time: Number(r.created_time),
    delivered_time: r.delivered_time === null ? null : Number(r.delivered_time), payload: JSON.parse(r.payload) as WebhookEventBody,
  };
}
