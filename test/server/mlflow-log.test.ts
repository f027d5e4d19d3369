import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { createTestServer, type TestServer } from './server-fixture.js';
import { API, badParam, getRunBody, missingParam, mlflowError, newExperiment, newRun, ok, runNotFound } from './mlflow-tracking-fixture.js';

const DOCS = ' See the API docs for more information about request parameters.';
const invalid = (message: string) => mlflowError('INVALID_PARAMETER_VALUE', message);

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`MLflow logging routes (${backend.name})`, () => {
    let s: TestServer;
    let exp: string;
    beforeAll(async () => {
      s = await createTestServer(backend);
      exp = await newExperiment(s, 'logging');
    });
    afterAll(async () => s.dispose());

    const post = (path: string, body: unknown) => s.call('POST', `${API}${path}`, body);
    const history = async (runId: string, key: string) => ok(await s.call('GET', `${API}metrics/get-history`, { run_id: runId, metric_key: key })).body.metrics;
    const rows = async (table: 'metrics' | 'latest_metrics' | 'params' | 'tags', runId: string) => {
      const r = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM ${sql.table(table)} WHERE run_uuid = ${runId}`.execute(s.ts.store.db);
      return Number(r.rows[0]?.n);
    };

    it('logs single metrics (step 0 by default) and answers {}', async () => {
      const run = await newRun(s, exp);
      expect(ok(await post('runs/log-metric', { run_id: run, key: 'loss', value: 0.5, timestamp: 1000, step: 2 })).body).toEqual({});
      ok(await post('runs/log-metric', { run_uuid: run, key: 'loss', value: '0.25', timestamp: '1001' }));
      expect(await history(run, 'loss')).toEqual([
        { key: 'loss', value: 0.25, timestamp: 1001, step: 0 },
        { key: 'loss', value: 0.5, timestamp: 1000, step: 2 },
      ]);
      // The latest value is the one with the highest step.
      expect((await getRunBody(s, run)).data.metrics).toEqual([{ key: 'loss', value: 0.5, timestamp: 1000, step: 2 }]);
    });

    it('stores NaN and the infinities, written back as protobuf JSON strings', async () => {
      const run = await newRun(s, exp);
      for (const [key, value] of [['nan', 'NaN'], ['pinf', 'Infinity'], ['ninf', '-Infinity']] as const) {
        ok(await post('runs/log-metric', { run_id: run, key, value, timestamp: 5 }));
        expect(await history(run, key)).toEqual([{ key, value, timestamp: 5, step: 0 }]);
      }
      ok(await post('runs/log-batch', { run_id: run, metrics: [{ key: 'batch', value: 'NaN', timestamp: 6 }, { key: 'batch', value: 1.5, timestamp: 7, step: 1 }] }));
      expect(await history(run, 'batch')).toEqual([
        { key: 'batch', value: 'NaN', timestamp: 6, step: 0 },
        { key: 'batch', value: 1.5, timestamp: 7, step: 1 },
      ]);
    });

    it('refuses log-metric calls missing a field, with a bad value, on a bad key, or on unknown and deleted runs', async () => {
      const run = await newRun(s, exp);
      expect(await post('runs/log-metric', { run_id: run, key: 'x', value: 1 })).toMatchObject({ status: 400, body: missingParam('timestamp') });
      expect(await post('runs/log-metric', { run_id: run, key: 'x', timestamp: 1 })).toMatchObject({ status: 400, body: missingParam('value') });
      expect(await post('runs/log-metric', { run_id: run, value: 1, timestamp: 1 })).toMatchObject({ status: 400, body: missingParam('key') });
      expect(await post('runs/log-metric', { key: 'x', value: 1, timestamp: 1 })).toMatchObject({ status: 400, body: missingParam('run_id') });
      expect(await post('runs/log-metric', { run_id: run, key: 'x', value: 'abc', timestamp: 1 })).toMatchObject({ status: 400, body: badParam('value', 'abc', 'str') });
      expect(await post('runs/log-metric', { run_id: run, key: 'a b!', value: 1, timestamp: 1 })).toMatchObject({
        status: 400,
        body: invalid("Invalid metric name: 'a b!'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/)."),
      });
      const unknown = 'a'.repeat(32);
      expect(await post('runs/log-metric', { run_id: unknown, key: 'x', value: 1, timestamp: 1 })).toMatchObject({ status: 404, body: runNotFound(unknown) });
      ok(await post('runs/delete', { run_id: run }));
      expect(await post('runs/log-metric', { run_id: run, key: 'x', value: 1, timestamp: 1 })).toMatchObject({
        status: 400, body: invalid(`The run ${run} must be in the 'active' state. Current state is deleted.`),
      });
      expect(await rows('metrics', run)).toBe(0);
    });

    it('logs a param once: the same value again is fine, another value is refused with MLflow\'s message', async () => {
      const run = await newRun(s, exp);
      expect(ok(await post('runs/log-parameter', { run_id: run, key: 'lr', value: '0.1' })).body).toEqual({});
      ok(await post('runs/log-parameter', { run_id: run, key: 'lr', value: '0.1' }));
      expect(await post('runs/log-parameter', { run_id: run, key: 'lr', value: '0.2' })).toMatchObject({
        status: 400,
        body: invalid(`Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='${run}'. Attempted logging new value '0.2'.`),
      });
      // No value is the empty string, as protobuf reads an unset string field.
      ok(await post('runs/log-parameter', { run_id: run, key: 'empty' }));
      expect((await getRunBody(s, run)).data.params).toEqual([{ key: 'empty', value: '' }, { key: 'lr', value: '0.1' }]);
      expect(await post('runs/log-parameter', { run_id: run, key: 'big', value: 'v'.repeat(6001) })).toMatchObject({
        status: 400, body: invalid(`Param value '${'v'.repeat(250)}' had length 6001, which exceeded length limit of 6000`),
      });
    });

    it('sets, overwrites and deletes tags; mlflow.runName renames the run', async () => {
      const run = await newRun(s, exp, { run_name: 'first' });
      expect(ok(await post('runs/set-tag', { run_id: run, key: 'stage', value: 'dev' })).body).toEqual({});
      ok(await post('runs/set-tag', { run_id: run, key: 'stage', value: 'prod' }));
      ok(await post('runs/set-tag', { run_id: run, key: 'mlflow.runName', value: 'second' }));
      const body = await getRunBody(s, run);
      expect(body.info.run_name).toBe('second');
      expect(body.data.tags).toEqual([{ key: 'mlflow.runName', value: 'second' }, { key: 'stage', value: 'prod' }]);
      expect(ok(await post('runs/delete-tag', { run_id: run, key: 'stage' })).body).toEqual({});
      expect(await post('runs/delete-tag', { run_id: run, key: 'stage' })).toMatchObject({
        status: 404, body: mlflowError('RESOURCE_DOES_NOT_EXIST', `No tag with name: stage in run with id ${run}`),
      });
      expect(await post('runs/set-tag', { run_id: run, value: 'x' })).toMatchObject({ status: 400, body: missingParam('key') });
      expect(await post('runs/set-tag', { run_id: run, key: 'long', value: 't'.repeat(8001) })).toMatchObject({
        status: 400, body: invalid(`Tag value '${'t'.repeat(250)}' had length 8001, which exceeded length limit of 8000`),
      });
    });

    it('logs a batch of metrics, params and tags in one call', async () => {
      const run = await newRun(s, exp, { run_name: 'batch' });
      const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 10}`, value: i / 10, timestamp: 2000 + i, step: Math.floor(i / 10) }));
      const params = Array.from({ length: 100 }, (_, i) => ({ key: `p${String(i).padStart(3, '0')}`, value: String(i) }));
      ok(await post('runs/log-batch', { run_id: run, metrics: metrics.slice(0, 900), params, tags: [] }));
      expect(await rows('metrics', run)).toBe(900);
      expect(await rows('params', run)).toBe(100);
      ok(await post('runs/log-batch', { run_id: run, metrics: metrics.slice(900), tags: [{ key: 'team', value: 'ml' }, { key: 'mlflow.runName', value: 'renamed' }] }));
      const body = await getRunBody(s, run);
      expect(body.info.run_name).toBe('renamed');
      expect(body.data.metrics).toHaveLength(10);
      expect(body.data.metrics[0]).toEqual({ key: 'm0', value: 99, timestamp: 2990, step: 99 });
      expect(body.data.tags).toEqual([{ key: 'mlflow.runName', value: 'renamed' }, { key: 'team', value: 'ml' }]);
      expect(await history(run, 'm3')).toHaveLength(100);
      // An empty batch is fine, as in MLflow.
      expect(ok(await post('runs/log-batch', { run_id: run })).body).toEqual({});
    });

    it('refuses changed params in a batch, listing every conflict as MLflow does, and writes nothing of that batch', async () => {
      const run = await newRun(s, exp);
      ok(await post('runs/log-batch', { run_id: run, params: [{ key: 'lr', value: '0.1' }, { key: 'depth', value: '3' }] }));
      // The same values again are fine.
      ok(await post('runs/log-batch', { run_id: run, params: [{ key: 'lr', value: '0.1' }] }));
      const before = await getRunBody(s, run);
      const r = await post('runs/log-batch', {
        run_id: run,
        metrics: [{ key: 'acc', value: 0.9, timestamp: 1, step: 0 }],
        tags: [{ key: 'note', value: "it's new" }],
        params: [{ key: 'fresh', value: 'x' }, { key: 'lr', value: '0.2' }, { key: 'depth', value: "4'" }],
      });
      expect(r).toMatchObject({
        status: 400,
        body: invalid(
          "Changing param values is not allowed. Params were already logged='[{'key': 'lr', 'old_value': '0.1', 'new_value': '0.2'}, " +
            `{'key': 'depth', 'old_value': '3', 'new_value': "4'"}]' for run ID='${run}'.`,
        ),
      });
      expect(await getRunBody(s, run)).toEqual(before);
      expect([await rows('metrics', run), await rows('latest_metrics', run), await rows('params', run)]).toEqual([0, 0, 2]);
    });

    it('writes nothing when the last item of a batch is invalid', async () => {
      const run = await newRun(s, exp);
      const before = await getRunBody(s, run);
      const good = { key: 'ok', value: 1, timestamp: 1 };
      expect(await post('runs/log-batch', { run_id: run, params: [{ key: 'a', value: '1' }], metrics: [good, { key: 'bad/../key', value: 1, timestamp: 1 }] })).toMatchObject({
        status: 400,
        body: invalid("Invalid metric name: 'bad/../key'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'key'"),
      });
      expect(await post('runs/log-batch', { run_id: run, metrics: [good], tags: [{ key: 't', value: 'v' }, { key: 'k'.repeat(251), value: 'v' }] })).toMatchObject({
        status: 400, body: invalid(`Tag key '${'k'.repeat(250)}' had length 251, which exceeded length limit of 250`),
      });
      expect(await post('runs/log-batch', { run_id: run, params: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] })).toMatchObject({
        status: 400,
        body: invalid("Duplicate parameter keys have been submitted: ['a']. Please ensure the request contains only one param value per param key."),
      });
      expect(await getRunBody(s, run)).toEqual(before);
      expect(await rows('metrics', run)).toBe(0);
    });

    it('enforces MLflow\'s batch limits: 1000 metrics, 100 params, 100 tags, 1000 items', async () => {
      const run = await newRun(s, exp);
      const many = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: String(i) }));
      const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }));
      const over = (what: string, max: number, got: number) =>
        invalid(`A batch logging request can contain at most ${max} ${what}. Got ${got} ${what}. Please split up ${what} across multiple requests and try again.`);
      expect(await post('runs/log-batch', { run_id: run, metrics: metrics(1001) })).toMatchObject({ status: 400, body: over('metrics', 1000, 1001) });
      expect(await post('runs/log-batch', { run_id: run, params: many(101) })).toMatchObject({ status: 400, body: over('params', 100, 101) });
      expect(await post('runs/log-batch', { run_id: run, tags: many(101) })).toMatchObject({ status: 400, body: over('tags', 100, 101) });
      expect(await post('runs/log-batch', { run_id: run, metrics: metrics(901), params: many(100) })).toMatchObject({
        status: 400,
        body: invalid('A batch logging request can contain at most 1000 total params, metrics, and tags. Got 1001 total. Please split up across multiple requests and try again.'),
      });
      expect(await rows('metrics', run)).toBe(0);
    });

    it('refuses a log-batch body over 1 MB with MLflow\'s message, before reading it', async () => {
      const run = await newRun(s, exp);
      const body = JSON.stringify({ run_id: run, params: Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'x'.repeat(6000) })), tags: Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: 'y'.repeat(5000) })) });
      const size = Buffer.byteLength(body);
      expect(size).toBeGreaterThan(1_000_000);
      expect(await post('runs/log-batch', body)).toMatchObject({
        status: 400, body: invalid(`Batched logging API requests must be at most 1000000 bytes, got a request of size ${size}.`),
      });
      expect(await rows('params', run)).toBe(0);
      // Other routes keep the server's larger limit.
      ok(await post('runs/set-tag', { run_id: run, key: 'pad', value: 'z'.repeat(8000), padding: 'p'.repeat(1_100_000) }));
    });

    it('reports a batch metric missing a field against the whole list, as MLflow does', async () => {
      const run = await newRun(s, exp);
      expect(await post('runs/log-batch', { run_id: run, metrics: [{ key: 'acc', value: 0.9 }] })).toMatchObject({
        status: 400, body: invalid(`Invalid value [{'key': 'acc', 'value': 0.9}] for parameter 'metrics' supplied. Hint: Value was of type 'list'.${DOCS}`),
      });
      expect(await post('runs/log-batch', { run_id: run, params: [{ value: 'x' }] })).toMatchObject({
        status: 400, body: invalid(`Invalid value [{'value': 'x'}] for parameter 'params' supplied. Hint: Value was of type 'list'.${DOCS}`),
      });
      expect(await post('runs/log-batch', { run_id: run, metrics: 'acc' })).toMatchObject({ status: 400, body: badParam('metrics', 'acc', 'str') });
      expect(await post('runs/log-batch', {})).toMatchObject({ status: 400, body: missingParam('run_id') });
    });

    it('logs dataset inputs; runs/get shows them as MLflow DatasetInputs', async () => {
      const run = await newRun(s, exp);
      const dataset = { name: 'train.csv', digest: 'abcdef12', source_type: 'local', source: '{"uri": "/data/train.csv"}' };
      const input = { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset };
      expect(ok(await post('runs/log-inputs', { run_id: run, datasets: [input, input] })).body).toEqual({});
      expect((await getRunBody(s, run)).inputs).toEqual({ dataset_inputs: [input] });
      expect(await post('runs/log-inputs', { run_id: run })).toMatchObject({ status: 400, body: missingParam('datasets') });
      expect(await post('runs/log-inputs', { run_id: run, datasets: [{ tags: [] }] })).toMatchObject({ status: 400, body: invalid('Dataset cannot be None') });
      expect(await post('runs/log-inputs', { run_id: run, datasets: [{ dataset: { ...dataset, digest: undefined } }] })).toMatchObject({
        status: 400, body: invalid('Dataset digest cannot be None'),
      });
    });

    it('records logged models in the mlflow.log-model.history tag, one after another', async () => {
      const run = await newRun(s, exp);
      const model = (path: string) => ({ artifact_path: path, flavors: { python_function: {} }, utc_time_created: '2024-01-01 00:00:00.000000', run_id: run });
      expect(ok(await post('runs/log-model', { run_id: run, model_json: JSON.stringify(model('model')) })).body).toEqual({});
      ok(await post('runs/log-model', { run_id: run, model_json: JSON.stringify(model('model2')) }));
      const tag = (await getRunBody(s, run)).data.tags.find((t: { key: string }) => t.key === 'mlflow.log-model.history');
      expect(JSON.parse(tag.value)).toEqual([model('model'), model('model2')]);
      expect(await post('runs/log-model', { run_id: run, model_json: '{"artifact_path": "m"}' })).toMatchObject({
        status: 400, body: invalid("Model json is missing mandatory fields: {'flavors', 'run_id', 'utc_time_created'}"),
      });
      expect(await post('runs/log-model', { run_id: run, model_json: 'nope' })).toMatchObject({
        status: 400, body: invalid('Malformed model info. \n nope \n is not a valid JSON.'),
      });
      expect(await post('runs/log-model', { run_id: run })).toMatchObject({ status: 400, body: missingParam('model_json') });
    });

    it('keeps every model when many log-model calls on one run arrive at once', async () => {
      const run = await newRun(s, exp);
      const model = (path: string) => ({ artifact_path: path, flavors: {}, utc_time_created: '2024-01-01 00:00:00.000000', run_id: run });
      const paths = Array.from({ length: 12 }, (_, i) => `m${i}`);
      const answers = await Promise.all(paths.map((p) => post('runs/log-model', { run_id: run, model_json: JSON.stringify(model(p)) })));
      expect(answers.map((a) => a.status)).toEqual(paths.map(() => 200));
      const tag = (await getRunBody(s, run)).data.tags.find((t: { key: string }) => t.key === 'mlflow.log-model.history');
      expect((JSON.parse(tag.value) as { artifact_path: string }[]).map((m) => m.artifact_path).sort()).toEqual([...paths].sort());
    });
  });
}
