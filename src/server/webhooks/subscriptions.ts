/**
 * Webhook subscriptions: a URL, the events it wants, optionally one model, and the secret its
 * deliveries are signed with. Creating, changing and deleting one is audited (never the secret).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { recordAudit } from '../../audit/index.js';
import { invalid, notFound } from '../../errors.js';
import { isHttpUrl } from '../../monitor/index.js';
import { checkModelName } from '../../registry/index.js';
import type { Database, Store } from '../../store/index.js';
import { isWebhookEventName, WEBHOOK_EVENTS, type WebhookEventName } from './events.js';

export type WebhookStatus = 'active' | 'disabled';

/** A subscription as every surface shows it (the secret is shown once, when it is created). */
export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly events: readonly WebhookEventName[];
  /** Only this model's events; null for every model. */
  readonly model_name: string | null;
  readonly description: string;
  readonly status: WebhookStatus;
  readonly created_by: string;
  readonly created_time: number;
}

export interface CreateWebhookOptions {
  /** An http:// or https:// URL the server will POST to. */
  readonly url: string;
  readonly events: readonly string[];
  /** Only this model's events. @default every model */
  readonly modelName?: string | null;
  /** The HMAC key (at least 16 characters). @default 32 random bytes, returned once */
  readonly secret?: string;
  /** @default '' */
  readonly description?: string;
}

export interface UpdateWebhookOptions {
  readonly url?: string;
  readonly events?: readonly string[];
  /** null: every model. */
  readonly modelName?: string | null;
  readonly description?: string;
  /** A disabled subscription gets no new events; its pending deliveries wait until it is active again. */
  readonly status?: WebhookStatus;
}

/** The cursor the dispatcher keeps in `webhook_cursor`. */
export const CURSOR_NAME = 'webhooks';
export const MIN_SECRET_LENGTH = 16;
const MAX_URL_LENGTH = 2048;

export async function createWebhook(store: Store, options: CreateWebhookOptions): Promise<{ webhook: Webhook; secret: string }> {
  const url = checkUrl(options.url);
  const events = checkEvents(options.events);
  const modelName = options.modelName == null ? null : checkModelName(options.modelName);
  const secret = options.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) throw invalid(`A webhook secret needs at least ${MIN_SECRET_LENGTH} characters; leave it out to have one generated.`);
  const id = `wh_${randomBytes(8).toString('hex')}`;
  const now = store.now();
  const description = options.description ?? '';
  await store.db.transaction().execute(async (trx) => {
    await recordAudit(trx, {
      actor: store.actor, action: 'webhook.create', subjectType: 'webhook', subjectId: id,
      after: { url, events, model_name: modelName, description }, time: now,
    });
    // Its own audit entry is the newest it will not be sent; a dispatcher that never ran starts here too.
    const since = await newestAuditId(trx);
    await trx.insertInto('webhooks').values({
      id, url, events: JSON.stringify(events), model_name: modelName, secret, description, status: 'active',
      created_by: store.actor, created_time: now, since_audit_id: since,
    }).execute();
    await trx.insertInto('webhook_cursor').values({ name: CURSOR_NAME, audit_id: since }).onConflict((oc) => oc.column('name').doNothing()).execute();
  });
  return { webhook: await getWebhook(store, id), secret };
}

export async function listWebhooks(store: Store): Promise<Webhook[]> {
  const rows = await store.db.selectFrom('webhooks').selectAll().orderBy('created_time').orderBy('id').execute();
  return rows.map(toWebhook);
}

export async function getWebhook(store: Store, id: string): Promise<Webhook> {
  const row = await store.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`No webhook with id '${id}'. 'slipway webhooks list' shows them.`, { id });
  return toWebhook(row);
}

export async function updateWebhook(store: Store, id: string, changes: UpdateWebhookOptions): Promise<Webhook> {
  const before = await getWebhook(store, id);
  const set: { url?: string; events?: string; model_name?: string | null; description?: string; status?: WebhookStatus } = {};
  if (changes.url !== undefined) set.url = checkUrl(changes.url);
  if (changes.events !== undefined) set.events = JSON.stringify(checkEvents(changes.events));
  if (changes.modelName !== undefined) set.model_name = changes.modelName === null ? null : checkModelName(changes.modelName);
  if (changes.description !== undefined) set.description = changes.description;
  if (changes.status !== undefined) {
    if (changes.status !== 'active' && changes.status !== 'disabled') throw invalid(`A webhook's status is active or disabled, got '${String(changes.status)}'.`);
    set.status = changes.status;
  }
  if (Object.keys(set).length === 0) return before;
  await store.db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('webhooks').set(set).where('id', '=', id).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw notFound(`No webhook with id '${id}'.`, { id });
    await recordAudit(trx, {
      actor: store.actor, action: 'webhook.update', subjectType: 'webhook', subjectId: id,
      before: publicFields(before), after: { ...publicFields(before), ...changesOf(set) }, time: store.now(),
    });
  });
  return getWebhook(store, id);
}

/** Deletes the subscription and its deliveries (pending ones are not sent). */
export async function deleteWebhook(store: Store, id: string): Promise<void> {
  const before = await getWebhook(store, id);
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
    await trx.deleteFrom('webhooks').where('id', '=', id).execute();
    await recordAudit(trx, { actor: store.actor, action: 'webhook.delete', subjectType: 'webhook', subjectId: id, before: publicFields(before), time: store.now() });
  });
}

/** The subscription row with its secret, for the dispatcher. */
export interface Subscription extends Webhook {
  readonly secret: string;
  readonly since_audit_id: number;
}

export async function activeSubscriptions(db: Kysely<Database>): Promise<Subscription[]> {
  const rows = await db.selectFrom('webhooks').selectAll().where('status', '=', 'active').execute();
  return rows.map((r) => ({ ...toWebhook(r), secret: r.secret, since_audit_id: Number(r.since_audit_id) }));
}

export async function newestAuditId(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return row?.id == null ? 0 : Number(row.id);
}

function checkUrl(url: unknown): string {
  if (typeof url !== 'string' || !isHttpUrl(url)) throw invalid(`A webhook URL must be an http:// or https:// URL, got '${String(url)}'.`);
  if (url.length > MAX_URL_LENGTH) throw invalid(`A webhook URL may have at most ${MAX_URL_LENGTH} characters.`);
  return url;
}

function checkEvents(events: readonly string[]): WebhookEventName[] {
  if (!Array.isArray(events) || events.length === 0) throw invalid(`A webhook needs at least one event: ${WEBHOOK_EVENTS.join(', ')}.`);
  const unknown = events.filter((e) => !isWebhookEventName(e));
  if (unknown.length) throw invalid(`Unknown webhook event ${unknown.map((e) => `'${e}'`).join(', ')}: expected ${WEBHOOK_EVENTS.join(', ')}.`);
  return WEBHOOK_EVENTS.filter((e) => events.includes(e));
}

function toWebhook(r: Selectable<Database['webhooks']>): Webhook {
  const events = (JSON.parse(r.events) as string[]).filter(isWebhookEventName);
  return {
    id: r.id, url: r.url, events, model_name: r.model_name, description: r.description,
    status: r.status === 'disabled' ? 'disabled' : 'active', created_by: r.created_by, created_time: Number(r.created_time),
  };
}

const publicFields = (w: Webhook) => ({ url: w.url, events: w.events, model_name: w.model_name, description: w.description, status: w.status });

function changesOf(set: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(set).map(([k, v]) => [k, k === 'events' ? JSON.parse(v as string) : v]));
}
