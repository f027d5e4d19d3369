import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { createRegistryTestServer, type RegistryTestServer } from './mlflow-registry-fixture.js';

const API = '/api/2.0/mlflow/';
const HINT = ' See the API docs for more information about request parameters.';

/** Created in this order, so creation (and last-update) order differs from name order. */
const MODELS: readonly [string, Record<string, string>][] = [
  ['fraud', { team: 'risk' }], ['churn-b', { team: 'growth' }], ['Churn-Upper', {}], ['churn-a', { team: 'risk' }], ['pctxmodel', {}], ['pct%model', {}],
];

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`MLflow registry search routes: ${backend.name}`, () => {
    let s: RegistryTestServer;
    let runA: string;
    let runB: string;
    const call = (...args: Parameters<RegistryTestServer['call']>) => s.call(args[0], API + args[1], args[2], args[3]);
    const models = async (params: Record<string, unknown>) => {
      const r = await call('GET', 'registered-models/search', params);
      expect(r.status).toBe(200);
      return (r.body.registered_models ?? []).map((m: { name: string }) => m.name);
    };
    const versions = async (params: Record<string, unknown>) => {
      const r = await call('GET', 'model-versions/search', params);
      expect(r.status).toBe(200);
      return (r.body.model_versions ?? []).map((v: { name: string; version: string }) => `${v.name}/${v.version}`);
    };

    beforeAll(async () => {
      s = await createRegistryTestServer(backend);
      for (const [name, tags] of MODELS) {
        const r = await call('POST', 'registered-models/create', { name, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
        expect(r.status).toBe(200);
      }
      runA = await s.runWithModel();
      runB = await s.runWithModel();
      await call('POST', 'registered-models/create', { name: 'va' });
      await call('POST', 'registered-models/create', { name: 'vb' });
      for (let i = 0; i < 3; i++) await call('POST', 'model-versions/create', { name: 'va', source: `runs:/${runA}/model`, run_id: runA });
      for (let i = 0; i < 2; i++) await call('POST', 'model-versions/create', { name: 'vb', source: `mlflow-artifacts:/0/${runB}/artifacts/model`, run_id: runB });
      await call('POST', 'model-versions/set-tag', { name: 'va', version: '2', key: 'k', value: 'v' });
    });
    afterAll(async () => s?.dispose());

    it('registered-models/search answers every model by name (code point order on both databases), each as get prints it', async () => {
      const r = await call('GET', 'registered-models/search', {});
      expect(r.body.registered_models.map((m: { name: string }) => m.name)).toEqual(['Churn-Upper', 'churn-a', 'churn-b', 'fraud', 'pct%model', 'pctxmodel', 'va', 'vb']);
      expect(r.body.registered_models[1]).toEqual((await call('GET', 'registered-models/get', { name: 'churn-a' })).body.registered_model);
      expect(r.body).not.toHaveProperty('next_page_token');
    });

    it('filters on name with = != LIKE (case-sensitive, on SQLite too) and ILIKE, with % _ and backslash escapes', async () => {
      expect(await models({ filter: "name = 'fraud'" })).toEqual(['fraud']);
      expect(await models({ filter: "name != 'fraud' and name LIKE 'c%'" })).toEqual(['churn-a', 'churn-b']);
      expect(await models({ filter: "name ILIKE 'CHURN%'" })).toEqual(['Churn-Upper', 'churn-a', 'churn-b']);
      expect(await models({ filter: "name LIKE 'churn-_'" })).toEqual(['churn-a', 'churn-b']);
      expect(await models({ filter: "name LIKE 'pct%model'" })).toEqual(['pct%model', 'pctxmodel']);
      expect(await models({ filter: "name LIKE 'pct\\%%'" })).toEqual(['pct%model']);
      expect(await models({ filter: "name ILIKE 'PCT\\%%'" })).toEqual(['pct%model']);
    });

    it('filters on tags; a model without the tag never matches, not even !=', async () => {
      expect(await models({ filter: "tags.team = 'risk'" })).toEqual(['churn-a', 'fraud']);
      expect(await models({ filter: "tags.team != 'risk'" })).toEqual(['churn-b']);
      expect(await models({ filter: "tags.`team` LIKE '%o%' " })).toEqual(['churn-b']);
      expect(await models({ filter: "tags.team = 'risk' AND name LIKE 'churn%'" })).toEqual(['churn-a']);
      expect(await call('GET', 'registered-models/search', { filter: "tags.team = 'nobody'" })).toMatchObject({ status: 200, body: {} });
    });

    it('orders by name, last_updated_timestamp (or timestamp) and creation_timestamp, ties broken by name', async () => {
      const filter = "name != 'va' and name != 'vb'";
      expect(await models({ filter, order_by: ['name DESC'] })).toEqual(['pctxmodel', 'pct%model', 'fraud', 'churn-b', 'churn-a', 'Churn-Upper']);
      const created = MODELS.map(([name]) => name);
      expect(await models({ filter, order_by: ['timestamp'] })).toEqual(created);
      expect(await models({ filter, order_by: ['last_updated_timestamp DESC'] })).toEqual([...created].reverse());
      expect(await models({ filter, order_by: ['creation_timestamp asc'] })).toEqual(created);
    });

    it('pages with max_results and page_token', async () => {
      const first = await call('GET', 'registered-models/search', { max_results: 5 });
      expect(first.body.registered_models.map((m: { name: string }) => m.name)).toEqual(['Churn-Upper', 'churn-a', 'churn-b', 'fraud', 'pct%model']);
      expect(first.body.next_page_token).toEqual(expect.any(String));
      const second = await call('GET', 'registered-models/search', { max_results: 5, page_token: first.body.next_page_token });
      expect(second.body).toEqual({ registered_models: expect.any(Array) });
      expect(second.body.registered_models.map((m: { name: string }) => m.name)).toEqual(['pctxmodel', 'va', 'vb']);
      const exact = await call('GET', 'registered-models/search', { max_results: 4, filter: "name LIKE '%'", order_by: ['name'] });
      const rest = await call('GET', 'registered-models/search', { max_results: 4, filter: "name LIKE '%'", order_by: ['name'], page_token: exact.body.next_page_token });
      expect(rest.body).toEqual({ registered_models: expect.any(Array) });
      expect(rest.body.registered_models).toHaveLength(4);
    });

    it('refuses bad max_results, page tokens, order_by clauses and filters', async () => {
      expect(await call('GET', 'registered-models/search', { max_results: 1001 })).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid value 1001 for parameter 'max_results': it must be between 1 and 1000." },
      });
      expect(await call('GET', 'registered-models/search', { max_results: 0 })).toMatchObject({ status: 400, body: { message: "Invalid value 0 for parameter 'max_results': it must be between 1 and 1000." } });
      expect(await call('GET', 'registered-models/search', { max_results: 'ten' })).toMatchObject({
        status: 400, body: { message: `Invalid value ten for parameter 'max_results' supplied. Hint: Value was of type 'str'.${HINT}` },
      });
      expect(await call('GET', 'registered-models/search', { page_token: 'not a token' })).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid page_token 'not a token': it is not a token from a previous page of this search." },
      });
      expect(await call('GET', 'registered-models/search', { page_token: Buffer.from('{"offset": -1}').toString('base64') })).toMatchObject({ status: 400 });
      expect(await call('GET', 'registered-models/search', { order_by: ['version_number'] })).toMatchObject({
        status: 400,
        body: { message: "Invalid order_by clause 'version_number': expected one of name, timestamp, last_updated_timestamp, creation_timestamp, optionally followed by ASC or DESC." },
      });
      expect(await call('GET', 'registered-models/search', { order_by: ['timestamp', 'last_updated_timestamp DESC'] })).toMatchObject({
        status: 400, body: { message: "order_by sorts on the same field twice: 'timestamp' and 'last_updated_timestamp DESC'." },
      });
      expect(await call('GET', 'registered-models/search', { filter: "name = 'a' OR name = 'b'" })).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid filter 'name = 'a' OR name = 'b'': OR is not supported, only AND (at position 11)." },
      });
    });

    it('model-versions/search orders by last update (newest first), then name, then version descending', async () => {
      expect(await versions({})).toEqual(['vb/2', 'vb/1', 'va/3', 'va/2', 'va/1']);
      const r = await call('GET', 'model-versions/search', { filter: "name = 'va'", max_results: 1 });
      expect(r.body.model_versions).toEqual([(await call('GET', 'model-versions/get', { name: 'va', version: '3' })).body.model_version]);
    });

    it('filters versions on name, run_id (= and IN), source_path, version_number and tags', async () => {
      expect(await versions({ filter: `run_id = '${runB}'` })).toEqual(['vb/2', 'vb/1']);
      expect(await versions({ filter: `run_id IN ('${runA}', '${'0'.repeat(32)}')` })).toEqual(['va/3', 'va/2', 'va/1']);
      expect(await versions({ filter: "source_path LIKE 'mlflow-artifacts:%'" })).toEqual(['vb/2', 'vb/1']);
      expect(await versions({ filter: "version_number >= 2 AND name = 'va'" })).toEqual(['va/3', 'va/2']);
      expect(await versions({ filter: "version_number != 2 AND name ILIKE 'V%'" })).toEqual(['vb/1', 'va/3', 'va/1']);
      expect(await versions({ filter: "tags.k = 'v'" })).toEqual(['va/2']);
      expect(await call('GET', 'model-versions/search', { filter: "name = 'nothing'" })).toMatchObject({ status: 200, body: {} });
    });

    it('orders versions by version_number, name and timestamps, and pages', async () => {
      expect(await versions({ order_by: ['version_number ASC'] })).toEqual(['va/1', 'vb/1', 'va/2', 'vb/2', 'va/3']);
      expect(await versions({ order_by: ['name DESC', 'version_number'] })).toEqual(['vb/1', 'vb/2', 'va/1', 'va/2', 'va/3']);
      expect(await versions({ order_by: ['creation_timestamp'] })).toEqual(['va/1', 'va/2', 'va/3', 'vb/1', 'vb/2']);
      const first = await call('GET', 'model-versions/search', { max_results: 3 });
      expect(first.body.model_versions).toHaveLength(3);
      const second = await versions({ max_results: 3, page_token: first.body.next_page_token });
      expect(second).toEqual(['va/2', 'va/1']);
      expect(await call('GET', 'model-versions/search', { max_results: 200_001 })).toMatchObject({
        status: 400, body: { message: "Invalid value 200001 for parameter 'max_results': it must be between 1 and 200000." },
      });
      expect(await call('GET', 'model-versions/search', { order_by: ['run_id'] })).toMatchObject({
        status: 400, body: { message: "Invalid order_by clause 'run_id': expected one of name, version_number, creation_timestamp, last_updated_timestamp, optionally followed by ASC or DESC." },
      });
    });

    it('a stage change counts as an update for the default order, and the /ajax-api/ prefix answers the same search', async () => {
      await call('POST', 'model-versions/transition-stage', { name: 'va', version: '1', stage: 'Staging' });
      expect(await versions({})).toEqual(['va/1', 'vb/2', 'vb/1', 'va/3', 'va/2']);
      const ajax = await s.call('GET', '/ajax-api/2.0/mlflow/model-versions/search', { filter: "name = 'vb'" });
      expect(ajax.body).toEqual((await call('GET', 'model-versions/search', { filter: "name = 'vb'" })).body);
    });
  });
}
