import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { createTestStore, type TestStore } from '../helpers/test-store.js';
import { createServerApp } from '../../src/server/index.js';
import { createJsonLogger } from '../../src/serve/index.js';

/**
 * The HTTP calls MLflow 2.10's Python client makes for a training script, in order, against a real
 * listening server (mlflow/tracking/fluent.py → _tracking_service/client.py → store/tracking/rest_store.py):
 *
 *   mlflow.set_experiment("churn")          GET experiments/get-by-name → 404, POST experiments/create, GET experiments/get
 *   with mlflow.start_run(run_name="train")  POST runs/create (user_id and the context tags mlflow.user, mlflow.source.*)
 *     mlflow.log_params({...})               POST runs/log-batch {run_id, params}
 *     mlflow.log_metric("loss", v, step=e)   POST runs/log-metric {run_uuid, key, value, timestamp, step, run_id}
 *     mlflow.set_tags({...})                 POST runs/log-batch {run_id, tags}
 *     mlflow.log_metrics({...})              POST runs/log-batch {run_id, metrics}
 *   (end of the with block)                  POST runs/update {run_uuid, status: FINISHED, end_time, run_id}
 *   mlflow.search_runs(...)                  POST runs/search {experiment_ids, filter, run_view_type, max_results: 10000, order_by}
 *   client.get_metric_history(run, "loss")   GET metrics/get-history?run_uuid&run_id&metric_key&max_results=25000
 *
 * Bodies are built as the client's message_to_json builds them (proto field order, unset fields left
 * out), and each answer is checked for the fields the client's from_proto reads.
 */

/** What rest_store.py sends, one method per client call. Artifact and registry calls get their own methods here. */
class MlflowRestClient {
  constructor(readonly base: string) {}

  async call(method: 'GET' | 'POST', path: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
    let url = `${this.base}/api/2.0/mlflow/${path}`;
    const init: RequestInit = { method, headers: { 'User-Agent': 'mlflow-python-client/2.10.2' } };
    if (method === 'GET') {
      // requests encodes a dict of params with lists as repeated keys.
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) for (const x of Array.isArray(v) ? v : [v]) q.append(k, String(x));
      url += `?${q}`;
    } else {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    }
    const res = await fetch(url, init);
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async ok(method: 'GET' | 'POST', path: string, body: Record<string, unknown>) {
    const r = await this.call(method, path, body);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field, as the client does
type Any = any;

/** RunInfo.from_proto reads these; an absent end_time is read as 0 and means "still running". */
function expectRunInfo(info: Any, expected: { run_id: string; experiment_id: string; status: string; run_name: string }) {
  expect(info).toMatchObject({ ...expected, run_uuid: expected.run_id, lifecycle_stage: 'active', user_id: 'alice' });
  expect(info.artifact_uri).toBe(`mlflow-artifacts:/${expected.experiment_id}/${expected.run_id}/artifacts`);
  expect(typeof info.start_time).toBe('number');
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`MLflow 2.10 client call sequence over HTTP (${backend.name})`, () => {
    let ts: TestStore;
    let app: FastifyInstance;
    let client: MlflowRestClient;
    beforeAll(async () => {
      ts = await createTestStore(backend);
      app = await createServerApp({ store: ts.store, log: createJsonLogger({ level: 'error', stream: { write: () => true } }), webhooks: false });
      client = new MlflowRestClient(await app.listen({ host: '127.0.0.1', port: 0 }));
    });
    afterAll(async () => {
      await app.close();
      await ts.dispose();
    });

    it('runs a training script: experiment, run, params, per-epoch metrics, tags, end, search, history', async () => {
      // --- mlflow.set_experiment("churn") ---
      const missing = await client.call('GET', 'experiments/get-by-name', { experiment_name: 'churn' });
      expect(missing).toEqual({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'churn'" } });
      const created = await client.ok('POST', 'experiments/create', { name: 'churn' });
      const experimentId = created.experiment_id as string;
      const experiment = (await client.ok('GET', 'experiments/get', { experiment_id: experimentId })).experiment as Any;
      expect(experiment).toMatchObject({ experiment_id: experimentId, name: 'churn', lifecycle_stage: 'active', artifact_location: `mlflow-artifacts:/${experimentId}` });

      // --- mlflow.start_run(run_name="train") ---
      const startTime = Date.now();
      const contextTags = [
        { key: 'mlflow.user', value: 'alice' },
        { key: 'mlflow.source.name', value: 'train.py' },
        { key: 'mlflow.source.type', value: 'LOCAL' },
      ];
      const run = (await client.ok('POST', 'runs/create', { experiment_id: experimentId, user_id: 'alice', start_time: startTime, tags: contextTags, run_name: 'train' })).run as Any;
      const runId = run.info.run_id as string;
      expectRunInfo(run.info, { run_id: runId, experiment_id: experimentId, status: 'RUNNING', run_name: 'train' });
      expect(run.info.start_time).toBe(startTime);
      expect(run.info.end_time).toBeUndefined();
      expect(run.data.tags).toEqual(expect.arrayContaining([...contextTags, { key: 'mlflow.runName', value: 'train' }]));

      // --- mlflow.log_params({"lr": 0.01, "depth": 6}) ---
      expect(await client.ok('POST', 'runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.01' }, { key: 'depth', value: '6' }] })).toEqual({});

      // --- for epoch in range(5): mlflow.log_metric("loss", ..., step=epoch) ---
      const losses = [0.9, 0.6, 0.45, 0.41, 0.4];
      for (const [step, value] of losses.entries()) {
        const body = { run_uuid: runId, key: 'loss', value, timestamp: startTime + 1000 * (step + 1), step, run_id: runId };
        expect(await client.ok('POST', 'runs/log-metric', body)).toEqual({});
      }

      // --- mlflow.set_tags({...}); mlflow.log_metrics({...}) ---
      expect(await client.ok('POST', 'runs/log-batch', { run_id: runId, tags: [{ key: 'team', value: 'risk' }, { key: 'model', value: 'gbdt' }] })).toEqual({});
      const finalMetrics = [
        { key: 'val_auc', value: 0.91, timestamp: startTime + 6000, step: 0 },
        { key: 'val_acc', value: 0.87, timestamp: startTime + 6000, step: 0 },
      ];
      expect(await client.ok('POST', 'runs/log-batch', { run_id: runId, metrics: finalMetrics })).toEqual({});

      // --- (room for artifacts: mlflow.log_artifact / log_model through the artifact proxy) ---

      // --- end of the with block: set_terminated(run_id, "FINISHED") ---
      const endTime = startTime + 7000;
      const updated = (await client.ok('POST', 'runs/update', { run_uuid: runId, status: 'FINISHED', end_time: endTime, run_id: runId })).run_info as Any;
      expectRunInfo(updated, { run_id: runId, experiment_id: experimentId, status: 'FINISHED', run_name: 'train' });
      expect(updated.end_time).toBe(endTime);

      // A second, worse run, so the search below has something to sort.
      const other = (await client.ok('POST', 'runs/create', { experiment_id: experimentId, user_id: 'alice', start_time: startTime + 10_000, tags: contextTags, run_name: 'baseline' })).run as Any;
      await client.ok('POST', 'runs/log-batch', { run_id: other.info.run_id, metrics: [{ key: 'val_auc', value: 0.8, timestamp: startTime + 11_000, step: 0 }], params: [{ key: 'lr', value: '0.1' }] });
      await client.ok('POST', 'runs/update', { run_uuid: other.info.run_id, status: 'FINISHED', end_time: startTime + 12_000, run_id: other.info.run_id });

      // --- mlflow.search_runs([experiment_id], filter_string=..., order_by=[...], output_format="list") ---
      const search = await client.ok('POST', 'runs/search', {
        experiment_ids: [experimentId], filter: "metrics.val_auc > 0.5 and attributes.status = 'FINISHED'", run_view_type: 'ACTIVE_ONLY',
        max_results: 10000, order_by: ['metrics.val_auc DESC'],
      });
      expect(search.next_page_token).toBeUndefined();
      const found = search.runs as Any[];
      expect(found.map((r) => r.info.run_name)).toEqual(['train', 'baseline']);
      const best = found[0];
      expectRunInfo(best.info, { run_id: runId, experiment_id: experimentId, status: 'FINISHED', run_name: 'train' });
      expect(best.info.end_time).toBe(endTime);
      // RunData.from_proto: latest metric per key, params and tags as key/value lists.
      expect(best.data.metrics).toEqual(expect.arrayContaining([
        { key: 'loss', value: 0.4, timestamp: startTime + 5000, step: 4 },
        ...finalMetrics,
      ]));
      expect(best.data.metrics).toHaveLength(3);
      expect(best.data.params).toEqual([{ key: 'depth', value: '6' }, { key: 'lr', value: '0.01' }]);
      expect(best.data.tags).toEqual(expect.arrayContaining([{ key: 'team', value: 'risk' }, { key: 'model', value: 'gbdt' }]));
      expect(best.inputs).toEqual({});

      // --- MlflowClient().get_metric_history(run_id, "loss") ---
      const history = await client.ok('GET', 'metrics/get-history', { run_uuid: runId, run_id: runId, metric_key: 'loss', max_results: 25000 });
      expect(history).toEqual({
        metrics: losses.map((value, step) => ({ key: 'loss', value, timestamp: startTime + 1000 * (step + 1), step })),
      });

      // --- (room for the registry: mlflow.register_model, aliases, model-versions/get polling) ---
    });

    it('answers a second set_experiment for the same name with the existing experiment', async () => {
      const found = await client.ok('GET', 'experiments/get-by-name', { experiment_name: 'churn' });
      expect(found.experiment).toMatchObject({ name: 'churn', lifecycle_stage: 'active' });
    });
  });
}
