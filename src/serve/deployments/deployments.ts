/**
 * Deployments as stored state: every change is one transaction that bumps the revision, appends the
 * new spec to the revision history and records an audit entry, so history and audit cannot disagree.
 * Changes are compare-and-set on the revision: two servers judging the same canary cannot both act.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import { recordAudit } from '../../audit/index.js';
import { notFound, SlipwayError } from '../../errors.js';
import type { Database, Store } from '../../store/index.js';
import {
  type CanaryLimits, type CandidateStrategy, checkDeploymentName, DEFAULT_KEY_HEADER, DEFAULT_LIMITS, type DeploymentPhase, type DeploymentSpec,
  type ModelRef, parseSpec, phaseOf, refLabel, sameRef, type SmokeRef, type Strategy,
} from './deployment-spec.js';

/** 'failed' means the newest revision could not be rolled out; servers keep serving what they had. */
export type DeploymentStatus = DeploymentPhase | 'failed';
export type DeploymentAction = 'deploy' | 'promote' | 'rollback';

export interface Deployment {
  readonly name: string;
  readonly revision: number;
  readonly spec: DeploymentSpec;
  readonly status: DeploymentStatus;
  readonly statusMessage: string;
  readonly createdTime: number;
  readonly updatedTime: number;
}

export interface DeploymentRevision {
  readonly revision: number;
  readonly action: DeploymentAction;
  readonly spec: DeploymentSpec;
  readonly status: string;
  readonly actor: string;
  readonly reason: string;
  readonly time: number;
}

export interface ChangeOptions {
  readonly reason?: string;
  /** Acts only if the deployment is still at this revision (else RESOURCE_CONFLICT). */
  readonly expectedRevision?: number;
  /** Overrides store.actor, e.g. for a server's automatic decisions. */
  readonly actor?: string;
}

export interface RolloutOptions extends ChangeOptions {
  readonly ref: ModelRef;
  readonly strategy: Strategy;
  /** Canary/A-B: share of requests; shadow: share mirrored. @default 10 (canary, A/B), 100 (shadow) */
  readonly percent?: number;
  readonly keyHeader?: string;
  readonly limits?: Partial<CanaryLimits>;
  readonly smoke?: SmokeRef | null;
}

type Row = Selectable<Database['deployments']>;

function toDeployment(row: Row): Deployment {
  const name = row.name;
  return {
    name,
    revision: Number(row.revision),
    spec: parseSpec(row.spec, name),
    status: row.status as DeploymentStatus,
    statusMessage: row.status_message,
    createdTime: Number(row.created_time),
    updatedTime: Number(row.updated_time),
  };
}

export async function findDeployment(store: Store, name: string): Promise<Deployment | undefined> {
  const row = await store.db.selectFrom('deployments').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? toDeployment(row) : undefined;
}

export async function getDeployment(store: Store, name: string): Promise<Deployment> {
  const d = await findDeployment(store, name);
  if (!d) throw notFound(`No deployment named '${name}'. 'slipway deployments list' shows them; 'slipway deploy ${name} --model ...' creates it.`);
  return d;
}

/** The revision number only: what a following server polls, cheaply. */
export async function deploymentRevision(store: Store, name: string): Promise<number | undefined> {
  const row = await store.db.selectFrom('deployments').select('revision').where('name', '=', name).executeTakeFirst();
  return row ? Number(row.revision) : undefined;
}

export async function listDeployments(store: Store): Promise<Deployment[]> {
  const rows = await store.db.selectFrom('deployments').selectAll().orderBy('name').execute();
  return rows.map(toDeployment);
}

export async function deploymentHistory(store: Store, name: string): Promise<DeploymentRevision[]> {
  await getDeployment(store, name);
  const rows = await store.db.selectFrom('deployment_revisions').selectAll().where('deployment', '=', name).orderBy('revision').execute();
  return rows.map((r) => ({
    revision: Number(r.revision),
    action: r.action as DeploymentAction,
    spec: parseSpec(r.spec, name),
    status: r.status,
    actor: r.actor,
    reason: r.reason,
    time: Number(r.time),
  }));
}

/**
 * Starts a rollout of `ref`. Blue/green makes it the stable version at once (the previous one stays
 * as warm standby); canary, shadow and A/B add it as the candidate beside the stable version. The
 * first deployment of a name always makes the version stable: there is nothing to compare it with.
 */
export async function startRollout(store: Store, name: string, options: RolloutOptions): Promise<Deployment> {
  checkDeploymentName(name);
  const percent = options.percent ?? (options.strategy === 'shadow' ? 100 : 10);
  if (!(percent >= 0 && percent <= 100)) throw new SlipwayError('INVALID_PARAMETER_VALUE', `--percent must be within 0..100, got ${percent}`);
  return change(store, name, 'deploy', options, (current) => {
    const smoke = options.smoke ?? null;
    if (!current) return { spec: { stable: options.ref, candidate: null, standby: null, smoke }, message: `serving ${refLabel(options.ref)}` };
    const spec = current.spec;
    if (spec.candidate) {
      throw new SlipwayError('RESOURCE_CONFLICT', `deployment '${name}' has a ${spec.candidate.strategy} of ${refLabel(spec.candidate.ref)} in progress; promote or roll it back first`);
    }
    if (sameRef(spec.stable, options.ref)) throw new SlipwayError('RESOURCE_CONFLICT', `deployment '${name}' already serves ${refLabel(options.ref)}`);
    if (options.strategy === 'bluegreen') {
      return { spec: { stable: options.ref, candidate: null, standby: spec.stable, smoke }, message: `serving ${refLabel(options.ref)} (blue/green from ${refLabel(spec.stable)})` };
    }
    const strategy: CandidateStrategy = options.strategy;
    const candidate = {
      ref: options.ref, strategy, percent, keyHeader: (options.keyHeader ?? DEFAULT_KEY_HEADER).toLowerCase(),
      limits: { ...DEFAULT_LIMITS, ...options.limits }, since: store.now(),
    };
    const verb = strategy === 'shadow' ? `mirroring ${percent}% to` : `${percent}% to`;
    return { spec: { stable: spec.stable, candidate, standby: spec.standby, smoke }, message: `${strategy}: ${verb} ${refLabel(options.ref)}, stable ${refLabel(spec.stable)}` };
  });
}

/** Makes the candidate the stable version; the old stable becomes the warm standby. */
export async function promoteCandidate(store: Store, name: string, options: ChangeOptions = {}): Promise<Deployment> {
  return change(store, name, 'promote', options, (current) => {
    const spec = requireExisting(current, name).spec;
    if (!spec.candidate) throw new SlipwayError('RESOURCE_CONFLICT', `deployment '${name}' has no candidate to promote`);
    return {
      spec: { stable: spec.candidate.ref, candidate: null, standby: spec.stable, smoke: spec.smoke },
      message: `serving ${refLabel(spec.candidate.ref)} (promoted from ${spec.candidate.strategy})`,
    };
  });
}

/**
 * Undoes the last rollout: a candidate in progress is dropped; otherwise stable and standby swap
 * (so a second rollback undoes the first).
 */
export async function rollbackDeployment(store: Store, name: string, options: ChangeOptions = {}): Promise<Deployment> {
  return change(store, name, 'rollback', options, (current) => {
    const spec = requireExisting(current, name).spec;
    if (spec.candidate) {
      return { spec: { ...spec, candidate: null }, message: `serving ${refLabel(spec.stable)} (${spec.candidate.strategy} of ${refLabel(spec.candidate.ref)} rolled back)` };
    }
    if (!spec.standby) throw new SlipwayError('RESOURCE_CONFLICT', `deployment '${name}' has no previous version to roll back to`);
    return { spec: { ...spec, stable: spec.standby, standby: spec.stable }, message: `serving ${refLabel(spec.standby)} (rolled back from ${refLabel(spec.stable)})` };
  });
}

/**
 * A server could not roll out the current revision (its smoke test failed where it runs): the
 * deployment is marked failed, with why, and servers keep what they were serving.
 */
export async function markRolloutFailed(store: Store, name: string, revision: number, message: string, actor: string): Promise<boolean> {
  const now = store.now();
  return store.db.transaction().execute(async (trx) => {
    const result = await trx.updateTable('deployments').set({ status: 'failed', status_message: message, updated_time: now })
      .where('name', '=', name).where('revision', '=', revision).where('status', '!=', 'failed').executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await recordAudit(trx, { actor, action: 'deployment.rollout_failed', subjectType: 'deployment', subjectId: name, after: { revision }, reason: message, time: now });
    return true;
  });
}

/** Records a refused rollout (failed smoke test) in the audit log; the deployment is unchanged. */
export async function auditRefusedRollout(store: Store, name: string, ref: ModelRef, reason: string): Promise<void> {
  await recordAudit(store.db, {
    actor: store.actor, action: 'deployment.smoke_failed', subjectType: 'deployment', subjectId: name, after: ref, reason, time: store.now(),
  });
}

function requireExisting(current: Deployment | undefined, name: string): Deployment {
  if (!current) throw notFound(`No deployment named '${name}'.`);
  return current;
}

async function change(
  store: Store,
  name: string,
  action: DeploymentAction,
  options: ChangeOptions,
  next: (current: Deployment | undefined) => { spec: DeploymentSpec; message: string },
): Promise<Deployment> {
  const now = store.now();
  const actor = options.actor ?? store.actor;
  const reason = options.reason ?? '';
  await store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('deployments').selectAll().where('name', '=', name).executeTakeFirst();
    const current = row ? toDeployment(row) : undefined;
    if (options.expectedRevision !== undefined && current?.revision !== options.expectedRevision) {
      throw new SlipwayError('RESOURCE_CONFLICT', `deployment '${name}' moved to revision ${current?.revision ?? 'none'} (expected ${options.expectedRevision})`);
    }
    const { spec, message } = next(current);
    const status = phaseOf(spec);
    const revision = (current?.revision ?? 0) + 1;
    const specText = JSON.stringify(spec);
    if (current) {
      const updated = await trx.updateTable('deployments')
        .set({ revision, spec: specText, status, status_message: message, updated_time: now })
        .where('name', '=', name).where('revision', '=', current.revision).executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new SlipwayError('RESOURCE_CONFLICT', `deployment '${name}' changed underneath; try again`);
    } else {
      await trx.insertInto('deployments')
        .values({ name, revision, spec: specText, status, status_message: message, created_time: now, updated_time: now }).execute();
    }
    await appendRevision(trx, { deployment: name, revision, action, spec: specText, status, actor, reason: reason || message, time: now });
    await recordAudit(trx, {
      actor, action: `deployment.${action}`, subjectType: 'deployment', subjectId: name,
      before: current ? { revision: current.revision, ...current.spec } : undefined, after: { revision, ...spec }, reason: reason || message, time: now,
    });
  });
  return getDeployment(store, name);
}

async function appendRevision(trx: Kysely<Database>, row: Insertable<Database['deployment_revisions']>): Promise<void> {
  await trx.insertInto('deployment_revisions').values(row).execute();
}
