/**
 * The delivery queue in the metadata store, safe with several servers on one database:
 *
 * - Enqueue: read audit entries after the shared cursor, insert one `webhook_deliveries` row per
 *   (subscription, event) — unique, so a second server reading the same entries inserts nothing —
 *   then move the cursor forward (only ever forward).
 * - Claim: a due pending row is taken by a compare-and-set UPDATE on its (attempts, next_attempt_time),
 *   which also counts the attempt and leases the row until `now + leaseMs`. Exactly one server's UPDATE
 *   matches (PostgreSQL re-checks the WHERE after a concurrent update; SQLite has one writer), and a
 *   server that dies mid-attempt leaves a lease that expires, so another retries it.
 * - Finish: the outcome is written only while the row still holds the claimed attempt.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import { deliveredAs, EVENT_ACTIONS, eventOfAudit, type AuditRow } from './events.js';
import { activeSubscriptions, CURSOR_NAME, newestAuditId } from './subscriptions.js';

export interface EnqueueOptions {
  /** Epoch ms written as the deliveries' creation and first due time. */
  readonly now: number;
  /** Audit entries read per call. @default 500 */
  readonly batchSize?: number;
  /** Remembers ids missing from the log and when they were first seen (see `GapTracker`). */
  readonly gaps: GapTracker;
}

/**
 * PostgreSQL hands out ids when rows are inserted, not when they commit: entry 11 can be visible
 * while entry 10's transaction is still open. Reading past 10 would lose it, so the cursor stops at
 * a missing id until it appears or has been missing for `graceMs` (its transaction rolled back:
 * identity values are never reused). SQLite commits in id order, so it has no lasting gaps.
 */
export class GapTracker {
  private readonly firstSeen = new Map<number, number>();
  constructor(
    private readonly graceMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** True when id `id` has been missing for longer than the grace period. */
  expired(id: number): boolean {
    const now = this.clock();
    const seen = this.firstSeen.get(id) ?? now;
    this.firstSeen.set(id, seen);
    return now - seen >= this.graceMs;
  }

  forgetUpTo(id: number): void {
    for (const k of this.firstSeen.keys()) if (k <= id) this.firstSeen.delete(k);
  }
}

/** Turns new audit entries into deliveries; returns how many events were read. */
export async function enqueueEvents(db: Kysely<Database>, options: EnqueueOptions): Promise<number> {
  const cursor = await readCursor(db);
  const rows = await db.selectFrom('audit_log')
    .select(['id', 'time', 'actor', 'action', 'subject_id', 'before', 'after', 'reason'])
    .where('id', '>', cursor).orderBy('id').limit(options.batchSize ?? 500).execute();
  let expected = cursor + 1;
  let advanceTo = cursor;
  for (const r of rows) {
    const id = Number(r.id);
    if (id !== expected && !options.gaps.expired(expected)) break;
    advanceTo = id;
    expected = id + 1;
  }
  if (advanceTo === cursor) return 0;
  options.gaps.forgetUpTo(advanceTo);
  const events = rows
    .filter((r) => Number(r.id) <= advanceTo && EVENT_ACTIONS.includes(r.action))
    .map((r) => eventOfAudit({ ...r, id: Number(r.id), time: Number(r.time) } satisfies AuditRow))
    .filter((e) => e !== undefined);
  const subscriptions = events.length ? await activeSubscriptions(db) : [];
  const deliveries = events.flatMap((e) => subscriptions.flatMap((s) => {
    const as = e.body.audit_id > s.since_audit_id && (s.model_name === null || e.models.includes(s.model_name)) ? deliveredAs(s.events, e) : undefined;
    return as ? [{
      webhook_id: s.id, audit_id: e.body.audit_id, event: as, payload: JSON.stringify({ ...e.body, event: as }), status: 'pending',
      attempts: 0, next_attempt_time: options.now, last_status_code: null, last_error: null, created_time: options.now, delivered_time: null,
    }] : [];
  }));
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < deliveries.length; i += 200) {
      await trx.insertInto('webhook_deliveries').values(deliveries.slice(i, i + 200))
        .onConflict((oc) => oc.columns(['webhook_id', 'audit_id']).doNothing()).execute();
    }
    await trx.updateTable('webhook_cursor').set({ audit_id: advanceTo }).where('name', '=', CURSOR_NAME).where('audit_id', '<', advanceTo).execute();
  });
  return rows.filter((r) => Number(r.id) <= advanceTo).length;
}

/** The shared cursor; a store whose dispatcher never ran starts at its newest audit entry (history is not replayed). */
async function readCursor(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('webhook_cursor').select('audit_id').where('name', '=', CURSOR_NAME).executeTakeFirst();
  if (row) return Number(row.audit_id);
  await db.insertInto('webhook_cursor').values({ name: CURSOR_NAME, audit_id: await newestAuditId(db) })
    .onConflict((oc) => oc.column('name').doNothing()).execute();
  const again = await db.selectFrom('webhook_cursor').select('audit_id').where('name', '=', CURSOR_NAME).executeTakeFirstOrThrow();
  return Number(again.audit_id);
}

/** A delivery this process holds the current attempt of. */
export interface ClaimedDelivery {
  readonly id: number;
  readonly webhookId: string;
  readonly url: string;
  readonly secret: string;
  readonly event: string;
  /** The stored body, sent byte for byte on every attempt. */
  readonly payload: string;
  /** The number of this attempt (1 for the first). */
  readonly attempt: number;
}

export async function claimDue(db: Kysely<Database>, now: number, options: { limit: number; leaseMs: number }): Promise<ClaimedDelivery[]> {
  const due = await db.selectFrom('webhook_deliveries as d').innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.id', 'd.webhook_id', 'd.event', 'd.payload', 'd.attempts', 'd.next_attempt_time', 'w.url', 'w.secret'])
    .where('d.status', '=', 'pending').where('d.next_attempt_time', '<=', now).where('w.status', '=', 'active')
    .orderBy('d.next_attempt_time').orderBy('d.id').limit(options.limit).execute();
  const claimed: ClaimedDelivery[] = [];
  for (const d of due) {
    const result = await db.updateTable('webhook_deliveries')
      .set({ attempts: d.attempts + 1, next_attempt_time: now + options.leaseMs })
      .where('id', '=', d.id).where('status', '=', 'pending').where('attempts', '=', d.attempts).where('next_attempt_time', '=', d.next_attempt_time)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) continue; // another server took it
    claimed.push({ id: Number(d.id), webhookId: d.webhook_id, url: d.url, secret: d.secret, event: d.event, payload: d.payload, attempt: d.attempts + 1 });
  }
  return claimed;
}

export type AttemptOutcome =
  | { readonly delivered: true; readonly status: number }
  | { readonly delivered: false; readonly status?: number; readonly error: string; /** Epoch ms of the next attempt; null: give up (failed). */ readonly retryAt: number | null };

/** Records an attempt's outcome; false when the row no longer holds this attempt (its lease ran out and another server took it). */
export async function finishAttempt(db: Kysely<Database>, claimed: ClaimedDelivery, outcome: AttemptOutcome, now: number): Promise<boolean> {
  const base = db.updateTable('webhook_deliveries');
  const set = outcome.delivered
    ? { status: 'delivered', delivered_time: now, last_status_code: outcome.status, last_error: null }
    : {
      status: outcome.retryAt === null ? 'failed' : 'pending', next_attempt_time: outcome.retryAt ?? now,
      last_status_code: outcome.status ?? null, last_error: outcome.error.slice(0, 1000),
    };
  const result = await base.set(set).where('id', '=', claimed.id).where('status', '=', 'pending').where('attempts', '=', claimed.attempt).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
