import { readFile } from 'node:fs/promises';
import type { AuditRecord } from '../../audit/index.js';
import { invalid } from '../../errors.js';
import { parseSmokeCases, type DeploymentRevision } from '../../serve/index.js';
import type { MlflowHttp } from '../../tracking/index.js';
import type { Webhook, WebhookDeliveryRecord } from '../webhooks/index.js';
import { allPages, enc, toAlert, toDeployment, toMonitorRun } from './native-json.js';
import type { DeployOutcome, OpsClient } from './ops-client.js';
import type { RegistryOps } from './remote-registry-ops.js';

type Operations = Omit<OpsClient, 'description' | 'remote' | keyof RegistryOps>;

/** The local store lists at most this many alerts; so does a server's first page. */
const ALERTS_LIMIT = 100;

/** Audit, deployments, monitors' runs and alerts, and webhooks through a server's native API (`/api/v1`). */
export function remoteOperations(http: MlflowHttp): Operations {
  const deployment = (name: string) => `/api/v1/deployments/${enc(name)}`;
  const webhook = (id: string) => `/api/v1/webhooks/${enc(id)}`;
  const change = async (name: string, action: 'rollback' | 'promote', reason: string | undefined) =>
    toDeployment((await http.json<{ deployment: unknown }>('POST', `${deployment(name)}/${action}`, reason ? { reason } : {})).deployment);

  return {
    listAudit: (f) => allPages<AuditRecord>(http, '/api/v1/audit', 'entries', {
      subject: f.subject, subject_type: f.subjectType, actor: f.actor, action: f.action,
    }, f.limit),

    async deploy(name, o): Promise<DeployOutcome> {
      const l = o.limits ?? {};
      const limits = {
        ...(l.minRequests !== undefined ? { min_requests: l.minRequests } : {}), ...(l.maxErrorRate !== undefined ? { max_error_rate: l.maxErrorRate } : {}),
        ...(l.maxLatencyRatio !== undefined ? { max_latency_ratio: l.maxLatencyRatio } : {}), ...(l.promoteAfter !== undefined ? { promote_after: l.promoteAfter } : {}),
      };
      const body = {
        model: o.uri, ...(o.strategy ? { strategy: o.strategy } : {}), ...(o.percent !== undefined ? { percent: o.percent } : {}),
        ...(o.keyHeader ? { key_header: o.keyHeader } : {}), ...(o.smokeFile ? { smoke: await smokeCases(o.smokeFile) } : {}),
        ...(o.skipSmoke ? { skip_smoke: true } : {}), ...(Object.keys(limits).length ? { limits } : {}), ...(o.reason ? { reason: o.reason } : {}),
      };
      const answer = await http.json<{ deployment: unknown; smoke: DeployOutcome['smoke'] | null }>('POST', `${deployment(name)}/deploy`, body);
      return { deployment: toDeployment(answer.deployment), smoke: answer.smoke ?? undefined };
    },
    rollback: (name, reason) => change(name, 'rollback', reason),
    promoteCandidate: (name, reason) => change(name, 'promote', reason),
    async listDeployments() {
      return (await allPages(http, '/api/v1/deployments', 'deployments')).map(toDeployment);
    },
    async getDeployment(name) {
      const answer = await http.json<{ deployment: unknown; history: DeploymentRevision[] }>('GET', deployment(name));
      return { deployment: toDeployment(answer.deployment), history: answer.history };
    },

    async listMonitorRuns(monitor, limit) {
      return (await allPages(http, `/api/v1/monitors/${enc(monitor)}/runs`, 'runs', {}, limit)).map(toMonitorRun);
    },
    async listAlerts(f) {
      const page = await http.json<{ alerts: unknown[] }>('GET', '/api/v1/alerts', { monitor: f.monitor, state: f.state, limit: ALERTS_LIMIT });
      return page.alerts.map(toAlert);
    },

    async createWebhook(o) {
      const body = {
        url: o.url, events: o.events, ...(o.modelName != null ? { model_name: o.modelName } : {}), ...(o.secret !== undefined ? { secret: o.secret } : {}),
        ...(o.description !== undefined ? { description: o.description } : {}),
      };
      const answer = await http.json<{ webhook: Webhook; secret: string }>('POST', '/api/v1/webhooks', body);
      return { webhook: answer.webhook, secret: answer.secret };
    },
    listWebhooks: () => allPages<Webhook>(http, '/api/v1/webhooks', 'webhooks'),
    async updateWebhook(id, c) {
      const body = {
        ...(c.url !== undefined ? { url: c.url } : {}), ...(c.events !== undefined ? { events: c.events } : {}),
        ...(c.modelName !== undefined ? { model_name: c.modelName } : {}), ...(c.description !== undefined ? { description: c.description } : {}),
        ...(c.status !== undefined ? { status: c.status } : {}),
      };
      return (await http.json<{ webhook: Webhook }>('PATCH', webhook(id), body)).webhook;
    },
    async deleteWebhook(id) {
      await http.json('DELETE', webhook(id));
    },
    listDeliveries: (id, o) => allPages<WebhookDeliveryRecord>(http, `${webhook(id)}/deliveries`, 'deliveries', { status: o.status }, o.limit),
    async redeliver(id, deliveryId) {
      return (await http.json<{ delivery: WebhookDeliveryRecord }>('POST', `${webhook(id)}/deliveries/${deliveryId}/redeliver`)).delivery;
    },
  };
}

/** A smoke test file's cases, checked here (with the file named in errors, as a local deploy does) and sent as JSON. */
async function smokeCases(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw invalid(`cannot read the smoke test file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  parseSmokeCases(text, path);
  return JSON.parse(text) as unknown;
}
