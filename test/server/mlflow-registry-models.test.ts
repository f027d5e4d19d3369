import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/index.js';
import { BACKENDS } from '../backends.js';
import { createRegistryTestServer, type RegistryTestServer } from './mlflow-registry-fixture.js';

const API = '/api/2.0/mlflow/';
const HINT = ' See the API docs for more information about request parameters.';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`MLflow registered-models routes: ${backend.name}`, () => {
    let s: RegistryTestServer;
    const call = (...args: Parameters<RegistryTestServer['call']>) => s.call(args[0], API + args[1], args[2], args[3]);
    /** A model with versions 1..n from one run; returns the run id. */
    const modelWithVersions = async (name: string, n: number) => {
      const runId = await s.runWithModel();
      expect((await call('POST', 'registered-models/create', { name })).status).toBe(200);
      for (let i = 0; i < n; i++) expect((await call('POST', 'model-versions/create', { name, source: `runs:/${runId}/model` })).status).toBe(200);
      return runId;
    };

    beforeAll(async () => {
      s = await createRegistryTestServer(backend);
    });
    afterAll(async () => s?.dispose());

    it('create answers the model as MLflow prints it: no description, tags, aliases or versions when it has none', async () => {
      const r = await call('POST', 'registered-models/create', { name: 'bare' });
      expect(r.status).toBe(200);
      const m = r.body.registered_model;
      expect(r.body).toEqual({ registered_model: { name: 'bare', creation_timestamp: m.creation_timestamp, last_updated_timestamp: m.creation_timestamp } });
      expect(m.creation_timestamp).toBeGreaterThan(1_699_999_999_999);
    });

    it('create keeps a description and tags (a tag without a value has the empty string)', async () => {
      const r = await call('POST', 'registered-models/create', { name: 'tagged', description: 'churn model', tags: [{ key: 'team', value: 'risk' }, { key: 'empty' }] });
      expect(r.status).toBe(200);
      expect(r.body.registered_model).toEqual({
        name: 'tagged', creation_timestamp: expect.any(Number), last_updated_timestamp: expect.any(Number), description: 'churn model',
        tags: [{ key: 'empty', value: '' }, { key: 'team', value: 'risk' }],
      });
    });

    it('create refuses a duplicate, a missing name and malformed tags', async () => {
      await call('POST', 'registered-models/create', { name: 'dup' });
      expect(await call('POST', 'registered-models/create', { name: 'dup' })).toMatchObject({
        status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Registered Model (name=dup) already exists.' },
      });
      expect(await call('POST', 'registered-models/create', {})).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: `Missing value for required parameter 'name'.${HINT}` },
      });
      expect(await call('POST', 'registered-models/create', { name: 'x', tags: [{ value: 'no key' }] })).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: `Invalid value [{"value":"no key"}] for parameter 'tags' supplied. Hint: Value was of type 'list'.${HINT}` },
      });
      expect(await call('POST', 'registered-models/create', { name: 'x', tags: 'team=risk' })).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
      expect((await call('GET', 'registered-models/get', { name: 'x' })).status).toBe(404);
    });

    it('get answers the model; an unknown name is RESOURCE_DOES_NOT_EXIST with MLflow\'s message', async () => {
      const created = await call('POST', 'registered-models/create', { name: 'getme', description: 'd' });
      expect(await call('GET', 'registered-models/get', { name: 'getme' })).toMatchObject({ status: 200, body: created.body });
      expect(await call('GET', 'registered-models/get', { name: 'nope' })).toEqual({
        status: 404, headers: expect.anything(), body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=nope not found' },
      });
      expect(await call('GET', 'registered-models/get', {})).toMatchObject({ status: 400, body: { message: `Missing value for required parameter 'name'.${HINT}` } });
    });

    it('the web UI\'s /ajax-api/ prefix serves the same GET', async () => {
      await call('POST', 'registered-models/create', { name: 'ajax' });
      const r = await s.call('GET', '/ajax-api/2.0/mlflow/registered-models/get', { name: 'ajax' });
      expect(r.status).toBe(200);
      expect(r.body).toEqual((await call('GET', 'registered-models/get', { name: 'ajax' })).body);
    });

    it('rename moves the model and its versions; the old name is gone; clashes and unknown names are refused', async () => {
      await modelWithVersions('old-name', 1);
      const r = await call('POST', 'registered-models/rename', { name: 'old-name', new_name: 'new-name' });
      expect(r.status).toBe(200);
      expect(r.body.registered_model).toMatchObject({ name: 'new-name', latest_versions: [{ name: 'new-name', version: '1' }] });
      expect((await call('GET', 'registered-models/get', { name: 'old-name' })).status).toBe(404);
      expect((await call('GET', 'model-versions/get', { name: 'new-name', version: '1' })).body.model_version.name).toBe('new-name');
      await call('POST', 'registered-models/create', { name: 'taken' });
      expect(await call('POST', 'registered-models/rename', { name: 'new-name', new_name: 'taken' })).toMatchObject({
        status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Registered Model (name=taken) already exists.' },
      });
      expect(await call('POST', 'registered-models/rename', { name: 'ghost', new_name: 'x2' })).toMatchObject({
        status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=ghost not found' },
      });
      expect(await call('POST', 'registered-models/rename', { name: 'taken' })).toMatchObject({
        status: 400, body: { message: `Missing value for required parameter 'new_name'.${HINT}` },
      });
    });

    it('update (PATCH) sets the description and bumps last_updated; leaving description out clears it, as MLflow', async () => {
      const created = (await call('POST', 'registered-models/create', { name: 'upd', description: 'first' })).body.registered_model;
      const r = await call('PATCH', 'registered-models/update', { name: 'upd', description: 'second' });
      expect(r.status).toBe(200);
      expect(r.body.registered_model).toEqual({ ...created, description: 'second', last_updated_timestamp: r.body.registered_model.last_updated_timestamp });
      expect(r.body.registered_model.last_updated_timestamp).toBeGreaterThan(created.last_updated_timestamp);
      const cleared = await call('PATCH', 'registered-models/update', { name: 'upd' });
      expect(cleared.body.registered_model).not.toHaveProperty('description');
      expect(await call('PATCH', 'registered-models/update', { name: 'ghost', description: 'x' })).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    });

    it('delete (DELETE) removes the model and its versions and answers {}; an unknown model is 404', async () => {
      await modelWithVersions('doomed', 2);
      expect(await call('DELETE', 'registered-models/delete', { name: 'doomed' })).toMatchObject({ status: 200, body: {} });
      expect((await call('GET', 'registered-models/get', { name: 'doomed' })).status).toBe(404);
      expect((await call('GET', 'model-versions/get', { name: 'doomed', version: '1' })).status).toBe(404);
      expect(await call('DELETE', 'registered-models/delete', { name: 'doomed' })).toMatchObject({
        status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=doomed not found' },
      });
    });

    it('set-tag adds and overwrites; delete-tag removes, and answers {} for a tag that is not there', async () => {
      await call('POST', 'registered-models/create', { name: 'tags' });
      expect(await call('POST', 'registered-models/set-tag', { name: 'tags', key: 'k', value: 'v1' })).toMatchObject({ status: 200, body: {} });
      await call('POST', 'registered-models/set-tag', { name: 'tags', key: 'k', value: 'v2' });
      await call('POST', 'registered-models/set-tag', { name: 'tags', key: 'novalue' });
      expect((await call('GET', 'registered-models/get', { name: 'tags' })).body.registered_model.tags).toEqual([{ key: 'k', value: 'v2' }, { key: 'novalue', value: '' }]);
      expect(await call('DELETE', 'registered-models/delete-tag', { name: 'tags', key: 'k' })).toMatchObject({ status: 200, body: {} });
      expect(await call('DELETE', 'registered-models/delete-tag', { name: 'tags', key: 'k' })).toMatchObject({ status: 200, body: {} });
      expect((await call('GET', 'registered-models/get', { name: 'tags' })).body.registered_model.tags).toEqual([{ key: 'novalue', value: '' }]);
      expect(await call('POST', 'registered-models/set-tag', { name: 'ghost', key: 'k', value: 'v' })).toMatchObject({ status: 404, body: { message: 'Registered Model with name=ghost not found' } });
      expect(await call('DELETE', 'registered-models/delete-tag', { name: 'ghost', key: 'k' })).toMatchObject({ status: 404, body: { message: 'Registered Model with name=ghost not found' } });
      expect(await call('POST', 'registered-models/set-tag', { name: 'tags', value: 'v' })).toMatchObject({ status: 400, body: { message: `Missing value for required parameter 'key'.${HINT}` } });
    });

    it('get-latest-versions (GET and POST) answers the newest version per stage, filtered by stage case-insensitively', async () => {
      await modelWithVersions('latest', 4);
      await call('POST', 'model-versions/transition-stage', { name: 'latest', version: '1', stage: 'Production' });
      await call('POST', 'model-versions/transition-stage', { name: 'latest', version: '2', stage: 'staging' });
      await call('POST', 'model-versions/transition-stage', { name: 'latest', version: '3', stage: 'Staging' });
      const all = await call('GET', 'registered-models/get-latest-versions', { name: 'latest' });
      expect(all.status).toBe(200);
      expect(all.body.model_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage])).toEqual([
        ['1', 'Production'], ['3', 'Staging'], ['4', 'None'],
      ]);
      const prod = await call('POST', 'registered-models/get-latest-versions', { name: 'latest', stages: ['production', 'ARCHIVED'] });
      expect(prod.body).toEqual({ model_versions: [(await call('GET', 'model-versions/get', { name: 'latest', version: '1' })).body.model_version] });
      expect((await call('GET', 'registered-models/get-latest-versions', { name: 'latest', stages: 'Staging' })).body.model_versions).toHaveLength(1);
      expect(await call('POST', 'registered-models/get-latest-versions', { name: 'latest', stages: ['Archived'] })).toMatchObject({ status: 200, body: {} });
      expect(await call('POST', 'registered-models/get-latest-versions', { name: 'latest', stages: ['Shipped'] })).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid Model Version stage: Shipped. Value must be one of None, Staging, Production, Archived.' },
      });
      expect(await call('GET', 'registered-models/get-latest-versions', { name: 'ghost' })).toMatchObject({ status: 404, body: { message: 'Registered Model with name=ghost not found' } });
    });

    it('a model with versions and aliases lists latest_versions (one per stage) and aliases', async () => {
      await modelWithVersions('full', 2);
      await call('POST', 'registered-models/alias', { name: 'full', alias: 'champion', version: '1' });
      const m = (await call('GET', 'registered-models/get', { name: 'full' })).body.registered_model;
      expect(m.aliases).toEqual([{ alias: 'champion', version: '1' }]);
      expect(m.latest_versions).toEqual([(await call('GET', 'model-versions/get', { name: 'full', version: '2' })).body.model_version]);
    });

    it('records the caller as the actor of every change made through the API', async () => {
      await call('POST', 'registered-models/create', { name: 'audited' }, ['bob', 'editor']);
      await call('POST', 'registered-models/set-tag', { name: 'audited', key: 'k', value: 'v' }, ['carol', 'editor']);
      await call('PATCH', 'registered-models/update', { name: 'audited', description: 'd' }, ['dave', 'admin']);
      const entries = await listAudit(s.ts.store.db, { subject: 'audited', subjectType: 'model' });
      expect(entries.map((e) => [e.action, e.actor])).toEqual([['model.update', 'dave'], ['model.tag.set', 'carol'], ['model.create', 'bob']]);
    });
  });
}
