import { recordAudit } from '../audit/index.js';
import { SlipwayError, invalid } from '../errors.js';
import type { Store } from '../store/index.js';
import { parseVersion, readVersion } from './read-versions.js';
import type { Approval } from './types.js';

export interface ApproveOptions {
  /**
   * What the approval is for, usually the alias the version may be promoted to.
   * @default 'production'
   */
  target?: string;
  /** @default 'approved' */
  decision?: 'approved' | 'rejected';
  comment?: string;
}

/**
 * Records a human decision on a version. Four-eyes rule: the user who registered a version cannot
 * approve it (PERMISSION_DENIED), though they may reject their own.
 */
export async function approveVersion(store: Store, name: string, version: string | number, options: ApproveOptions = {}): Promise<Approval> {
  const v = parseVersion(version);
  const decision = options.decision ?? 'approved';
  if (decision !== 'approved' && decision !== 'rejected') throw invalid(`Invalid decision '${decision}': expected approved or rejected.`);
  const target = options.target ?? 'production';
  const now = store.now();
  const id = await store.db.transaction().execute(async (trx) => {
    const mv = await readVersion(trx, name, v);
    if (decision === 'approved' && mv.user_id === store.actor) {
      throw new SlipwayError(
        'PERMISSION_DENIED',
        `${store.actor} registered ${name} version ${v} and cannot approve it: an approval must come from someone else.`,
        { name, version: v, actor: store.actor },
      );
    }
    const row = await trx.insertInto('approvals').values({
      name, version: v, target, approver: store.actor, decision, comment: options.comment ?? '', time: now,
    }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor: store.actor, action: `model_version.${decision === 'approved' ? 'approve' : 'reject'}`, subjectType: 'model_version',
      subjectId: `${name}/${v}`, after: { target, decision }, reason: options.comment, time: now,
    });
    return Number(row.id);
  });
  return {
    id, name, version: String(v), target, approver: store.actor, decision, comment: options.comment ?? '', time: now,
  };
}

export async function listApprovals(store: Store, name: string, version?: string | number): Promise<Approval[]> {
  let q = store.db.selectFrom('approvals').selectAll().where('name', '=', name);
  if (version !== undefined) q = q.where('version', '=', parseVersion(version));
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({
    id: Number(r.id), name: r.name, version: String(r.version), target: r.target, approver: r.approver,
    decision: r.decision as Approval['decision'], comment: r.comment, time: Number(r.time),
  }));
}

/**
 * True when someone other than the author approved the version for `target`, after any rejection. A
 * rejection by anyone, the author included, revokes earlier approvals: withdrawing is always allowed.
 */
export async function isApproved(store: Store, name: string, version: string | number, target: string): Promise<boolean> {
  const mv = await readVersion(store.db, name, parseVersion(version));
  const decisions = (await listApprovals(store, name, version)).filter((a) => a.target === target);
  if (decisions.some((a) => a.decision === 'rejected')) {
    const lastRejection = Math.max(...decisions.filter((a) => a.decision === 'rejected').map((a) => a.id));
    return decisions.some((a) => a.decision === 'approved' && a.approver !== mv.user_id && a.id > lastRejection);
  }
  return decisions.some((a) => a.decision === 'approved' && a.approver !== mv.user_id);
}
