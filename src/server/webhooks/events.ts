/**
 * Registry events, read from the audit log: every alias move, promotion, registration and
 * deployment is audited in the transaction that makes it, whichever surface made it (CLI, REST,
 * MLflow client, a server's canary judge), so the log is the one source of events.
 *
 *   model_version.created       a version was registered                  (audit: model_version.create)
 *   model_version.alias_moved   an alias was set, moved or deleted        (model.alias.set, model.alias.delete)
 *   model_version.promoted      an alias moved by policy-checked promotion (model.promote)
 *   model_version.deployed      a rollout started, or a candidate became stable (deployment.deploy, deployment.promote)
 *   deployment.rolled_back      a candidate was dropped or stable and standby swapped (deployment.rollback)
 *
 * A promotion is an alias move too: a subscription to `model_version.alias_moved` without
 * `model_version.promoted` receives promotions as `model_version.alias_moved`. Each audit entry is at
 * most one delivery per subscription.
 */

export const WEBHOOK_EVENTS = [
  'model_version.created',
  'model_version.alias_moved',
  'model_version.promoted',
  'model_version.deployed',
  'deployment.rolled_back',
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

export const isWebhookEventName = (name: string): name is WebhookEventName => (WEBHOOK_EVENTS as readonly string[]).includes(name);

/** A model version as deployments name it. */
export interface VersionRef {
  readonly model: string;
  readonly version: string;
}

/** What a deployment event says about the deployment after the change. */
export interface DeploymentEventInfo {
  readonly name: string;
  readonly revision: number;
  /** 'deploy' (a rollout began), 'promote' (a candidate became stable) or 'rollback'. */
  readonly action: string;
  /** The candidate's strategy while one is in progress, else 'bluegreen' (the version is stable). */
  readonly strategy: string;
  /** Share of traffic the candidate takes (or mirrors); 100 when there is no candidate. */
  readonly percent: number;
  readonly stable: VersionRef | null;
  readonly candidate: VersionRef | null;
  readonly standby: VersionRef | null;
  /** Rollbacks: the version that stopped serving. */
  readonly rolled_back_from: VersionRef | null;
}

/**
 * The JSON body POSTed for an event. `id` names the event (the same for every subscription and
 * every retry: `evt_<audit id>`); times are epoch milliseconds.
 */
export interface WebhookEventBody {
  readonly id: string;
  readonly event: WebhookEventName;
  readonly time: number;
  readonly actor: string;
  readonly reason: string;
  /** The model the event is about (for deployments, the version that now takes traffic). */
  readonly model: string | null;
  readonly version: string | null;
  /** Alias events: the alias. */
  readonly alias: string | null;
  /** Alias events: the version that held the alias before (null when it was new). */
  readonly previous_version: string | null;
  readonly deployment: DeploymentEventInfo | null;
  /** The audit entry the event was read from, and its action. */
  readonly audit_id: number;
  readonly action: string;
}

/** An audit entry read as an event, before it is addressed to subscriptions. */
export interface RegistryEvent {
  readonly event: WebhookEventName;
  /** Every model the event concerns: subscriptions filtered by model match any of them. */
  readonly models: readonly string[];
  readonly body: WebhookEventBody;
}

/** The audit entry fields the mapping reads (`before`/`after` as stored: JSON text or null). */
export interface AuditRow {
  readonly id: number;
  readonly time: number;
  readonly actor: string;
  readonly action: string;
  readonly subject_id: string;
  readonly before: string | null;
  readonly after: string | null;
  readonly reason: string;
}

const EVENT_OF_ACTION: Readonly<Record<string, WebhookEventName>> = {
  'model_version.create': 'model_version.created',
  'model.alias.set': 'model_version.alias_moved',
  'model.alias.delete': 'model_version.alias_moved',
  'model.promote': 'model_version.promoted',
  'deployment.deploy': 'model_version.deployed',
  'deployment.promote': 'model_version.deployed',
  'deployment.rollback': 'deployment.rolled_back',
};

/** The audit actions that are events (the dispatcher reads only these). */
export const EVENT_ACTIONS: readonly string[] = Object.keys(EVENT_OF_ACTION);

/** The event an audit entry is, or undefined when it is none (or unreadable: an event is never guessed). */
export function eventOfAudit(row: AuditRow): RegistryEvent | undefined {
  const event = EVENT_OF_ACTION[row.action];
  if (!event) return undefined;
  const before = parseObject(row.before);
  const after = parseObject(row.after);
  const base = {
    id: `evt_${row.id}`, event, time: row.time, actor: row.actor, reason: row.reason, audit_id: row.id, action: row.action,
    alias: null, previous_version: null, deployment: null,
  };
  if (row.action.startsWith('deployment.')) {
    const stable = refOf(after?.stable);
    const candidate = refOf(objectOf(after?.candidate)?.ref);
    const beforeCandidate = refOf(objectOf(before?.candidate)?.ref);
    const rolledBackFrom = row.action === 'deployment.rollback' ? (beforeCandidate ?? refOf(before?.stable)) : null;
    // The version the event is about: a new candidate, else the version that is stable now.
    const subject = row.action === 'deployment.deploy' ? (candidate ?? stable) : stable;
    const candidateInfo = objectOf(after?.candidate);
    const deployment: DeploymentEventInfo = {
      name: row.subject_id,
      revision: typeof after?.revision === 'number' ? after.revision : 0,
      action: row.action.slice('deployment.'.length),
      strategy: typeof candidateInfo?.strategy === 'string' ? candidateInfo.strategy : 'bluegreen',
      percent: typeof candidateInfo?.percent === 'number' ? candidateInfo.percent : 100,
      stable, candidate, standby: refOf(after?.standby), rolled_back_from: rolledBackFrom,
    };
    const models = [...new Set([stable, candidate, rolledBackFrom].filter((r): r is VersionRef => r !== null).map((r) => r.model))];
    return { event, models, body: { ...base, model: subject?.model ?? null, version: subject?.version ?? null, deployment } };
  }
  const slash = row.subject_id.indexOf('/');
  if (slash <= 0) return undefined;
  const model = row.subject_id.slice(0, slash);
  if (row.action === 'model_version.create') {
    return { event, models: [model], body: { ...base, model, version: row.subject_id.slice(slash + 1) } };
  }
  const alias = typeof after?.alias === 'string' ? after.alias : undefined;
  if (alias === undefined) return undefined;
  return {
    event, models: [model],
    body: { ...base, model, version: versionText(after?.version), alias, previous_version: versionText(before?.version) },
  };
}

/**
 * The name a subscription to `events` receives `e` under, or undefined when it did not subscribe:
 * the event itself, or for a promotion the alias move it also is.
 */
export function deliveredAs(events: readonly string[], e: RegistryEvent): WebhookEventName | undefined {
  if (events.includes(e.event)) return e.event;
  if (e.event === 'model_version.promoted' && events.includes('model_version.alias_moved')) return 'model_version.alias_moved';
  return undefined;
}

function parseObject(text: string | null): Record<string, unknown> | undefined {
  if (text === null) return undefined;
  try {
    return objectOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function objectOf(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function refOf(v: unknown): VersionRef | null {
  const o = objectOf(v);
  return typeof o?.model === 'string' && typeof o.version === 'string' ? { model: o.model, version: o.version } : null;
}

function versionText(v: unknown): string | null {
  return typeof v === 'number' || typeof v === 'string' ? String(v) : null;
}
