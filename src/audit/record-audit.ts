import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/** What happened, to what, by whom and why. `before`/`after` are snapshots of the subject (JSON-able). */
export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly reason?: string;
  readonly time: number;
}

/**
 * Appends one entry. Call it with the transaction that makes the change, so the change and its record
 * commit or vanish together; the table's triggers refuse any later UPDATE or DELETE.
 */
export async function recordAudit(trx: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      time: entry.time,
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      reason: entry.reason ?? '',
    })
    .execute();
}
