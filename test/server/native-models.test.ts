import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelVersion, createRegisteredModel, recordBlessing } from '../../src/registry/index.js';
import { BACKENDS } from '../backends.js';
import { createNativeTestServer, type NativeTestServer, type SeededPipeline, seedPipelineRun } from './native-helpers.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`native API: models, approvals, promotions (${backend.name})`, () => {
    let s: NativeTestServer;
    let seeded: SeededPipeline;
    beforeAll(async () => {
      s = await createNativeTestServer(backend, { aliasPolicies: { production: { requireApproval: true } } });
      const store = s.ts.store;
      seeded = await seedPipelineRun(store, 'churn-pipeline', { commit: 'c'.repeat(40) });
      await createRegisteredModel(store, 'churn', { description: 'who leaves' });
      await createModelVersion(store, 'churn', { source: `runs:/${seeded.stages.train}/model/model.onnx`, description: 'first' });
      await writeFile(join(s.ts.dir, 'v2.onnx'), 'second model');
      await createModelVersion(store, 'churn', { source: join(s.ts.dir, 'v2.onnx') });
      await createRegisteredModel(store, 'fraud');
      await createRegisteredModel(store, 'zeta');
    });
    afterAll(async () => {
      await s.dispose();
    });

    it('lists models a page at a time', async () => {
      const first = await s.call('GET', '/api/v1/models', { limit: 2 });
      expect(first.status).toBe(200);
      expect(first.body.registered_models.map((m: { name: string }) => m.name)).toEqual(['churn', 'fraud']);
      expect(first.body.registered_models[0].aliases).toEqual([]);
      const second = await s.call('GET', '/api/v1/models', { limit: 2, page_token: first.body.next_page_token });
      expect(second.body).toEqual({ registered_models: [expect.objectContaining({ name: 'zeta' })] });
      expect((await s.call('GET', '/api/v1/models', { name_contains: 'RAU' })).body.registered_models.map((m: { name: string }) => m.name)).toEqual(['fraud']);
    });

    it('answers bad query parameters with a 400 naming them', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ limit: 0 }, "Invalid query parameter 'limit': expected an integer from 1 to 1000"],
        [{ limit: 1001 }, "Invalid query parameter 'limit': expected an integer from 1 to 1000"],
        [{ limit: 'ten' }, "Invalid query parameter 'limit': expected an integer from 1 to 1000"],
        [{ limit: 2.5 }, "Invalid query parameter 'limit': expected an integer from 1 to 1000"],
        [{ page_token: 'garbage' }, "Invalid query parameter 'page_token': not a token this list gave out (pass next_page_token unchanged)."],
        [{ sort: 'name' }, "Unknown query parameter 'sort'"],
      ];
      for (const [query, message] of cases) {
        const r = await s.call('GET', '/api/v1/models', query);
        expect([r.status, r.body]).toEqual([400, { error_code: 'INVALID_PARAMETER_VALUE', message }]);
      }
    });

    it('shows a model with its versions, newest first; 404 for an unknown one', async () => {
      const r = await s.call('GET', '/api/v1/models/churn');
      expect(r.status).toBe(200);
      expect(r.body.registered_model).toMatchObject({ name: 'churn', description: 'who leaves' });
      expect(r.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['2', '1']);
      const missing = await s.call('GET', '/api/v1/models/nope');
      expect([missing.status, missing.body]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=nope not found' }]);
    });

    it("gives a version's lineage: training run, pipeline run, commit, data by hash, params, the pipeline's metrics", async () => {
      const r = await s.call('GET', '/api/v1/models/churn/versions/1');
      expect(r.status).toBe(200);
      expect(r.body.model_version).toMatchObject({ name: 'churn', version: '1', run_id: seeded.stages.train, user_id: 'alice', description: 'first' });
      const l = r.body.lineage;
      expect(l.run).toMatchObject({ run_id: seeded.stages.train, run_name: 'train', status: 'FINISHED', experiment_id: seeded.experimentId });
      expect(l.pipeline_run).toMatchObject({ run_id: seeded.parent, run_name: 'churn-pipeline pipeline' });
      expect(l.code).toEqual({ git_commit: 'c'.repeat(40), dirty: false });
      expect(l.data).toEqual([{ name: 'data/train.csv', digest: '2'.repeat(64), context: 'input', source: 'data/train.csv', size: 10 }]);
      expect(l.params).toEqual([{ key: 'lr', value: '0.1' }, { key: 'seed', value: '7' }]);
      const metrics = Object.fromEntries(l.metrics.map((m: { key: string; value: unknown; run_id: string }) => [`${m.run_id === seeded.stages.train ? 'train' : 'other'}:${m.key}`, m.value]));
      expect(metrics).toMatchObject({ 'train:loss': 0.25, 'other:accuracy': 0.87, 'other:log_loss': 'NaN' });
      expect(r.body).toMatchObject({ blessings: [], approvals: [], history: [] });

      const noRun = await s.call('GET', '/api/v1/models/churn/versions/2');
      expect(noRun.body.lineage).toEqual({ run: null, pipeline_run: null, code: null, data: [], params: [], metrics: [] });
      expect((await s.call('GET', '/api/v1/models/churn/versions/3')).status).toBe(404);
      const bad = await s.call('GET', '/api/v1/models/churn/versions/v1');
      expect([bad.status, bad.body.message]).toEqual([400, "Invalid path parameter 'version': expected a version number (1, 2, …)"]);
    });

    it('serves the model card', async () => {
      const r = await s.call('GET', '/api/v1/models/churn/versions/1/card');
      expect(r.status).toBe(200);
      expect(r.body.name).toBe('churn');
      expect(r.body.markdown).toMatch(/^# churn — version 1\n/);
      expect(r.body.markdown).toContain(`pipeline run \`${seeded.parent}\``);
    });

    it('takes approvals from approvers only, never from the author', async () => {
      const path = '/api/v1/models/churn/versions/1/approvals';
      const viewer = await s.call('POST', path, { alias: 'production' }, 'vera:viewer');
      expect([viewer.status, viewer.body]).toEqual([403, { error_code: 'PERMISSION_DENIED', message: 'vera (viewer) may not approve or reject versions: that needs an admin or an approver role.' }]);
      expect((await s.call('POST', path, { alias: 'production' }, 'eddie:editor')).status).toBe(403);
      const author = await s.call('POST', path, { alias: 'production' }, 'alice:admin');
      expect([author.status, author.body.message]).toEqual([403, 'alice registered churn version 1 and cannot approve it: an approval must come from someone else.']);

      const ok = await s.call('POST', path, { alias: 'production', comment: 'looks good' }, 'bob:admin');
      expect(ok.status).toBe(201);
      expect(ok.body.approval).toMatchObject({ name: 'churn', version: '1', target: 'production', approver: 'bob', decision: 'approved', comment: 'looks good' });
      const rejected = await s.call('POST', path, { alias: 'staging', decision: 'rejected' }, 'alice:admin');
      expect(rejected.body.approval).toMatchObject({ approver: 'alice', decision: 'rejected', target: 'staging' });
      expect((await s.call('GET', path)).body.approvals.map((a: { approver: string; decision: string }) => `${a.approver}:${a.decision}`)).toEqual(['bob:approved', 'alice:rejected']);

      const invalid: [unknown, string][] = [
        [{}, "Missing body field 'alias'"],
        [{ alias: 'production', decision: 'maybe' }, 'Invalid body field \'decision\': Invalid option: expected one of "approved"|"rejected"'],
        [{ alias: 'latest' }, "Invalid alias 'latest': 'latest' and 'v<number>' are reserved in model URIs."],
        [{ alias: 'production', by: 'me' }, "Unknown body field 'by'"],
        ['[1,2]', 'Invalid request body: Invalid input: expected object, received array'],
        ['{"alias":', 'The request body is not valid JSON.'],
      ];
      for (const [body, message] of invalid) {
        const r = await s.call('POST', path, body, 'bob:admin');
        expect([r.status, r.body.message]).toEqual([400, message]);
      }
      expect((await s.call('POST', '/api/v1/models/churn/versions/9/approvals', { alias: 'production' }, 'bob:admin')).status).toBe(404);
    });

    it("promotes through the alias's policy; a protected alias only by an approver", async () => {
      const path = '/api/v1/models/churn/versions/1/promote';
      const editor = await s.call('POST', path, { alias: 'production' }, 'eddie:editor');
      expect([editor.status, editor.body.message]).toEqual([403, 'eddie (editor) may not move the protected alias @production: that needs an admin or an approver role.']);
      const unblessed = await s.call('POST', path, { alias: 'production' }, 'bob:admin');
      expect(unblessed.status).toBe(403);
      expect(unblessed.body.message).toContain('Cannot promote churn version 1 to @production: it holds no passed gate for @production');
      await recordBlessing(s.ts.store, 'churn', 1, { target: 'production', passed: true, rules: [{ metric: 'accuracy', status: 'passed' }] });
      const ok = await s.call('POST', path, { alias: 'production', reason: 'gate passed' }, 'bob:admin');
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ name: 'churn', alias: 'production', version: '1', model_version: { aliases: ['production'] } });

      // An unprotected alias: any editor, still behind a passed gate.
      expect((await s.call('POST', '/api/v1/models/churn/versions/2/promote', { alias: 'staging' }, 'eddie:editor')).status).toBe(403);
      await recordBlessing(s.ts.store, 'churn', 2, { target: 'staging', passed: true, rules: [] });
      expect((await s.call('POST', '/api/v1/models/churn/versions/2/promote', { alias: 'staging' }, 'eddie:editor')).status).toBe(200);
      expect((await s.call('POST', '/api/v1/models/churn/versions/7/promote', { alias: 'staging' }, 'eddie:editor')).status).toBe(404);

      expect((await s.call('GET', '/api/v1/models/churn/aliases/production')).body.model_version).toMatchObject({ version: '1' });
      expect((await s.call('GET', '/api/v1/models/churn/aliases/canary')).status).toBe(404);
      const history = await s.call('GET', '/api/v1/models/churn/history');
      expect(history.body.history.map((h: { target: string; version: string; actor: string; reason: string }) => [h.target, h.version, h.actor, h.reason])).toEqual([
        ['production', '1', 'bob', 'gate passed'], ['staging', '2', 'eddie', ''],
      ]);
      expect((await s.call('GET', '/api/v1/models/churn/history', { alias: 'staging' })).body.history).toHaveLength(1);
      const v1 = await s.call('GET', '/api/v1/models/churn/versions/1');
      expect(v1.body.blessings.map((b: { target: string; passed: boolean }) => [b.target, b.passed])).toEqual([['production', true]]);
      expect(v1.body.history.map((h: { target: string }) => h.target)).toEqual(['production']);
      const blessings = await s.call('GET', '/api/v1/models/churn/blessings');
      expect(blessings.body.blessings.map((b: { version: string }) => b.version)).toEqual(['1', '2']);
      expect((await s.call('GET', '/api/v1/models/churn/blessings', { version: 2 })).body.blessings).toHaveLength(1);
      expect((await s.call('GET', '/api/v1/models/nope/history')).status).toBe(404);
    });
  });
}
