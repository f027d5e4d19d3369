import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { createServerApp, type ServerAppOptions } from '../../src/server/index.js';
import type { Role } from '../../src/server/index.js';
import { createJsonLogger } from '../../src/serve/index.js';
import type { Store } from '../../src/store/index.js';
import { createExperiment, createRun, getExperimentByName, logBatch, logInputs, putArtifact, updateRun } from '../../src/tracking/index.js';
import type { TestBackend } from '../backends.js';
import { createTestStore, steppingClock, type TestStore } from '../helpers/test-store.js';
import type { CallResult } from './server-fixture.js';

type Json = Record<string, unknown>;

export interface NativeTestServer {
  readonly ts: TestStore;
  /** The server's own OpenAPI document. */
  readonly doc: Json;
  /**
   * Calls the API in-process (GET: `params` as the query; others: as a JSON body) as `as` (name:role,
   * default the store's user as admin) and checks the answer against the document: its status must be
   * documented for the operation, and its body must match that response's schema.
   */
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, params?: unknown, as?: `${string}:${Role}`): Promise<CallResult>;
  dispose(): Promise<void>;
}

/**
 * The real server app over a fresh store, with one test-only hook: `x-test-principal: name:role`
 * replaces the caller the (disabled) auth hook set, so role checks in handlers can be exercised.
 */
export async function createNativeTestServer(backend: TestBackend, options: Partial<ServerAppOptions> & { now?: () => number } = {}): Promise<NativeTestServer> {
  const ts = await createTestStore(backend, { now: options.now ?? steppingClock() });
  const app = await createServerApp({ log: createJsonLogger({ level: 'error', stream: { write: () => true } }), webhooks: false, ...options, store: ts.store });
  app.addHook('onRequest', async (request) => {
    const given = request.headers['x-test-principal'];
    if (typeof given !== 'string') return;
    const [name = '', role = 'viewer'] = given.split(':');
    request.principal = { name, role: role as Role };
  });
  await app.ready();
  const docResponse = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  const doc = JSON.parse(docResponse.body) as Json;
  const check = responseChecker(doc);
  return {
    ts, doc,
    async call(method, path, params, as) {
      const get = method === 'GET';
      const query = get && params ? new URLSearchParams(Object.entries(params as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)])).toString() : '';
      const res = await app.inject({
        method, url: path + (query ? `?${query}` : ''),
        headers: { ...(as ? { 'x-test-principal': as } : {}), ...(!get && params !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(!get && params !== undefined ? { payload: typeof params === 'string' ? params : JSON.stringify(params) } : {}),
      });
      let body: unknown = res.body;
      if (String(res.headers['content-type']).startsWith('application/json')) body = JSON.parse(res.body);
      check(method, path, res.statusCode, String(res.headers['content-type']), body);
      return { status: res.statusCode, body, headers: res.headers };
    },
    async dispose() {
      await app.close();
      await ts.dispose();
    },
  };
}

/** Validates answers against the document's response schemas (JSON Schema 2020-12, with the components as $defs). */
export function responseChecker(doc: Json): (method: string, path: string, status: number, contentType: string, body: unknown) => void {
  const components = doc.components as { schemas: Json; responses: Record<string, Json> };
  const local = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"slipway:components#/$defs/')) as Json;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addSchema({ $id: 'slipway:components', $defs: local(components.schemas) });
  const compiled = new Map<string, ValidateFunction>();
  const operations = Object.entries(doc.paths as Record<string, Record<string, Json>>).map(([template, ops]) => ({
    template, pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`), ops,
  }));
  return (method, path, status, contentType, body) => {
    const match = operations.find((o) => o.pattern.test(path) && o.ops[method.toLowerCase()]);
    if (!match) return; // not a documented route: the server's own 404
    const responses = match.ops[method.toLowerCase()]?.responses as Record<string, Json>;
    let response = responses[String(status)];
    expect(response, `${method} ${path} answered ${status}, which its operation does not document: ${JSON.stringify(body)}`).toBeDefined();
    const ref = response?.$ref;
    if (typeof ref === 'string') response = components.responses[ref.split('/').at(-1) ?? ''];
    const media = Object.keys(response?.content as Json)[0] ?? '';
    expect(contentType.startsWith(media), `${method} ${path}: content type ${contentType}, documented ${media}`).toBe(true);
    const key = `${method} ${match.template} ${status}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(local(((response?.content as Record<string, Json>)[media] as Json).schema));
      compiled.set(key, validate);
    }
    const ok = validate(body);
    expect(ok, `${key}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body).slice(0, 2000)}`).toBe(true);
  };
}

export interface SeededPipeline {
  readonly experimentId: string;
  readonly parent: string;
  /** Stage name → its run id. */
  readonly stages: Record<'prepare' | 'train' | 'evaluate', string>;
}

/**
 * Records a pipeline run as `slipway run` does (a parent run tagged slipway.kind=pipeline with a
 * child per stage: params, metrics, deps/outs by hash, duration, log), without running anything.
 * `train` stores `model/model.onnx`, so a version can be registered from it.
 */
export async function seedPipelineRun(store: Store, pipeline: string, options: { commit?: string; dirty?: boolean; failEvaluate?: boolean } = {}): Promise<SeededPipeline> {
  const experimentId = await getExperimentByName(store, pipeline).then((e) => e.experiment_id, async () => (await createExperiment(store, pipeline)).experiment_id);
  const commit = options.commit ?? 'a'.repeat(40);
  const common = [{ key: 'slipway.host', value: 'test' }, { key: 'slipway.git.dirty', value: String(options.dirty ?? false) }];
  const parent = (await createRun(store, {
    experimentId, runName: `${pipeline} pipeline`, sourceGitCommit: commit, tags: [{ key: 'slipway.kind', value: 'pipeline' }, ...common],
  })).info.run_id;
  await logBatch(store, parent, { params: [{ key: 'set.train.lr', value: '0.1' }] });
  const stage = async (name: 'prepare' | 'train' | 'evaluate', cached: boolean, io: { inputs: [string, string][]; outputs: [string, string][] }, metrics: Record<string, number>) => {
    const runId = (await createRun(store, {
      experimentId, runName: name, parentRunId: parent, sourceGitCommit: commit,
      tags: [{ key: 'slipway.kind', value: 'stage' }, { key: 'slipway.stage', value: name }, { key: 'slipway.cache', value: cached ? 'run-cache' : 'none' }, ...common],
    })).info.run_id;
    await logBatch(store, runId, { params: [{ key: 'seed', value: '7' }, ...(name === 'train' ? [{ key: 'lr', value: '0.1' }] : [])] });
    await logInputs(store, runId, [
      ...io.inputs.map(([path, digest]) => ({ name: path, digest, context: 'input', source: path, size: 10 })),
      ...io.outputs.map(([path, digest]) => ({ name: path, digest, context: 'output', source: path, size: 20 })),
    ]);
    await logBatch(store, runId, { metrics: [...Object.entries(metrics).map(([key, value]) => ({ key, value })), { key: 'slipway.duration_s', value: 1.5 }] });
    await putArtifact(store, runId, 'logs/stage.log', `${name}: started\n${name}: done\n`);
    if (name === 'train') await putArtifact(store, runId, 'model/model.onnx', `onnx bytes of ${pipeline}`);
    await updateRun(store, runId, { status: name === 'evaluate' && options.failEvaluate ? 'FAILED' : 'FINISHED' });
    return runId;
  };
  const h = (c: string) => c.repeat(64);
  const stages = {
    prepare: await stage('prepare', true, { inputs: [['raw/data.csv', h('1')]], outputs: [['data/train.csv', h('2')]] }, {}),
    train: await stage('train', false, { inputs: [['data/train.csv', h('2')]], outputs: [['model', h('3')]] }, { loss: 0.25 }),
    evaluate: await stage('evaluate', false, { inputs: [['model', h('3')], ['data/test.csv', h('4')]], outputs: [] }, { accuracy: 0.87, log_loss: Number.NaN }),
  };
  await updateRun(store, parent, { status: options.failEvaluate ? 'FAILED' : 'FINISHED' });
  return { experimentId, parent, stages };
}
