/**
 * The alert lifecycle, firing exactly once per breach. For each rule, against the monitor's open
 * ('firing') alerts:
 *
 *   breached, no open alert  → open one (fired): its actions run once
 *   breached, open alert     → nothing new; the alert's value and message follow the latest run
 *   holding,  open alert     → resolve it (resolved): webhooks are told, retrain is not
 *   holding,  no open alert  → nothing
 *   unknown                  → nothing (missing data neither fires nor resolves)
 *
 * All transitions of one monitor run commit in one transaction, with their audit entries
 * ('alert.fired', 'alert.resolved'). Two processes evaluating the same run cannot both fire: on
 * SQLite write transactions start with BEGIN IMMEDIATE (one writer at a time), on PostgreSQL the
 * transaction first takes an advisory lock on the monitor, so the second evaluation reads the first
 * one's committed alert and finds nothing to do. Actions run after the commit, in the process whose
 * transaction made the transition: at most once (a crash between commit and action loses that
 * action; the alert and its audit entry remain).
 */
import { type Kysely, sql } from 'kysely';
import { recordAudit } from '../../audit/index.js';
import type { Database, Store } from '../../store/index.js';
import type { Alert, AlertEvent, AlertState } from './alert-event.js';
import type { AlertRule } from './alert-rules.js';
import { evaluateRule, type RuleVerdict } from './evaluate-rule.js';
import type { MonitorSnapshot } from './monitor-snapshot.js';
import { type ActionContext, type ActionResult, runActions } from './run-actions.js';

/** The first key of PostgreSQL advisory locks taken here (the second is the monitor name's hash). */
const ALERT_LOCK_CLASS = 0x534c5041; // 'SLPA'

export interface AlertTransitions {
  /** Every rule's verdict on the snapshot, in rule order. */
  readonly verdicts: readonly RuleVerdict[];
  /** What changed, in rule order: at most one event per rule. */
  readonly events: readonly AlertEvent[];
}

export interface EvaluatedAlerts extends AlertTransitions {
  /** Each event's action results, in the order of `events`. */
  readonly actions: readonly { readonly event: AlertEvent; readonly results: readonly ActionResult[] }[];
}

/**
 * Judges `rules` on `snapshot`, applies the transitions to the store, then runs the actions of each
 * fired or resolved alert. Throws only when the store does (then nothing changed and nothing ran).
 *
 * @example
 *   const { events } = await evaluateAlerts(store, snapshot, rules, { logger, retrain });
 */
export async function evaluateAlerts(store: Store, snapshot: MonitorSnapshot, rules: readonly AlertRule[], context: ActionContext = {}): Promise<EvaluatedAlerts> {
  const transitions = await applyAlertTransitions(store, snapshot, rules);
  const actions = await Promise.all(
    transitions.events.map(async (event) => ({ event, results: await runActions(event.rule.actions, event, context) })),
  );
  return { ...transitions, actions };
}

/** The store half of `evaluateAlerts`: verdicts and transitions in one transaction, no actions. */
export async function applyAlertTransitions(store: Store, snapshot: MonitorSnapshot, rules: readonly AlertRule[]): Promise<AlertTransitions> {
  const verdicts = rules.map((rule) => evaluateRule(rule, snapshot));
  const monitor = snapshot.monitor;
  const now = store.now();
  const events = await store.db.transaction().execute(async (trx) => {
    if (store.dialect === 'postgres') {
      await sql`SELECT pg_advisory_xact_lock(${ALERT_LOCK_CLASS}, hashtext(${monitor}))`.execute(trx);
    }
    const open = await trx.selectFrom('alerts').selectAll().where('monitor', '=', monitor).where('state', '=', 'firing').orderBy('id').execute();
    const out: AlertEvent[] = [];
    for (const [i, rule] of rules.entries()) {
      const verdict = verdicts[i] as RuleVerdict;
      const mine = open.filter((a) => a.rule === rule.name).map(toAlert);
      if (verdict.state === 'breached') {
        if (mine.length === 0) out.push({ event: 'alert.fired', alert: await fire(trx, store.actor, snapshot, verdict, now), rule, snapshot });
        else await trx.updateTable('alerts').set({ value: verdict.value, message: verdict.message }).where('id', 'in', mine.map((a) => a.id)).execute();
      } else if (verdict.state === 'holding') {
        for (const alert of mine) {
          const resolved = await resolve(trx, store.actor, snapshot, alert, verdict, now);
          if (resolved) out.push({ event: 'alert.resolved', alert: resolved, rule, snapshot });
        }
      }
    }
    return out;
  });
  return { verdicts, events };
}

async function fire(trx: Kysely<Database>, actor: string, snapshot: MonitorSnapshot, verdict: RuleVerdict, now: number): Promise<Alert> {
  const row = await trx
    .insertInto('alerts')
    .values({ monitor: snapshot.monitor, rule: verdict.rule, state: 'firing', started_time: now, resolved_time: null, value: verdict.value, message: verdict.message })
    .returning('id')
    .executeTakeFirstOrThrow();
  const alert: Alert = {
    id: Number(row.id), monitor: snapshot.monitor, rule: verdict.rule, state: 'firing', startedTime: now, resolvedTime: null, value: verdict.value, message: verdict.message,
  };
  await recordAudit(trx, {
    actor, action: 'alert.fired', subjectType: 'alert', subjectId: `${snapshot.monitor}/${verdict.rule}`,
    after: { id: alert.id, state: 'firing', value: alert.value, message: alert.message, deployment: snapshot.deployment, window: snapshot.window },
    reason: verdict.message, time: now,
  });
  return alert;
}

async function resolve(trx: Kysely<Database>, actor: string, snapshot: MonitorSnapshot, open: Alert, verdict: RuleVerdict, now: number): Promise<Alert | undefined> {
  const result = await trx
    .updateTable('alerts')
    .set({ state: 'resolved', resolved_time: now, value: verdict.value, message: verdict.message })
    .where('id', '=', open.id)
    .where('state', '=', 'firing')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  const alert: Alert = { ...open, state: 'resolved', resolvedTime: now, value: verdict.value, message: verdict.message };
  await recordAudit(trx, {
    actor, action: 'alert.resolved', subjectType: 'alert', subjectId: `${snapshot.monitor}/${verdict.rule}`,
    before: { id: open.id, state: 'firing', value: open.value, message: open.message, started_time: open.startedTime },
    after: { id: open.id, state: 'resolved', value: alert.value, message: alert.message, deployment: snapshot.deployment, window: snapshot.window },
    reason: verdict.message, time: now,
  });
  return alert;
}

export interface ListAlertsOptions {
  readonly monitor?: string;
  readonly rule?: string;
  readonly state?: AlertState;
  /** Newest first, at most this many. @default 100 */
  readonly limit?: number;
}

/** Stored alerts, newest first. */
export async function listAlerts(store: Store, options: ListAlertsOptions = {}): Promise<Alert[]> {
  let q = store.db.selectFrom('alerts').selectAll();
  if (options.monitor !== undefined) q = q.where('monitor', '=', options.monitor);
  if (options.rule !== undefined) q = q.where('rule', '=', options.rule);
  if (options.state !== undefined) q = q.where('state', '=', options.state);
  const rows = await q.orderBy('id', 'desc').limit(options.limit ?? 100).execute();
  return rows.map(toAlert);
}

type AlertRow = { id: number | string; monitor: string; rule: string; state: string; started_time: number | string; resolved_time: number | string | null; value: number | null; message: string };

function toAlert(r: AlertRow): Alert {
  return {
    id: Number(r.id), monitor: r.monitor, rule: r.rule, state: r.state === 'resolved' ? 'resolved' : 'firing',
    startedTime: Number(r.started_time), resolvedTime: r.resolved_time === null ? null : Number(r.resolved_time),
    value: r.value === null ? null : Number(r.value), message: r.message,
  };
}
