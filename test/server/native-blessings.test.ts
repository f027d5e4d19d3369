import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/index.js';
import { createModelVersion, createRegisteredModel, listBlessings } from '../../src/registry/index.js';
import { BACKENDS, type TestBackend } from '../backends.js';
import { createNativeTestServer, type NativeTestServer, type SeededPipeline, seedPipelineRun } from './native-helpers.js';
import { createTestServer } from './server-fixture.js';

const RULES = [{
  metric: 'accuracy', greater_is_better: true, status: 'passed', candidate: 0.91, baseline: 0.88,
  checks: [{ check: 'threshold', status: 'passed', limit: 0.8, required: 0.8, message: 'accuracy = 0.91 meets threshold ≥ 0.8' }],
}];

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`native API: recording gate verdicts (${backend.name})`, () => {
    let s: NativeTestServer;
    let seeded: SeededPipeline;
    const path = '/api/v1/models/churn/versions/1/blessings';
    beforeAll(async () => {
      s = await createNativeTestServer(backend, { aliasPolicies: { production: { requireApproval: true } } });
      seeded = await seedPipelineRun(s.ts.store, 'churn-pipeline');
      await createRegisteredModel(s.ts.store, 'churn');
      await createModelVersion(s.ts.store, 'churn', { source: `runs:/${seeded.stages.train}/model/model.onnx` });
      await createModelVersion(s.ts.store, 'churn', { source: `runs:/${seeded.stages.train}/model/model.onnx` });
    });
    afterAll(async () => {
      await s.dispose();
    });

    it('records a verdict as the caller, audits it, and answers the stored blessing', async () => {
      const ok = await s.call('POST', path, { alias: 'production', passed: true, baseline_version: '2', rules: RULES, run_id: seeded.stages.evaluate }, 'eddie:editor');
      expect(ok.status).toBe(201);
      expect(ok.body).toEqual({
        blessing: {
          id: expect.any(Number), name: 'churn', version: '1', target: 'production', baseline_version: '2', passed: true, rules: RULES,
          run_id: seeded.stages.evaluate, actor: 'eddie', time: expect.any(Number),
        },
      });
      expect(await listBlessings(s.ts.store, 'churn', 1)).toEqual([ok.body.blessing]);
      expect((await s.call('GET', '/api/v1/models/churn/versions/1')).body.blessings).toEqual([ok.body.blessing]);

      // A failed gate is history too; baseline and run are optional.
      const failed = await s.call('POST', '/api/v1/models/churn/versions/2/blessings', { alias: 'staging', passed: false, rules: [] }, 'eddie:editor');
      expect(failed.status).toBe(201);
      expect(failed.body.blessing).toMatchObject({ version: '2', target: 'staging', baseline_version: null, passed: false, rules: [], run_id: null });
      const nullBaseline = await s.call('POST', '/api/v1/models/churn/versions/2/blessings', { alias: 'staging', passed: false, baseline_version: null, rules: [] }, 'eddie:editor');
      expect([nullBaseline.status, nullBaseline.body.blessing.baseline_version]).toEqual([201, null]);
      const audit = await s.call('GET', '/api/v1/audit', { subject_type: 'model_version', actor: 'eddie' });
      expect(audit.body.entries.map((e: { action: string; actor: string; subject_id: string }) => `${e.action} ${e.actor} ${e.subject_id}`)).toEqual([
        'model_version.gate_failed eddie churn/2', 'model_version.gate_failed eddie churn/2', 'model_version.bless eddie churn/1',
      ]);
    });

    it("takes an editor's passed gate as the pipeline's word, but a protected alias still needs an approver and an approval", async () => {
      const promote = (as: `${string}:${'editor' | 'admin'}`) => s.call('POST', '/api/v1/models/churn/versions/1/promote', { alias: 'production' }, as);
      const editor = await promote('eddie:editor');
      expect([editor.status, editor.body.message]).toEqual([403, 'eddie (editor) may not move the protected alias @production: that needs an admin or an approver role.']);
      const unapproved = await promote('bob:admin');
      expect(unapproved.status).toBe(403);
      expect(unapproved.body.message).toMatch(/^Cannot promote churn version 1 to @production: @production requires an approval by someone other than its author/);
      expect((await s.call('POST', '/api/v1/models/churn/versions/1/approvals', { alias: 'production' }, 'bob:admin')).status).toBe(201);
      expect((await promote('bob:admin')).body).toMatchObject({ alias: 'production', version: '1' });

      // An unprotected alias follows the latest verdict: a failed gate recorded after a pass un-blesses the version.
      const bless = (passed: boolean) => s.call('POST', '/api/v1/models/churn/versions/2/blessings', { alias: 'canary', passed, rules: [] }, 'eddie:editor');
      await bless(true);
      await bless(false);
      const refused = await s.call('POST', '/api/v1/models/churn/versions/2/promote', { alias: 'canary' }, 'eddie:editor');
      expect([refused.status, refused.body.message]).toEqual([403, expect.stringMatching(/^Cannot promote churn version 2 to @canary: it holds no passed gate for @canary/)]);
      await bless(true);
      expect((await s.call('POST', '/api/v1/models/churn/versions/2/promote', { alias: 'canary' }, 'eddie:editor')).status).toBe(200);
    });

    it('answers a bad body with a 400 naming the field, and records nothing', async () => {
      const before = (await listBlessings(s.ts.store, 'churn')).length;
      const cases: [unknown, string][] = [
        [{}, "Missing body field 'alias'; Missing body field 'passed'; Missing body field 'rules'"],
        [{ alias: 'production', passed: 'yes', rules: [] }, "Invalid body field 'passed': Invalid input: expected boolean, received string"],
        [{ alias: 'production', passed: true, rules: 'all good' }, "Invalid body field 'rules': Invalid input: expected array, received string"],
        [{ alias: 'production', passed: true, rules: [1] }, "Invalid body field 'rules[0]': Invalid input: expected record, received number"],
        [{ alias: 'production', passed: true, rules: [], baseline_version: 'v1' }, "Invalid body field 'baseline_version': expected a version number (1, 2, …)"],
        [{ alias: 'production', passed: true, rules: [], baseline_version: 2 }, "Invalid body field 'baseline_version': Invalid input: expected string, received number"],
        [{ alias: '', passed: true, rules: [] }, "Invalid body field 'alias': Too small: expected string to have >=1 characters"],
        [{ alias: 'latest', passed: true, rules: [] }, "Invalid alias 'latest': 'latest' and 'v<number>' are reserved in model URIs."],
        [{ alias: 'production', passed: true, rules: [], run_id: 'nope' }, "Invalid run id 'nope': expected 32 lowercase hex characters."],
        [{ alias: 'production', passed: true, rules: [], target: 'production' }, "Unknown body field 'target'"],
        ['[1,2]', 'Invalid request body: Invalid input: expected object, received array'],
      ];
      for (const [body, message] of cases) {
        const r = await s.call('POST', path, body, 'eddie:editor');
        expect([r.status, r.body], JSON.stringify(body)).toEqual([400, { error_code: 'INVALID_PARAMETER_VALUE', message }]);
      }
      const notJson = await s.call('POST', path, '{"alias":', 'eddie:editor');
      expect([notJson.status, notJson.body]).toEqual([400, { error_code: 'MALFORMED_REQUEST', message: 'The request body is not valid JSON.' }]);
      const badVersion = await s.call('POST', '/api/v1/models/churn/versions/one/blessings', { alias: 'production', passed: true, rules: [] }, 'eddie:editor');
      expect([badVersion.status, badVersion.body.message]).toEqual([400, "Invalid path parameter 'version': expected a version number (1, 2, …)"]);
      expect(await listBlessings(s.ts.store, 'churn')).toHaveLength(before);
    });

    it('answers 404 for an unknown model, version or run', async () => {
      const body = { alias: 'production', passed: true, rules: [] };
      const model = await s.call('POST', '/api/v1/models/nope/versions/1/blessings', body, 'eddie:editor');
      expect([model.status, model.body]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Model Version (name=nope, version=1) not found' }]);
      const version = await s.call('POST', '/api/v1/models/churn/versions/9/blessings', body, 'eddie:editor');
      expect([version.status, version.body]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Model Version (name=churn, version=9) not found' }]);
      const run = await s.call('POST', path, { ...body, run_id: 'f'.repeat(32) }, 'eddie:editor');
      expect([run.status, run.body]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run with id=${'f'.repeat(32)} not found` }]);
    });
  });
}

describe('native API: recording gate verdicts with auth required', () => {
  it('refuses a viewer (403) and anyone without a token (401); takes an editor, recorded under the token owner', async () => {
    const s = await createTestServer(BACKENDS[0] as TestBackend, { auth: { required: true }, webhooks: false });
    try {
      await createRegisteredModel(s.ts.store, 'churn');
      await writeFile(join(s.ts.dir, 'model.onnx'), 'model bytes');
      await createModelVersion(s.ts.store, 'churn', { source: join(s.ts.dir, 'model.onnx') });
      const path = '/api/v1/models/churn/versions/1/blessings';
      const body = { alias: 'production', passed: true, rules: [] };
      const bearer = async (role: 'viewer' | 'editor') => ({ authorization: `Bearer ${(await createToken(s.ts.store, { name: `${role}-bot`, role })).token}` });

      const viewer = await s.call('POST', path, body, await bearer('viewer'));
      expect([viewer.status, viewer.body]).toEqual([403, {
        error_code: 'PERMISSION_DENIED', message: 'Permission denied: POST /api/v1/models/:name/versions/:version/blessings needs role editor or admin; viewer-bot has role viewer.',
      }]);
      expect((await s.call('POST', path, body)).status).toBe(401);
      expect(await listBlessings(s.ts.store, 'churn')).toEqual([]);
      const editor = await s.call('POST', path, body, await bearer('editor'));
      expect([editor.status, editor.body.blessing.actor]).toEqual([201, 'editor-bot']);
    } finally {
      await s.dispose();
    }
  });
});
