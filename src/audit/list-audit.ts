import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/index.js';

export interface AuditRecord {
  readonly id: number;
  readonly time: number;
  readonly actor: string;
  readonly action: string;
  readonly subject_type: string;
  readonly subject_id: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly reason: string;
}

export interface ListAuditOptions {
  /** Only entries about this subject type ('run', 'model', 'model_version', …). */
  subjectType?: string;
  /** Only entries whose subject id equals this, or starts with it followed by '/' (a model and its versions). */
  subject?: string;
  actor?: string;
  /** Only actions starting with this prefix, e.g. 'model.alias'. */
  action?: string;
  /** Only entries at or after this epoch-ms time. */
  since?: number;
  /** Only entries before this epoch-ms time (exclusive). */
  until?: number;
  /** Only entries with a smaller id: the next page after an entry (ids only grow, so pages never shift). */
  beforeId?: number;
  /**
   * Newest first, at most this many.
   * @default 100
   */
  limit?: number;
}

export async function listAudit(db: Kysely<Database>, options: ListAuditOptions = {}): Promise<AuditRecord[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (options.subjectType) q = q.where('subject_type', '=', options.subjectType);
  if (options.subject) {
    const s = options.subject;
    q = q.where((eb) => eb.or([eb('subject_id', '=', s), startsWith('subject_id', `${s}/`)]));
  }
  if (options.actor) q = q.where('actor', '=', options.actor);
  if (options.action) q = q.where(startsWith('action', options.action));
  if (options.since !== undefined) q = q.where('time', '>=', options.since);
  if (options.until !== undefined) q = q.where('time', '<', options.until);
  if (options.beforeId !== undefined) q = q.where('id', '<', options.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(options.limit ?? 100).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    time: Number(r.time),
    actor: r.actor,
    action: r.action,
    subject_type: r.subject_type,
    subject_id: r.subject_id,
    before: r.before === null ? null : JSON.parse(r.before),
    after: r.after === null ? null : JSON.parse(r.after),
    reason: r.reason,
  }));
}

/** A prefix test without LIKE, whose wildcards (% and _) could appear in model names. */
function startsWith(column: 'subject_id' | 'action', prefix: string) {
  return sql<boolean>`substr(${sql.ref(column)}, 1, ${prefix.length}) = ${prefix}`;
}
