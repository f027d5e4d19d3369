import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listAudit } from '../audit/index.js';
import { createToken } from '../auth/index.js';
import { getVersionByAlias } from '../registry/index.js';
import { createServerApp, createWebhook, verifyRegistryWebhook } from '../server/index.js';
import { createJsonLogger } from '../serve/index.js';
import type { Store } from '../store/index.js';

export interface ServerDemoContext {
  readonly store: Store;
  readonly model: string;
  readonly say: (s: string) => void;
}

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * `slipway server` over the demo's store, with tokens required: an unchanged MLflow-style training
 * script (the HTTP calls MLflow's Python client makes) logs a run; a viewer is refused a write and the
 * refusal is audited; an editor cannot move the protected @production alias; the native API answers a
 * version's lineage; a webhook receiver gets a signed registry event when an admin moves an alias.
 */
export async function runServerSteps(c: ServerDemoContext, step: number): Promise<number> {
  const { store, model, say } = c;
  const notebook = await createToken(store, { name: 'notebook', role: 'editor', description: 'a data scientist\'s training script' });
  const dashboard = await createToken(store, { name: 'dashboard', role: 'viewer' });
  const release = await createToken(store, { name: 'release-manager', role: 'admin' });
  const deliveries: Delivery[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = await createWebhook(store, {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slipway`, events: ['model_version.alias_moved'], modelName: model,
    description: 'release notes bot',
  });
  const app = await createServerApp({
    store, auth: { required: true }, aliasPolicies: { production: { requireApproval: true } },
    log: createJsonLogger({ level: 'error' }), webhooks: { intervalMs: 100 },
  });
  try {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const call = async (token: string | undefined, method: string, path: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, json: (text.startsWith('{') ? JSON.parse(text) : text) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const mlflow = (method: string, route: string, body?: unknown) => call(notebook.token, method, `/api/2.0/mlflow/${route}`, body);
    say(`${step}. slipway server on ${base} with tokens required (notebook: editor, dashboard: viewer, release-manager: admin)`);

    // What `mlflow.set_experiment`, `start_run`, `log_params`, `log_metric`, `log_artifact`, `end_run` send.
    const found = await mlflow('GET', 'experiments/get-by-name?experiment_name=notebooks');
    if (found.status !== 404 || found.json.error_code !== 'RESOURCE_DOES_NOT_EXIST') throw new Error(`get-by-name of a new experiment answered ${found.status}`);
    const experimentId = (await mlflow('POST', 'experiments/create', { name: 'notebooks' })).json.experiment_id as string;
    const created = await mlflow('POST', 'runs/create', { experiment_id: experimentId, start_time: Date.now(), tags: [{ key: 'mlflow.runName', value: 'lr-sweep-3' }, { key: 'mlflow.user', value: 'ana' }] });
    const runId = created.json.run.info.run_id as string;
    const artifactUri = created.json.run.info.artifact_uri as string;
    await mlflow('POST', 'runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.05' }, { key: 'depth', value: '6' }] });
    for (let epoch = 0; epoch < 5; epoch++) await mlflow('POST', 'runs/log-metric', { run_id: runId, key: 'acc', value: 0.8 + epoch / 100, timestamp: Date.now(), step: epoch });
    const upload = await call(notebook.token, 'PUT', `/api/2.0/mlflow-artifacts/artifacts/${artifactUri.replace('mlflow-artifacts:/', '')}/notes.txt`, 'learning rate 0.05 looks best');
    if (upload.status !== 200) throw new Error(`artifact upload answered ${upload.status}`);
    await mlflow('POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    const searched = await call(dashboard.token, 'POST', '/api/2.0/mlflow/runs/search', { experiment_ids: [experimentId], filter: 'metrics.acc > 0.8 and params.lr = \'0.05\'', order_by: ['metrics.acc DESC'] });
    const history = await call(dashboard.token, 'GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=acc`);
    if (searched.json.runs?.length !== 1 || history.json.metrics?.length !== 5) throw new Error('the MLflow-style run did not come back from search and history');
    say(`   an MLflow-style script logged run ${runId.slice(0, 8)} (2 params, 5 acc points, notes.txt via the artifact proxy at ${artifactUri}); the dashboard's search "metrics.acc > 0.8 and params.lr = '0.05'" finds it`);

    const viewerWrite = await call(dashboard.token, 'POST', '/api/2.0/mlflow/runs/log-metric', { run_id: runId, key: 'acc', value: 1, timestamp: 0 });
    const anonymous = await call(undefined, 'GET', '/api/2.0/mlflow/experiments/search?max_results=5');
    if (viewerWrite.status !== 403 || anonymous.status !== 401) throw new Error(`expected 403 and 401, got ${viewerWrite.status} and ${anonymous.status}`);
    const denied = await listAudit(store.db, { action: 'auth.denied', limit: 10 });
    say(`   the viewer's log-metric: ${viewerWrite.status} ${viewerWrite.json.error_code}; no token: ${anonymous.status} ${anonymous.json.error_code}; both in the audit log (${denied.length} auth.denied entries)`);

    const production = await getVersionByAlias(store, model, 'production');
    const editorPromote = await mlflow('POST', 'registered-models/alias', { name: model, alias: 'production', version: '1' });
    if (editorPromote.status !== 403) throw new Error(`an editor moved @production: ${editorPromote.status}`);
    say(`   the editor tries to point the protected @production at v1 through MLflow's alias route: ${editorPromote.status} ${editorPromote.json.error_code}`);

    const version = await call(dashboard.token, 'GET', `/api/v1/models/${model}/versions/${production.version}`);
    const lineage = version.json.lineage as { code: { git_commit: string } | null; data: { name: string; digest: string }[]; pipeline_run: { run_id: string } | null; params: unknown[] };
    say(`   native API /api/v1/models/${model}/versions/${production.version}: pipeline run ${lineage.pipeline_run?.run_id.slice(0, 8) ?? '-'}, ${lineage.params.length} params, data ${lineage.data.slice(0, 2).map((d) => `${d.name}@${d.digest.slice(0, 8)}`).join(', ')}…, ${(version.json.blessings as unknown[]).length} gate results, ${(version.json.approvals as unknown[]).length} approvals`);

    // @staging already follows every new version; @challenger is a fresh alias, so it moves.
    const challenger = String(Number(production.version) - 1);
    const moved = await call(release.token, 'POST', '/api/2.0/mlflow/registered-models/alias', { name: model, alias: 'challenger', version: challenger });
    if (moved.status !== 200) throw new Error(`the admin could not set @challenger: ${moved.status} ${JSON.stringify(moved.json)}`);
    const delivery = await waitFor(() => deliveries[0], 10_000);
    const signed = verifyRegistryWebhook(hook.secret, delivery.body, header(delivery.headers, 'x-slipway-signature'), header(delivery.headers, 'x-slipway-timestamp'));
    const event = JSON.parse(delivery.body) as { event: string; alias: string; version: string; actor: string };
    if (!signed || event.event !== 'model_version.alias_moved' || event.alias !== 'challenger') throw new Error(`unexpected webhook delivery: ${delivery.body}`);
    say(`   release-manager set @challenger -> v${challenger} through MLflow's alias route; the webhook receiver got ${event.event} (@${event.alias} v${event.version} by ${event.actor}), signature verified`);
    const metrics = await call(undefined, 'GET', '/metrics');
    const served = [...String(metrics.json).matchAll(/^slipway_server_requests_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    say(`   /metrics: ${served} requests answered so far, by route pattern and status`);
  } finally {
    await app.close();
    await new Promise((r) => receiver.close(r));
  }
  return step + 1;
}

const header = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

async function waitFor<T>(get: () => T | undefined, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out waiting for the webhook delivery');
    await new Promise((r) => setTimeout(r, 50));
  }
}
