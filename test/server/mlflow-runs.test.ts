import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { createTestServer, type TestServer } from './server-fixture.js';
import {
  API, badParam, experimentNotFound, getRunBody, missingParam, mlflowError, newExperiment, newRun, ok, runNotFound,
} from './mlflow-tracking-fixture.js';
import { trackingRoutes } from '../../src/server/mlflow/tracking-routes.js';
import { getRunInfo } from '../../src/tracking/index.js';

describe('MLflow tracking route table', () => {
  it('has the 24 tracking routes of MLflow 2.10, reads needing read and writes needing edit', () => {
    const table = trackingRoutes.map((r) => `${r.method} ${r.path} ${r.permission}`).sort();
    const read = (m: string, p: string) => `${m} ${p} read`;
    const edit = (p: string) => `POST ${p} edit`;
    expect(table).toEqual([
      read('GET', 'artifacts/list'),
      edit('experiments/create'), edit('experiments/delete'),
      read('GET', 'experiments/get'), read('GET', 'experiments/get-by-name'),
      edit('experiments/restore'),
      read('GET', 'experiments/search'), read('POST', 'experiments/search'),
      edit('experiments/set-experiment-tag'), edit('experiments/update'),
      read('GET', 'metrics/get-history'),
      edit('runs/create'), edit('runs/delete'), edit('runs/delete-tag'),
      read('GET', 'runs/get'),
      edit('runs/log-batch'), edit('runs/log-inputs'), edit('runs/log-metric'), edit('runs/log-model'), edit('runs/log-parameter'),
      edit('runs/restore'), read('POST', 'runs/search'), edit('runs/set-tag'), edit('runs/update'),
    ].sort());
    expect(trackingRoutes.find((r) => r.path === 'runs/log-batch')?.bodyLimit).toBe(1_000_000);
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`MLflow runs routes (${backend.name})`, () => {
    let s: TestServer;
    let exp: string;
    beforeAll(async () => {
      s = await createTestServer(backend);
      exp = await newExperiment(s, 'runs');
    });
    afterAll(async () => s.dispose());

    it('creates a run as the client does and answers with info and data (no inputs), fields in protobuf order', async () => {
      const tags = [
        { key: 'mlflow.user', value: 'bob' },
        { key: 'mlflow.source.name', value: 'train.py' },
        { key: 'mlflow.source.type', value: 'LOCAL' },
      ];
      const r = ok(await s.call('POST', `${API}runs/create`, { experiment_id: exp, user_id: 'bob', start_time: 1_700_000_123_456, run_name: 'train', tags }));
      const id = r.body.run.info.run_id as string;
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(r.body).toEqual({
        run: {
          info: {
            run_uuid: id, experiment_id: exp, run_name: 'train', user_id: 'bob', status: 'RUNNING', start_time: 1_700_000_123_456,
            artifact_uri: `mlflow-artifacts:/${exp}/${id}/artifacts`, lifecycle_stage: 'active', run_id: id,
          },
          data: {
            tags: [
              { key: 'mlflow.runName', value: 'train' }, { key: 'mlflow.source.name', value: 'train.py' },
              { key: 'mlflow.source.type', value: 'LOCAL' }, { key: 'mlflow.user', value: 'bob' },
            ],
          },
        },
      });
      expect(Object.keys(r.body.run.info)).toEqual([
        'run_uuid', 'experiment_id', 'run_name', 'user_id', 'status', 'start_time', 'artifact_uri', 'lifecycle_stage', 'run_id',
      ]);
      // runs/get adds the (empty) inputs message.
      expect(await getRunBody(s, id)).toEqual({ ...r.body.run, inputs: {} });
    });

    it('fills in what the request leaves out: Default experiment, the caller as user, a generated name, now', async () => {
      const r = ok(await s.call('POST', `${API}runs/create`, {}));
      const info = r.body.run.info;
      expect(info).toMatchObject({ experiment_id: '0', user_id: 'alice', status: 'RUNNING' });
      expect(info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
      expect(r.body.run.data.tags).toEqual([{ key: 'mlflow.runName', value: info.run_name }]);
      expect(info.start_time).toBeGreaterThan(1.6e12);
      expect(Object.keys(info)).not.toContain('end_time');
    });

    it('takes the run name from the mlflow.runName tag, and refuses a tag that contradicts run_name', async () => {
      const byTag = ok(await s.call('POST', `${API}runs/create`, { experiment_id: exp, tags: [{ key: 'mlflow.runName', value: 'from-tag' }] }));
      expect(byTag.body.run.info.run_name).toBe('from-tag');
      expect(await s.call('POST', `${API}runs/create`, { experiment_id: exp, run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] })).toMatchObject({
        status: 400,
        body: mlflowError(
          'INVALID_PARAMETER_VALUE',
          "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='a', mlflow.runName='b').",
        ),
      });
    });

    it('records a nested run\'s parent and the git commit as lineage', async () => {
      const parent = await newRun(s, exp);
      const child = await newRun(s, exp, {
        tags: [{ key: 'mlflow.parentRunId', value: parent }, { key: 'mlflow.source.git.commit', value: 'abc123' }],
      });
      expect(await getRunInfo(s.ts.store, child)).toMatchObject({ parent_run_id: parent, source_git_commit: 'abc123' });
    });

    it('refuses runs in unknown experiments and mistyped fields', async () => {
      expect(await s.call('POST', `${API}runs/create`, { experiment_id: '424242' })).toMatchObject({ status: 404, body: experimentNotFound('424242') });
      expect(await s.call('POST', `${API}runs/create`, { experiment_id: 7 })).toMatchObject({ status: 400, body: badParam('experiment_id', '7', 'int') });
      expect(await s.call('POST', `${API}runs/create`, { start_time: 'soon' })).toMatchObject({ status: 400, body: badParam('start_time', 'soon', 'str') });
    });

    it('gets a run by run_id or by the deprecated run_uuid; unknown ids are 404', async () => {
      const id = await newRun(s, exp, { run_name: 'lookup' });
      expect(ok(await s.call('GET', `${API}runs/get`, { run_uuid: id })).body.run.info.run_name).toBe('lookup');
      const unknown = '0'.repeat(32);
      expect(await s.call('GET', `${API}runs/get`, { run_id: unknown })).toMatchObject({ status: 404, body: runNotFound(unknown) });
      expect(await s.call('GET', `${API}runs/get`, { run_id: 'nope' })).toMatchObject({ status: 404, body: runNotFound('nope') });
      expect(await s.call('GET', `${API}runs/get`, {})).toMatchObject({ status: 400, body: missingParam('run_id') });
    });

    it('ends a run (status by name or number, end_time) and renames it, tag included', async () => {
      const id = await newRun(s, exp, { run_name: 'before', start_time: 1_700_000_000_000 });
      const r = ok(await s.call('POST', `${API}runs/update`, { run_id: id, status: 'FINISHED', end_time: 1_700_000_009_000, run_name: 'after' }));
      expect(r.body).toEqual({
        run_info: {
          run_uuid: id, experiment_id: exp, run_name: 'after', user_id: 'alice', status: 'FINISHED', start_time: 1_700_000_000_000,
          end_time: 1_700_000_009_000, artifact_uri: `mlflow-artifacts:/${exp}/${id}/artifacts`, lifecycle_stage: 'active', run_id: id,
        },
      });
      expect((await getRunBody(s, id)).data.tags).toEqual([{ key: 'mlflow.runName', value: 'after' }]);
      // protobuf's JSON mapping also accepts an enum by number: 4 is FAILED.
      expect(ok(await s.call('POST', `${API}runs/update`, { run_id: id, status: 4 })).body.run_info.status).toBe('FAILED');
      // An empty run_name leaves the name alone, as MLflow does.
      expect(ok(await s.call('POST', `${API}runs/update`, { run_id: id, run_name: '' })).body.run_info.run_name).toBe('after');
      expect(await s.call('POST', `${API}runs/update`, { run_id: id, status: 'BOGUS' })).toMatchObject({ status: 400, body: badParam('status', 'BOGUS', 'str') });
      expect(await s.call('POST', `${API}runs/update`, { status: 'FINISHED' })).toMatchObject({ status: 400, body: missingParam('run_id') });
    });

    it('deletes and restores runs; a deleted run takes no updates (MLflow\'s _check_run_is_active)', async () => {
      const id = await newRun(s, exp);
      expect(ok(await s.call('POST', `${API}runs/delete`, { run_id: id })).body).toEqual({});
      expect((await getRunBody(s, id)).info.lifecycle_stage).toBe('deleted');
      const inactive = mlflowError('INVALID_PARAMETER_VALUE', `The run ${id} must be in the 'active' state. Current state is deleted.`);
      expect(await s.call('POST', `${API}runs/update`, { run_id: id, status: 'KILLED' })).toMatchObject({ status: 400, body: inactive });
      // Deleting twice is fine, as in MLflow.
      ok(await s.call('POST', `${API}runs/delete`, { run_id: id }));
      expect(ok(await s.call('POST', `${API}runs/restore`, { run_id: id })).body).toEqual({});
      expect((await getRunBody(s, id)).info.lifecycle_stage).toBe('active');
      ok(await s.call('POST', `${API}runs/update`, { run_id: id, status: 'KILLED' }));
      const unknown = 'f'.repeat(32);
      expect(await s.call('POST', `${API}runs/delete`, { run_id: unknown })).toMatchObject({ status: 404, body: runNotFound(unknown) });
      expect(await s.call('POST', `${API}runs/restore`, { run_id: unknown })).toMatchObject({ status: 404, body: runNotFound(unknown) });
    });
  });
}
