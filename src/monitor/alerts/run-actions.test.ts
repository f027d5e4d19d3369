import { describe, expect, it } from 'vitest';
import type { AlertEvent, AlertEventName } from './alert-event.js';
import { type AlertAction, parseAlertRules } from './alert-rules.js';
import { type AlertLogger, type RetrainRequest, runActions } from './run-actions.js';
import { verifyWebhookSignature } from './webhook.js';

const [rule] = parseAlertRules([{ name: 'acc', when: { metric: 'accuracy', below: 0.8 } }]);

function event(name: AlertEventName): AlertEvent {
  const resolved = name === 'alert.resolved';
  return {
    event: name,
    alert: {
      id: 7, monitor: 'quality', rule: 'acc', state: resolved ? 'resolved' : 'firing', startedTime: 100, resolvedTime: resolved ? 200 : null,
      value: resolved ? 0.9 : 0.7, message: resolved ? "metric 'accuracy' 0.9 is not below 0.8" : "metric 'accuracy' 0.7 is below 0.8",
    },
    rule: rule as NonNullable<typeof rule>,
    snapshot: { monitor: 'quality', deployment: 'churn', window: { start: 1000, end: 2000 }, metrics: { accuracy: resolved ? 0.9 : 0.7 } },
  };
}

function recordingLogger() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Readonly<Record<string, unknown>>) => void lines.push({ level, msg, fields: { ...fields } });
  const logger: AlertLogger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { lines, logger };
}

/** A fetch that records requests and answers with `status`. */
function recordingFetch(status = 200) {
  const requests: { url: string; headers: Record<string, string>; body: string }[] = [];
  const fetch: typeof globalThis.fetch = async (url, init) => {
    requests.push({ url: String(url), headers: { ...(init?.headers as Record<string, string>) }, body: String(init?.body) });
    return new Response('', { status });
  };
  return { requests, fetch };
}

const retrain: AlertAction = { kind: 'retrain', pipeline: 'slipway.yaml', with: { epochs: 5 } };

describe('runActions', () => {
  it('retrains on a fired alert with the window, never on a resolved one', async () => {
    const calls: RetrainRequest[] = [];
    const { logger } = recordingLogger();
    const context = { logger, retrain: async (r: RetrainRequest) => (calls.push(r), { status: 'started' as const, runId: 'abc' }) };
    expect(await runActions([retrain], event('alert.fired'), context)).toEqual([{ kind: 'retrain', ok: true, outcome: { status: 'started', runId: 'abc' } }]);
    expect(await runActions([retrain], event('alert.resolved'), context)).toEqual([{ kind: 'retrain', ok: true, skipped: 'only a fired alert retrains' }]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ pipeline: 'slipway.yaml', with: { epochs: 5 }, monitor: 'quality', rule: 'acc', deployment: 'churn', window: { start: 1000, end: 2000 } });
    expect(calls[0]?.alert.id).toBe(7);
  });

  it('reports a retrain that failed, threw, or had no runner, without throwing', async () => {
    const { lines, logger } = recordingLogger();
    const failed = await runActions([retrain], event('alert.fired'), { logger, retrain: async () => ({ status: 'failed', message: 'gate refused' }) });
    expect(failed).toEqual([{ kind: 'retrain', ok: false, outcome: { status: 'failed', message: 'gate refused' } }]);
    const threw = await runActions([retrain], event('alert.fired'), {
      logger,
      retrain: async () => {
        throw new Error('queue down');
      },
    });
    expect(threw).toEqual([{ kind: 'retrain', ok: false, error: 'queue down' }]);
    const none = await runActions([retrain], event('alert.fired'), { logger });
    expect(none[0]).toMatchObject({ kind: 'retrain', ok: false, skipped: expect.stringMatching(/no pipeline runner/) });
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual(['info alert retrain', 'error alert retrain failed', 'warn alert retrain skipped']);
  });

  it('logs fired at the rule’s level and resolved at info, with the alert’s fields; a throwing logger fails nothing', async () => {
    const { lines, logger } = recordingLogger();
    await runActions([{ kind: 'log', level: 'error' }], event('alert.fired'), { logger });
    await runActions([{ kind: 'log', level: 'error' }], event('alert.resolved'), { logger });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['error', "alert fired: metric 'accuracy' 0.7 is below 0.8"],
      ['info', "alert resolved: metric 'accuracy' 0.9 is not below 0.8"],
    ]);
    expect(lines[0]?.fields).toEqual({ event: 'alert.fired', alertId: 7, monitor: 'quality', rule: 'acc', deployment: 'churn', value: 0.7, windowStart: 1000, windowEnd: 2000 });
    const explode = () => {
      throw new Error('disk full');
    };
    const results = await runActions([{ kind: 'log', level: 'warn' }, retrain], event('alert.fired'), {
      logger: { info: explode, warn: explode, error: explode },
      retrain: async () => ({ status: 'started' }),
    });
    expect(results).toEqual([{ kind: 'log', ok: true }, { kind: 'retrain', ok: true, outcome: { status: 'started' } }]);
  });

  it('signs webhooks with the secret named by secret_env, and refuses to send unsigned when it is unset', async () => {
    const { requests, fetch } = recordingFetch();
    const { lines, logger } = recordingLogger();
    const action: AlertAction = { kind: 'webhook', url: 'https://hooks.test/a', secretEnv: 'HOOK_SECRET' };
    const sent = await runActions([action], event('alert.fired'), { logger, env: { HOOK_SECRET: 'k3y' }, webhook: { fetch }, now: () => 4242 });
    expect(sent).toEqual([{ kind: 'webhook', ok: true, url: 'https://hooks.test/a', delivery: { delivered: true, attempts: 1, status: 200 } }]);
    const r = requests[0];
    expect(verifyWebhookSignature('k3y', r?.body ?? '', r?.headers['x-slipway-signature'])).toBe(true);
    expect(JSON.parse(r?.body ?? '{}')).toMatchObject({ event: 'alert.fired', alert: { id: 7, state: 'firing' }, deployment: 'churn', sent_at: 4242 });

    const refused = await runActions([action], event('alert.fired'), { logger, env: {}, webhook: { fetch } });
    expect(refused[0]).toMatchObject({ kind: 'webhook', ok: false, delivery: { delivered: false, attempts: 0, error: 'environment variable HOOK_SECRET (the webhook secret) is not set' } });
    expect(requests).toHaveLength(1);
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual(['error alert webhook not sent']);
  });

  it('uses the rule’s attempts over the context’s, and logs a failed delivery', async () => {
    const { requests, fetch } = recordingFetch(503);
    const { lines, logger } = recordingLogger();
    const results = await runActions([{ kind: 'webhook', url: 'https://hooks.test/b', maxAttempts: 2 }], event('alert.resolved'), {
      logger, webhook: { fetch, maxAttempts: 9, sleep: async () => undefined },
    });
    expect(results).toEqual([{ kind: 'webhook', ok: false, url: 'https://hooks.test/b', delivery: { delivered: false, attempts: 2, status: 503, error: 'HTTP 503' } }]);
    expect(requests.map((r) => r.headers['x-slipway-event'])).toEqual(['alert.resolved', 'alert.resolved']);
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual(['error alert webhook failed']);
  });
});
