import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/index.js';
import { getModelVersion } from '../../src/registry/index.js';
import { BACKENDS } from '../backends.js';
import { createRegistryTestServer, type RegistryTestServer } from './mlflow-registry-fixture.js';

const API = '/api/2.0/mlflow/';
const HINT = ' See the API docs for more information about request parameters.';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`MLflow model-versions routes: ${backend.name}`, () => {
    let s: RegistryTestServer;
    let runId: string;
    const call = (...args: Parameters<RegistryTestServer['call']>) => s.call(args[0], API + args[1], args[2], args[3]);
    const model = async (name: string) => expect((await call('POST', 'registered-models/create', { name })).status).toBe(200);
    const version = async (name: string, extra: Record<string, unknown> = {}) => {
      const r = await call('POST', 'model-versions/create', { name, source: `runs:/${runId}/model`, ...extra });
      expect(r.status).toBe(200);
      return r.body.model_version;
    };

    beforeAll(async () => {
      s = await createRegistryTestServer(backend);
      runId = await s.runWithModel();
    });
    afterAll(async () => s?.dispose());

    it('create from runs:/ answers a READY version as MLflow prints it (numbered from 1, empty description and run fields kept)', async () => {
      await model('mv');
      const r = await call('POST', 'model-versions/create', { name: 'mv', source: `runs:/${runId}/model`, run_id: runId });
      expect(r.status).toBe(200);
      const v = r.body.model_version;
      expect(r.body).toEqual({
        model_version: {
          name: 'mv', version: '1', creation_timestamp: v.creation_timestamp, last_updated_timestamp: v.creation_timestamp,
          user_id: s.ts.store.actor, current_stage: 'None', description: '', source: `runs:/${runId}/model`, run_id: runId, status: 'READY',
        },
      });
      // The version pins the run's bytes at registration time.
      expect((await getModelVersion(s.ts.store, 'mv', '1')).blob.kind).toBe('directory');
      expect((await version('mv')).version).toBe('2');
    });

    it('create accepts the proxy form mlflow-artifacts:/EXP/RUN/artifacts/PATH (what log_model sends), tags and a description', async () => {
      await model('proxy');
      const source = `mlflow-artifacts:/0/${runId}/artifacts/model`;
      const v = await version('proxy', { source, run_id: runId, description: 'from log_model', tags: [{ key: 'k', value: 'v' }], run_link: 'ignored' });
      expect(v).toMatchObject({ source, run_id: runId, description: 'from log_model', tags: [{ key: 'k', value: 'v' }], status: 'READY' });
      expect(v).not.toHaveProperty('run_link');
    });

    it('create from models:/ registers the same bytes, keeps the source as given, and takes the run of the original', async () => {
      await model('orig');
      await version('orig');
      await model('copy');
      const r = await call('POST', 'model-versions/create', { name: 'copy', source: 'models:/orig/1' });
      expect(r.status).toBe(200);
      expect(r.body.model_version).toMatchObject({ name: 'copy', version: '1', source: 'models:/orig/1', run_id: runId });
      expect((await getModelVersion(s.ts.store, 'copy', '1')).blob).toEqual((await getModelVersion(s.ts.store, 'orig', '1')).blob);
      expect(await call('POST', 'model-versions/create', { name: 'copy', source: 'models:/orig/7' })).toMatchObject({
        status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Model Version (name=orig, version=7) not found' },
      });
    });

    it('create refuses sources on the server\'s disk, unknown schemes, unknown runs and missing fields; an unknown model comes first', async () => {
      await model('bad-src');
      for (const source of ['/etc/passwd', 'model', 'file:///tmp/model']) {
        expect(await call('POST', 'model-versions/create', { name: 'bad-src', source })).toMatchObject({
          status: 400,
          body: {
            error_code: 'INVALID_PARAMETER_VALUE',
            message: `Invalid model version source: '${source}'. The server does not register files from its own disk: log the model to a run and register runs:/<run_id>/<path> or its mlflow-artifacts:/ URI.`,
          },
        });
      }
      expect(await call('POST', 'model-versions/create', { name: 'bad-src', source: 's3://bucket/model' })).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Unsupported model source 's3://bucket/model': use runs:/RUN_ID/PATH, mlflow-artifacts:/EXP/RUN_ID/artifacts/PATH, or a local path." },
      });
      expect(await call('POST', 'model-versions/create', { name: 'bad-src', source: `runs:/${'f'.repeat(32)}/model` })).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
      expect(await call('POST', 'model-versions/create', { name: 'ghost', source: `runs:/${'f'.repeat(32)}/model` })).toMatchObject({
        status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=ghost not found' },
      });
      expect(await call('POST', 'model-versions/create', { name: 'bad-src' })).toMatchObject({ status: 400, body: { message: `Missing value for required parameter 'source'.${HINT}` } });
      expect((await call('GET', 'registered-models/get', { name: 'bad-src' })).body.registered_model).not.toHaveProperty('latest_versions');
    });

    it('get answers the version; an unknown, non-integer or impossible version is refused as MLflow does', async () => {
      await model('getv');
      const v = await version('getv');
      expect(await call('GET', 'model-versions/get', { name: 'getv', version: '1' })).toMatchObject({ status: 200, body: { model_version: v } });
      expect(await call('GET', 'model-versions/get', { name: 'getv', version: '9' })).toMatchObject({
        status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Model Version (name=getv, version=9) not found' },
      });
      expect(await call('GET', 'model-versions/get', { name: 'getv', version: '0' })).toMatchObject({
        status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Model Version (name=getv, version=0) not found' },
      });
      expect(await call('GET', 'model-versions/get', { name: 'getv', version: 'one' })).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Model version must be an integer, got 'one'" },
      });
      expect(await call('GET', 'model-versions/get', { name: 'getv' })).toMatchObject({ status: 400, body: { message: `Missing value for required parameter 'version'.${HINT}` } });
      expect(await call('POST', 'model-versions/set-tag', { name: 'getv', version: 1, key: 'k' })).toMatchObject({
        status: 400, body: { message: `Invalid value 1 for parameter 'version' supplied. Hint: Value was of type 'int'.${HINT}` },
      });
      expect((await s.call('GET', '/ajax-api/2.0/mlflow/model-versions/get', { name: 'getv', version: '1' })).body).toEqual({ model_version: v });
    });

    it('update (PATCH) sets the description and bumps last_updated; an unknown version is 404', async () => {
      await model('updv');
      const v = await version('updv');
      const r = await call('PATCH', 'model-versions/update', { name: 'updv', version: '1', description: 'better' });
      expect(r.body.model_version).toEqual({ ...v, description: 'better', last_updated_timestamp: r.body.model_version.last_updated_timestamp });
      expect(r.body.model_version.last_updated_timestamp).toBeGreaterThan(v.last_updated_timestamp);
      expect(await call('PATCH', 'model-versions/update', { name: 'updv', version: '2', description: 'x' })).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    });

    it('transition-stage moves stages case-insensitively and archives the stage\'s other versions on request', async () => {
      await model('stages');
      await version('stages');
      await version('stages');
      await version('stages');
      const r = await call('POST', 'model-versions/transition-stage', { name: 'stages', version: '1', stage: 'production', archive_existing_versions: false });
      expect(r).toMatchObject({ status: 200, body: { model_version: { name: 'stages', version: '1', current_stage: 'Production' } } });
      await call('POST', 'model-versions/transition-stage', { name: 'stages', version: '2', stage: 'Production' });
      const stageOf = async (v: string) => (await call('GET', 'model-versions/get', { name: 'stages', version: v })).body.model_version.current_stage;
      expect([await stageOf('1'), await stageOf('2')]).toEqual(['Production', 'Production']);
      await call('POST', 'model-versions/transition-stage', { name: 'stages', version: '3', stage: 'PRODUCTION', archive_existing_versions: true });
      expect([await stageOf('1'), await stageOf('2'), await stageOf('3')]).toEqual(['Archived', 'Archived', 'Production']);
    });

    it('transition-stage refuses unknown stages, archiving into an inactive stage, and missing fields', async () => {
      await model('badstage');
      await version('badstage');
      expect(await call('POST', 'model-versions/transition-stage', { name: 'badstage', version: '1', stage: 'Live' })).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid Model Version stage: Live. Value must be one of None, Staging, Production, Archived.' },
      });
      expect(await call('POST', 'model-versions/transition-stage', { name: 'badstage', version: '1', stage: 'Archived', archive_existing_versions: true })).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'archive_existing_versions applies only to the stages Staging and Production, not Archived.' },
      });
      expect(await call('POST', 'model-versions/transition-stage', { name: 'badstage', version: '1' })).toMatchObject({ status: 400, body: { message: `Missing value for required parameter 'stage'.${HINT}` } });
      expect(await call('POST', 'model-versions/transition-stage', { name: 'badstage', version: '1', stage: 'Staging', archive_existing_versions: 'yes' })).toMatchObject({
        status: 400, body: { message: `Invalid value yes for parameter 'archive_existing_versions' supplied. Hint: Value was of type 'str'.${HINT}` },
      });
      expect(await call('POST', 'model-versions/transition-stage', { name: 'badstage', version: '5', stage: 'Staging' })).toMatchObject({
        status: 404, body: { message: 'Model Version (name=badstage, version=5) not found' },
      });
    });

    it('delete (DELETE) removes the version and its aliases and answers {}; numbers are not reused', async () => {
      await model('delv');
      await version('delv');
      await version('delv');
      await call('POST', 'registered-models/alias', { name: 'delv', alias: 'champion', version: '2' });
      expect(await call('DELETE', 'model-versions/delete', { name: 'delv', version: '2' })).toMatchObject({ status: 200, body: {} });
      expect((await call('GET', 'model-versions/get', { name: 'delv', version: '2' })).status).toBe(404);
      expect((await call('GET', 'registered-models/get', { name: 'delv' })).body.registered_model).not.toHaveProperty('aliases');
      expect(await call('DELETE', 'model-versions/delete', { name: 'delv', version: '2' })).toMatchObject({
        status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Model Version (name=delv, version=2) not found' },
      });
      expect((await version('delv')).version).toBe('3');
    });

    it('get-download-uri answers the run artifact as the proxy serves it, follows models:/ copies, and keeps other sources', async () => {
      await model('dl');
      await version('dl');
      const proxied = `mlflow-artifacts:/0/${runId}/artifacts/model`;
      expect(await call('GET', 'model-versions/get-download-uri', { name: 'dl', version: '1' })).toMatchObject({ status: 200, body: { artifact_uri: proxied } });
      await version('dl', { source: proxied });
      expect((await call('GET', 'model-versions/get-download-uri', { name: 'dl', version: '2' })).body).toEqual({ artifact_uri: proxied });
      await model('dl-copy');
      await version('dl-copy', { source: 'models:/dl/1' });
      expect((await call('GET', 'model-versions/get-download-uri', { name: 'dl-copy', version: '1' })).body).toEqual({ artifact_uri: proxied });
      await version('dl-copy', { source: 'models:/dl-copy/1' });
      expect((await call('GET', 'model-versions/get-download-uri', { name: 'dl-copy', version: '2' })).body).toEqual({ artifact_uri: proxied });
      expect(await call('GET', 'model-versions/get-download-uri', { name: 'dl', version: '3' })).toMatchObject({ status: 404, body: { message: 'Model Version (name=dl, version=3) not found' } });
    });

    it('get-download-uri keeps a models:/ source whose alias now names other bytes, rather than point at them', async () => {
      const otherRun = await s.runWithModel('flavors: {other: true}\n');
      await model('moving');
      await version('moving');
      await call('POST', 'registered-models/alias', { name: 'moving', alias: 'best', version: '1' });
      await model('pinned');
      await version('pinned', { source: 'models:/moving@best' });
      await version('moving', { source: `runs:/${otherRun}/model` });
      await call('POST', 'registered-models/alias', { name: 'moving', alias: 'best', version: '2' });
      expect((await call('GET', 'model-versions/get-download-uri', { name: 'pinned', version: '1' })).body).toEqual({ artifact_uri: 'models:/moving@best' });
    });

    it('set-tag adds and overwrites; delete-tag removes, and answers {} for a tag that is not there', async () => {
      await model('vtags');
      await version('vtags');
      expect(await call('POST', 'model-versions/set-tag', { name: 'vtags', version: '1', key: 'k', value: 'a' })).toMatchObject({ status: 200, body: {} });
      await call('POST', 'model-versions/set-tag', { name: 'vtags', version: '1', key: 'k', value: 'b' });
      expect((await call('GET', 'model-versions/get', { name: 'vtags', version: '1' })).body.model_version.tags).toEqual([{ key: 'k', value: 'b' }]);
      expect(await call('DELETE', 'model-versions/delete-tag', { name: 'vtags', version: '1', key: 'k' })).toMatchObject({ status: 200, body: {} });
      expect(await call('DELETE', 'model-versions/delete-tag', { name: 'vtags', version: '1', key: 'k' })).toMatchObject({ status: 200, body: {} });
      expect((await call('GET', 'model-versions/get', { name: 'vtags', version: '1' })).body.model_version).not.toHaveProperty('tags');
      expect(await call('POST', 'model-versions/set-tag', { name: 'vtags', version: '4', key: 'k', value: 'v' })).toMatchObject({ status: 404, body: { message: 'Model Version (name=vtags, version=4) not found' } });
      expect(await call('DELETE', 'model-versions/delete-tag', { name: 'vtags', version: '4', key: 'k' })).toMatchObject({ status: 404, body: { message: 'Model Version (name=vtags, version=4) not found' } });
      expect(await call('DELETE', 'model-versions/delete-tag', { name: 'vtags', version: '1' })).toMatchObject({ status: 400, body: { message: `Missing value for required parameter 'key'.${HINT}` } });
    });

    it('records the caller as the version\'s user_id and as the actor in the audit log', async () => {
      await model('whose');
      await version('whose');
      const v = await call('POST', 'model-versions/create', { name: 'whose', source: `runs:/${runId}/model` }, ['bob', 'editor']);
      expect(v.body.model_version).toMatchObject({ version: '2', user_id: 'bob' });
      await call('POST', 'model-versions/transition-stage', { name: 'whose', version: '2', stage: 'Staging' }, ['carol', 'editor']);
      const entries = await listAudit(s.ts.store.db, { subject: 'whose/2' });
      expect(entries.map((e) => [e.action, e.actor])).toEqual([['model_version.stage', 'carol'], ['model_version.create', 'bob']]);
    });
  });
}
