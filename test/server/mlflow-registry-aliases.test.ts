import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/index.js';
import { approveVersion, recordBlessing } from '../../src/registry/index.js';
import { BACKENDS } from '../backends.js';
import { withActor } from '../helpers/test-store.js';
import { type As, createRegistryTestServer, type RegistryTestServer } from './mlflow-registry-fixture.js';

const API = '/api/2.0/mlflow/';
const HINT = ' See the API docs for more information about request parameters.';
const EDITOR: As = ['bob', 'editor'];
const ADMIN: As = ['dave', 'admin'];
const GATE = 'it holds no passed gate for @production (run `slipway gate` with --for production)';
const APPROVAL = (name: string, v: string) => `@production requires an approval by someone other than its author (\`slipway models approve ${name} ${v} --for production\`)`;

/** A model with `n` versions registered by the server's own user, through the API. */
async function modelWithVersions(s: RegistryTestServer, name: string, n: number): Promise<void> {
  const runId = await s.runWithModel();
  expect((await s.call('POST', `${API}registered-models/create`, { name })).status).toBe(200);
  for (let i = 0; i < n; i++) expect((await s.call('POST', `${API}model-versions/create`, { name, source: `runs:/${runId}/model` })).status).toBe(200);
}

/** What the production policy asks for: a passed gate, and an approval by someone who did not register the version. */
async function meetProductionPolicy(s: RegistryTestServer, name: string, version: string): Promise<void> {
  await recordBlessing(s.ts.store, name, version, { target: 'production', passed: true, rules: [] });
  await approveVersion(withActor(s.ts.store, 'carol'), name, version, { target: 'production' });
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`MLflow registered-models/alias routes: ${backend.name}`, () => {
    let s: RegistryTestServer;
    const call = (...args: Parameters<RegistryTestServer['call']>) => s.call(args[0], API + args[1], args[2], args[3]);

    beforeAll(async () => {
      s = await createRegistryTestServer(backend, { aliasPolicies: { production: { requireApproval: true } } });
    });
    afterAll(async () => s?.dispose());

    it('sets, moves, reads and deletes an unprotected alias as MLflow does, for an editor too', async () => {
      await modelWithVersions(s, 'plain', 2);
      expect(await call('POST', 'registered-models/alias', { name: 'plain', alias: 'champion', version: '1' }, EDITOR)).toMatchObject({ status: 200, body: {} });
      const got = await call('GET', 'registered-models/alias', { name: 'plain', alias: 'champion' });
      expect(got.status).toBe(200);
      expect(got.body).toEqual({ model_version: { ...(await call('GET', 'model-versions/get', { name: 'plain', version: '1' })).body.model_version, aliases: ['champion'] } });
      await call('POST', 'registered-models/alias', { name: 'plain', alias: 'champion', version: '2' }, EDITOR);
      expect((await call('GET', 'registered-models/alias', { name: 'plain', alias: 'champion' })).body.model_version.version).toBe('2');
      expect((await call('GET', 'model-versions/get', { name: 'plain', version: '1' })).body.model_version).not.toHaveProperty('aliases');
      expect((await call('GET', 'registered-models/get', { name: 'plain' })).body.registered_model.aliases).toEqual([{ alias: 'champion', version: '2' }]);
      expect(await call('DELETE', 'registered-models/alias', { name: 'plain', alias: 'champion' }, EDITOR)).toMatchObject({ status: 200, body: {} });
      expect(await call('GET', 'registered-models/alias', { name: 'plain', alias: 'champion' })).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Registered model alias champion not found.' },
      });
      // MLflow deletes idempotently, but only on a model that exists.
      expect(await call('DELETE', 'registered-models/alias', { name: 'plain', alias: 'champion' })).toMatchObject({ status: 200, body: {} });
      expect(await call('DELETE', 'registered-models/alias', { name: 'ghost', alias: 'champion' })).toMatchObject({
        status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=ghost not found' },
      });
    });

    it('moves are audited under the caller', async () => {
      await modelWithVersions(s, 'audited-alias', 1);
      await call('POST', 'registered-models/alias', { name: 'audited-alias', alias: 'champion', version: '1' }, EDITOR);
      await call('DELETE', 'registered-models/alias', { name: 'audited-alias', alias: 'champion' }, ['erin', 'editor']);
      const entries = await listAudit(s.ts.store.db, { subject: 'audited-alias', action: 'model.alias' });
      expect(entries.map((e) => [e.action, e.actor])).toEqual([['model.alias.delete', 'erin'], ['model.alias.set', 'bob']]);
    });

    it("takes a reason (not in MLflow's API; Slipway's CLI sends it) into the history and the audit log", async () => {
      await modelWithVersions(s, 'reasoned', 1);
      expect((await call('POST', 'registered-models/alias', { name: 'reasoned', alias: 'champion', version: '1', reason: 'best AUC' }, EDITOR)).status).toBe(200);
      expect((await call('DELETE', 'registered-models/alias', { name: 'reasoned', alias: 'champion', reason: 'retired' }, EDITOR)).status).toBe(200);
      const entries = await listAudit(s.ts.store.db, { subject: 'reasoned', action: 'model.alias' });
      expect(entries.map((e) => [e.action, e.reason])).toEqual([['model.alias.delete', 'retired'], ['model.alias.set', 'best AUC']]);
      const history = await s.call('GET', '/api/v1/models/reasoned/history');
      expect(history.body.history.map((h: { version: string | null; reason: string }) => [h.version, h.reason])).toEqual([['1', 'best AUC'], [null, 'retired']]);
      expect((await call('POST', 'registered-models/alias', { name: 'reasoned', alias: 'champion', version: '1', reason: 7 })).body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    });

    it('refuses reserved and malformed alias names, unknown versions and missing fields with MLflow\'s messages', async () => {
      await modelWithVersions(s, 'names', 1);
      const set = (alias: string, version = '1') => call('POST', 'registered-models/alias', { name: 'names', alias, version });
      expect(await set('latest')).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "'latest' alias name (case insensitive) is reserved." } });
      expect(await set('LaTeSt')).toMatchObject({ status: 400, body: { message: "'latest' alias name (case insensitive) is reserved." } });
      expect(await set('v1')).toMatchObject({ status: 400, body: { message: "Version alias name 'v1' is reserved." } });
      expect(await set('V22')).toMatchObject({ status: 400, body: { message: "Version alias name 'V22' is reserved." } });
      expect(await set('has space')).toMatchObject({
        status: 400, body: { message: "Invalid alias name: 'has space'. Names may only contain alphanumerics, underscores (_), and dashes (-)." },
      });
      expect(await set('a'.repeat(256))).toMatchObject({
        status: 400, body: { message: `Registered model alias name '${'a'.repeat(250)}' had length 256, which exceeded length limit of 255` },
      });
      expect(await set('vnext')).toMatchObject({ status: 200, body: {} });
      expect(await set('ok', '3')).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Model Version (name=names, version=3) not found' } });
      expect(await call('POST', 'registered-models/alias', { name: 'names', version: '1' })).toMatchObject({ status: 400, body: { message: `Missing value for required parameter 'alias'.${HINT}` } });
      expect(await call('GET', 'registered-models/alias', { name: 'names', alias: 'v1' })).toMatchObject({ status: 400, body: { message: "Version alias name 'v1' is reserved." } });
      expect(await call('GET', 'registered-models/alias', { name: 'ghost', alias: 'champion' })).toMatchObject({
        status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Registered model alias champion not found.' },
      });
      expect((await s.call('GET', '/ajax-api/2.0/mlflow/registered-models/alias', { name: 'names', alias: 'vnext' })).body.model_version).toMatchObject({ version: '1', aliases: ['vnext'] });
    });

    it('a protected alias is refused to a non-approver, whatever the version holds', async () => {
      await modelWithVersions(s, 'gov', 1);
      await meetProductionPolicy(s, 'gov', '1');
      expect(await call('POST', 'registered-models/alias', { name: 'gov', alias: 'production', version: '1' }, EDITOR)).toMatchObject({
        status: 403,
        body: { error_code: 'PERMISSION_DENIED', message: 'bob (role editor) cannot set the alias @production of gov: it is protected, and only approvers may change it.' },
      });
      expect(await call('GET', 'registered-models/alias', { name: 'gov', alias: 'production' })).toMatchObject({ status: 400 });
    });

    it('an approver sets a protected alias only through its policy: the refusal says what is missing', async () => {
      await modelWithVersions(s, 'promo', 1);
      expect(await call('POST', 'registered-models/alias', { name: 'promo', alias: 'production', version: '1' }, ADMIN)).toMatchObject({
        status: 403, body: { error_code: 'PERMISSION_DENIED', message: `Cannot promote promo version 1 to @production: ${GATE}; ${APPROVAL('promo', '1')}.` },
      });
      await recordBlessing(s.ts.store, 'promo', '1', { target: 'production', passed: true, rules: [] });
      expect(await call('POST', 'registered-models/alias', { name: 'promo', alias: 'production', version: '1' }, ADMIN)).toMatchObject({
        status: 403, body: { message: `Cannot promote promo version 1 to @production: ${APPROVAL('promo', '1')}.` },
      });
      await approveVersion(withActor(s.ts.store, 'carol'), 'promo', '1', { target: 'production' });
      expect(await call('POST', 'registered-models/alias', { name: 'promo', alias: 'production', version: '1' }, ADMIN)).toMatchObject({ status: 200, body: {} });
      expect((await call('GET', 'registered-models/alias', { name: 'promo', alias: 'production' })).body.model_version).toMatchObject({ version: '1', aliases: ['production'] });
      const [entry] = await listAudit(s.ts.store.db, { subject: 'promo', action: 'model.promote' });
      expect(entry).toMatchObject({ actor: 'dave', subject_id: 'promo/1', after: { alias: 'production', version: 1 }, reason: 'set through the MLflow API by dave' });
      expect(await call('POST', 'registered-models/alias', { name: 'promo', alias: 'production', version: '4' }, ADMIN)).toMatchObject({
        status: 404, body: { message: 'Model Version (name=promo, version=4) not found' },
      });
    });

    it('only an approver removes a protected alias', async () => {
      await modelWithVersions(s, 'unset', 1);
      await meetProductionPolicy(s, 'unset', '1');
      await call('POST', 'registered-models/alias', { name: 'unset', alias: 'production', version: '1' }, ADMIN);
      expect(await call('DELETE', 'registered-models/alias', { name: 'unset', alias: 'production' }, EDITOR)).toMatchObject({
        status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'bob (role editor) cannot remove the alias @production of unset: it is protected, and only approvers may change it.' },
      });
      expect(await call('DELETE', 'registered-models/alias', { name: 'unset', alias: 'production' }, ADMIN)).toMatchObject({ status: 200, body: {} });
      expect((await call('GET', 'registered-models/get', { name: 'unset' })).body.registered_model).not.toHaveProperty('aliases');
    });

    it('stage Production counts as the protected alias production: approver and policy to enter, approver to leave', async () => {
      await modelWithVersions(s, 'staged', 2);
      const to = (version: string, stage: string, as?: As) => call('POST', 'model-versions/transition-stage', { name: 'staged', version, stage }, as);
      expect(await to('1', 'Production', EDITOR)).toMatchObject({
        status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'bob (role editor) cannot move staged version 1 from stage None to Production: it is protected, and only approvers may change it.' },
      });
      expect(await to('1', 'production', ADMIN)).toMatchObject({
        status: 403, body: { error_code: 'PERMISSION_DENIED', message: `Cannot move staged version 1 to stage Production: ${GATE}; ${APPROVAL('staged', '1')}.` },
      });
      await meetProductionPolicy(s, 'staged', '1');
      expect(await to('1', 'Production', ADMIN)).toMatchObject({ status: 200, body: { model_version: { version: '1', current_stage: 'Production' } } });
      expect(await to('2', 'Staging', EDITOR)).toMatchObject({ status: 200, body: { model_version: { current_stage: 'Staging' } } });
      expect(await to('1', 'Archived', EDITOR)).toMatchObject({
        status: 403, body: { message: 'bob (role editor) cannot move staged version 1 from stage Production to Archived: it is protected, and only approvers may change it.' },
      });
      expect((await call('GET', 'model-versions/get', { name: 'staged', version: '1' })).body.model_version.current_stage).toBe('Production');
    });

    it('deleting what holds a protected alias or stage needs an approver too', async () => {
      await modelWithVersions(s, 'held', 2);
      await meetProductionPolicy(s, 'held', '1');
      await call('POST', 'registered-models/alias', { name: 'held', alias: 'production', version: '1' }, ADMIN);
      await call('POST', 'model-versions/transition-stage', { name: 'held', version: '1', stage: 'Production' }, ADMIN);
      expect(await call('DELETE', 'model-versions/delete', { name: 'held', version: '1' }, EDITOR)).toMatchObject({
        status: 403, body: { message: 'bob (role editor) cannot delete held version 1, which holds @production, stage Production: it is protected, and only approvers may change it.' },
      });
      expect(await call('DELETE', 'registered-models/delete', { name: 'held' }, EDITOR)).toMatchObject({
        status: 403, body: { message: 'bob (role editor) cannot delete model held, which holds @production, stage Production: it is protected, and only approvers may change it.' },
      });
      expect(await call('DELETE', 'model-versions/delete', { name: 'held', version: '2' }, EDITOR)).toMatchObject({ status: 200, body: {} });
      expect(await call('DELETE', 'registered-models/delete', { name: 'held' }, ADMIN)).toMatchObject({ status: 200, body: {} });
    });
  });

  describe.skipIf(!backend.available)(`MLflow registry governance settings: ${backend.name}`, () => {
    let open: RegistryTestServer;
    let approvers: RegistryTestServer;
    beforeAll(async () => {
      open = await createRegistryTestServer(backend);
      approvers = await createRegistryTestServer(backend, { aliasPolicies: { production: {} }, approverRoles: ['editor'] });
    });
    afterAll(async () => {
      await open?.dispose();
      await approvers?.dispose();
    });

    it('without registry.aliases, production and stage Production are plain MLflow: an editor moves them without a gate', async () => {
      await modelWithVersions(open, 'free', 1);
      expect(await open.call('POST', `${API}registered-models/alias`, { name: 'free', alias: 'production', version: '1' }, EDITOR)).toMatchObject({ status: 200, body: {} });
      expect(await open.call('POST', `${API}model-versions/transition-stage`, { name: 'free', version: '1', stage: 'Production' }, EDITOR)).toMatchObject({ status: 200 });
      expect(await open.call('DELETE', `${API}registered-models/alias`, { name: 'free', alias: 'production' }, EDITOR)).toMatchObject({ status: 200, body: {} });
    });

    it('a configured approver role may move a protected alias; the policy (here: a passed gate) still applies', async () => {
      await modelWithVersions(approvers, 'byrole', 1);
      expect(await approvers.call('POST', `${API}registered-models/alias`, { name: 'byrole', alias: 'production', version: '1' }, EDITOR)).toMatchObject({
        status: 403, body: { message: `Cannot promote byrole version 1 to @production: ${GATE}.` },
      });
      await recordBlessing(approvers.ts.store, 'byrole', '1', { target: 'production', passed: true, rules: [] });
      expect(await approvers.call('POST', `${API}registered-models/alias`, { name: 'byrole', alias: 'production', version: '1' }, EDITOR)).toMatchObject({ status: 200, body: {} });
      expect(await approvers.call('POST', `${API}registered-models/alias`, { name: 'byrole', alias: 'production', version: '1' }, ['vic', 'viewer'])).toMatchObject({ status: 403 });
    });
  });
}
