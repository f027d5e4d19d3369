/**
 * Running a rule's actions for one alert event. `log` writes a line, `webhook` POSTs the documented
 * body, `retrain` calls back into whoever runs pipelines (this module does not know how), and only
 * for 'alert.fired': a rule holding again is no reason to train. Actions run side by side; none
 * throws into the caller, each reports its own result.
 */
import type { Alert, AlertEvent } from './alert-event.js';
import type { AlertAction, LogLevelName } from './alert-rules.js';
import { alertWebhookBody, postWebhook, type WebhookDelivery, type WebhookOptions } from './webhook.js';

/** The shape of serve's JSON logger (`createJsonLogger`), or any logger with these three methods. */
export interface AlertLogger {
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  error(msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** What a `retrain` action asks for: run `pipeline` on the window that breached. */
export interface RetrainRequest {
  readonly pipeline: string;
  /** The action's `with:` parameters. */
  readonly with: Readonly<Record<string, string | number | boolean>>;
  readonly monitor: string;
  readonly rule: string;
  readonly deployment: string;
  /** The new data: the window the monitor measured (epoch ms, end exclusive). */
  readonly window: { readonly start: number; readonly end: number };
  readonly alert: Alert;
}

export interface RetrainOutcome {
  /** 'started' when the run was queued, else how it ended; the pipeline's gate and rollout decide the rest. */
  readonly status: 'started' | 'succeeded' | 'failed' | 'skipped';
  readonly runId?: string;
  readonly message?: string;
}

export interface ActionContext {
  /** @default JSON lines on stderr */
  readonly logger?: AlertLogger;
  /** Runs a retraining pipeline; without it a `retrain` action logs a warning and is skipped. */
  readonly retrain?: (request: RetrainRequest) => Promise<RetrainOutcome>;
  /** Transport settings for every webhook (tests inject fetch and sleep); a rule's own timeout and attempts win. */
  readonly webhook?: Omit<WebhookOptions, 'secret'>;
  /** Where `secret_env` names are looked up. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The webhook body's sent_at. @default Date.now */
  readonly now?: () => number;
}

export type ActionResult =
  | { readonly kind: 'log'; readonly ok: boolean }
  | { readonly kind: 'webhook'; readonly ok: boolean; readonly url: string; readonly delivery: WebhookDelivery }
  | { readonly kind: 'retrain'; readonly ok: boolean; readonly skipped?: string; readonly outcome?: RetrainOutcome; readonly error?: string };

/**
 * @example
 *   const results = await runActions(rule.actions, event, { logger, retrain: (r) => runPipeline(r) });
 */
export async function runActions(actions: readonly AlertAction[], event: AlertEvent, context: ActionContext = {}): Promise<ActionResult[]> {
  const logger = context.logger ?? stderrLogger;
  const fields = eventFields(event);
  return Promise.all(
    actions.map(async (action): Promise<ActionResult> => {
      try {
        switch (action.kind) {
          case 'log':
            return runLog(action.level, event, logger, fields);
          case 'webhook':
            return await runWebhook(action, event, context, logger, fields);
          case 'retrain':
            return await runRetrain(action, event, context, logger, fields);
        }
      } catch (err) {
        // Nothing above should throw; if something does, it is this action's failure, not the caller's.
        const error = err instanceof Error ? err.message : String(err);
        safely(() => logger.error('alert action failed', { ...fields, action: action.kind, err }));
        if (action.kind === 'webhook') return { kind: 'webhook', ok: false, url: action.url, delivery: { delivered: false, attempts: 0, error } };
        return action.kind === 'retrain' ? { kind: 'retrain', ok: false, error } : { kind: 'log', ok: false };
      }
    }),
  );
}

function runLog(level: LogLevelName, event: AlertEvent, logger: AlertLogger, fields: Record<string, unknown>): ActionResult {
  const fired = event.event === 'alert.fired';
  safely(() => logger[fired ? level : 'info'](fired ? `alert fired: ${event.alert.message}` : `alert resolved: ${event.alert.message}`, fields));
  return { kind: 'log', ok: true };
}

async function runWebhook(
  action: Extract<AlertAction, { kind: 'webhook' }>, event: AlertEvent, context: ActionContext, logger: AlertLogger, fields: Record<string, unknown>,
): Promise<ActionResult> {
  let secret = action.secret;
  if (action.secretEnv !== undefined) {
    secret = (context.env ?? process.env)[action.secretEnv];
    if (!secret) {
      // Sending unsigned would teach the receiver to accept unsigned bodies: refuse instead.
      const delivery: WebhookDelivery = { delivered: false, attempts: 0, error: `environment variable ${action.secretEnv} (the webhook secret) is not set` };
      safely(() => logger.error('alert webhook not sent', { ...fields, url: action.url, error: delivery.error }));
      return { kind: 'webhook', ok: false, url: action.url, delivery };
    }
  }
  const body = alertWebhookBody(event, (context.now ?? Date.now)());
  const delivery = await postWebhook(action.url, event.event, body, {
    ...context.webhook,
    ...(secret !== undefined ? { secret } : {}),
    ...(action.timeoutMs !== undefined ? { timeoutMs: action.timeoutMs } : {}),
    ...(action.maxAttempts !== undefined ? { maxAttempts: action.maxAttempts } : {}),
  });
  if (!delivery.delivered) safely(() => logger.error('alert webhook failed', { ...fields, url: action.url, ...delivery }));
  return { kind: 'webhook', ok: delivery.delivered, url: action.url, delivery };
}

async function runRetrain(
  action: Extract<AlertAction, { kind: 'retrain' }>, event: AlertEvent, context: ActionContext, logger: AlertLogger, fields: Record<string, unknown>,
): Promise<ActionResult> {
  if (event.event !== 'alert.fired') return { kind: 'retrain', ok: true, skipped: 'only a fired alert retrains' };
  if (!context.retrain) {
    const skipped = `no pipeline runner is configured here, so pipeline '${action.pipeline}' was not run`;
    safely(() => logger.warn('alert retrain skipped', { ...fields, pipeline: action.pipeline, reason: skipped }));
    return { kind: 'retrain', ok: false, skipped };
  }
  const s = event.snapshot;
  try {
    const outcome = await context.retrain({
      pipeline: action.pipeline, with: action.with, monitor: event.alert.monitor, rule: event.alert.rule, deployment: s.deployment,
      window: { start: s.window.start, end: s.window.end }, alert: event.alert,
    });
    safely(() => logger.info('alert retrain', { ...fields, pipeline: action.pipeline, ...outcome }));
    return { kind: 'retrain', ok: outcome.status !== 'failed', outcome };
  } catch (err) {
    safely(() => logger.error('alert retrain failed', { ...fields, pipeline: action.pipeline, err }));
    return { kind: 'retrain', ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

function eventFields(e: AlertEvent): Record<string, unknown> {
  return {
    event: e.event, alertId: e.alert.id, monitor: e.alert.monitor, rule: e.alert.rule, deployment: e.snapshot.deployment,
    value: e.alert.value, windowStart: e.snapshot.window.start, windowEnd: e.snapshot.window.end,
  };
}

/** A logger that throws must not turn one failed line into a failed action. */
function safely(write: () => void): void {
  try {
    write();
  } catch {
    // ignored: logging is best effort
  }
}

const line = (level: string) => (msg: string, fields?: Readonly<Record<string, unknown>>) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
};
const stderrLogger: AlertLogger = { info: line('info'), warn: line('warn'), error: line('error') };
