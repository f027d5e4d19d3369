/**
 * Webhook subscriptions and their deliveries. Admin only: a subscription makes the server call a
 * URL of the caller's choosing, and its deliveries show what was sent.
 */
import { z } from 'zod';
import {
  createWebhook, deleteWebhook, DELIVERY_STATUSES, getDelivery, getWebhook, listDeliveries, listWebhooks, redeliver, updateWebhook, WEBHOOK_EVENTS,
} from '../webhooks/index.js';
import { AnyJson, EpochMs, PositiveIdParam } from './common-schemas.js';
import { route, type NativeRoute } from './native-route.js';
import { beforeIdOf, DEFAULT_LIMIT, idPage, nextPageToken, offsetPage, pageQuery } from './paging.js';

const tag = 'webhooks';
const EventName = z.enum(WEBHOOK_EVENTS);

const Webhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(EventName),
  model_name: z.string().nullable().describe("Only this model's events; null for every model."),
  description: z.string(),
  status: z.enum(['active', 'disabled']),
  created_by: z.string(),
  created_time: EpochMs,
}).meta({ id: 'Webhook' });

const Delivery = z.object({
  id: z.number().int().describe('Sent as X-Slipway-Delivery; the same on every attempt.'),
  webhook_id: z.string(),
  event: EventName,
  audit_id: z.number().int(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  next_attempt_time: EpochMs.describe('Pending: when the next attempt is due.'),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_time: EpochMs,
  delivered_time: EpochMs.nullable(),
  payload: AnyJson.describe('The JSON body sent.'),
}).meta({ id: 'WebhookDelivery' });

const IdPath = z.strictObject({ id: z.string().min(1).max(64) });
const DeliveryPath = z.strictObject({ id: z.string().min(1).max(64), delivery_id: PositiveIdParam });
const Url = z.string().min(1).max(2048).describe('An http:// or https:// URL the server will POST to.');
const ModelName = z.string().min(1).max(256);

export const webhooksRoutes: readonly NativeRoute[] = [
  route({
    method: 'GET', path: '/webhooks', operationId: 'listWebhooks', tag, permission: 'admin',
    summary: 'Webhook subscriptions (their secrets are never shown again)',
    query: z.strictObject({ ...pageQuery }),
    response: z.object({ webhooks: z.array(Webhook), next_page_token: nextPageToken }),
    handler: async ({ store, query }) => {
      const page = offsetPage(await listWebhooks(store), query);
      return { webhooks: page.items, next_page_token: page.next_page_token };
    },
  }),
  route({
    method: 'POST', path: '/webhooks', operationId: 'createWebhook', tag, permission: 'admin', status: 201,
    summary: 'Subscribe a URL to registry events; the answer holds the signing secret, shown only now',
    description: `Events: ${WEBHOOK_EVENTS.join(', ')}. Each delivery is a POST of JSON with X-Slipway-Event, X-Slipway-Delivery, X-Slipway-Timestamp and X-Slipway-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>.`,
    body: z.strictObject({
      url: Url,
      events: z.array(z.string()).min(1).max(WEBHOOK_EVENTS.length).describe(`Any of ${WEBHOOK_EVENTS.join(', ')}.`),
      model_name: ModelName.nullable().optional().describe("Only this model's events."),
      secret: z.string().min(16).max(512).optional().describe('The HMAC key; generated when left out.'),
      description: z.string().max(1000).optional(),
    }),
    response: z.object({ webhook: Webhook, secret: z.string() }),
    handler: async ({ store, body }) => createWebhook(store, {
      url: body.url, events: body.events, modelName: body.model_name ?? null,
      ...(body.secret !== undefined ? { secret: body.secret } : {}), ...(body.description !== undefined ? { description: body.description } : {}),
    }),
  }),
  route({
    method: 'GET', path: '/webhooks/{id}', operationId: 'getWebhook', tag, permission: 'admin', errors: [404],
    summary: 'One subscription',
    params: IdPath,
    response: z.object({ webhook: Webhook }),
    handler: async ({ store, params }) => ({ webhook: await getWebhook(store, params.id) }),
  }),
  route({
    method: 'PATCH', path: '/webhooks/{id}', operationId: 'updateWebhook', tag, permission: 'admin', errors: [404],
    summary: 'Change a subscription (URL, events, model, description, active or disabled); the secret stays',
    params: IdPath,
    body: z.strictObject({
      url: Url.optional(), events: z.array(z.string()).min(1).max(WEBHOOK_EVENTS.length).optional(), model_name: ModelName.nullable().optional(),
      description: z.string().max(1000).optional(), status: z.enum(['active', 'disabled']).optional().describe('A disabled subscription gets no new events; its pending deliveries wait.'),
    }),
    response: z.object({ webhook: Webhook }),
    handler: async ({ store, params, body }) => ({
      webhook: await updateWebhook(store, params.id, {
        ...(body.url !== undefined ? { url: body.url } : {}), ...(body.events !== undefined ? { events: body.events } : {}),
        ...(body.model_name !== undefined ? { modelName: body.model_name } : {}), ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
      }),
    }),
  }),
  route({
    method: 'DELETE', path: '/webhooks/{id}', operationId: 'deleteWebhook', tag, permission: 'admin', errors: [404],
    summary: 'Delete a subscription and its deliveries (pending ones are not sent)',
    params: IdPath,
    response: z.object({ id: z.string(), deleted: z.literal(true) }),
    handler: async ({ store, params }) => {
      await deleteWebhook(store, params.id);
      return { id: params.id, deleted: true as const };
    },
  }),
  route({
    method: 'GET', path: '/webhooks/{id}/deliveries', operationId: 'listWebhookDeliveries', tag, permission: 'admin', errors: [404],
    summary: "A subscription's deliveries, newest first: status, attempts, last error",
    params: IdPath,
    query: z.strictObject({ status: z.enum(DELIVERY_STATUSES).optional(), ...pageQuery }),
    response: z.object({ deliveries: z.array(Delivery), next_page_token: nextPageToken }),
    handler: async ({ store, params, query }) => {
      const beforeId = beforeIdOf(query);
      const rows = await listDeliveries(store, params.id, {
        limit: (query.limit ?? DEFAULT_LIMIT) + 1, ...(query.status ? { status: query.status } : {}), ...(beforeId !== undefined ? { beforeId } : {}),
      });
      const page = idPage(rows, query);
      return { deliveries: page.items.map((d) => ({ ...d, event: EventName.parse(d.event) })), next_page_token: page.next_page_token };
    },
  }),
  route({
    method: 'GET', path: '/webhooks/{id}/deliveries/{delivery_id}', operationId: 'getWebhookDelivery', tag, permission: 'admin', errors: [404],
    summary: 'One delivery',
    params: DeliveryPath,
    response: z.object({ delivery: Delivery }),
    handler: async ({ store, params }) => {
      const d = await getDelivery(store, params.id, params.delivery_id);
      return { delivery: { ...d, event: EventName.parse(d.event) } };
    },
  }),
  route({
    method: 'POST', path: '/webhooks/{id}/deliveries/{delivery_id}/redeliver', operationId: 'redeliverWebhookDelivery', tag, permission: 'admin', errors: [404, 409],
    summary: 'Send a delivered or failed delivery again (attempts start over); 409 while it is pending',
    params: DeliveryPath,
    response: z.object({ delivery: Delivery }),
    handler: async ({ store, params }) => {
      const d = await redeliver(store, params.id, params.delivery_id);
      return { delivery: { ...d, event: EventName.parse(d.event) } };
    },
  }),
  route({
    method: 'GET', path: '/webhook-events', operationId: 'listWebhookEvents', tag, permission: 'read',
    summary: 'The events a webhook can subscribe to',
    response: z.object({ events: z.array(EventName) }),
    handler: async () => ({ events: WEBHOOK_EVENTS }),
  }),
];
