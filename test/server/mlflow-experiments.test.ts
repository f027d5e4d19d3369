import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { createTestServer, type TestServer } from './server-fixture.js';
import {
  API, badParam, experimentNotFound, getRunBody, missingParam, mlflowError, newExperiment, newRun, ok,
} from './mlflow-tracking-fixture.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`MLflow experiments routes (${backend.name})`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await createTestServer(backend);
    });
    afterAll(async () => s.dispose());

    const get = (id: string) => s.call('GET', `${API}experiments/get`, { experiment_id: id });

    it('creates an experiment and reads it back by id and by name, fields in protobuf order', async () => {
      const created = ok(await s.call('POST', `${API}experiments/create`, { name: 'churn', tags: [{ key: 'team', value: 'risk' }] }));
      const id = created.body.experiment_id as string;
      expect(created.body).toEqual({ experiment_id: id });
      expect(id).toMatch(/^[1-9]\d*$/);

      const byId = ok(await get(id)).body;
      const experiment = byId.experiment;
      expect(byId).toEqual({
        experiment: {
          experiment_id: id, name: 'churn', artifact_location: `mlflow-artifacts:/${id}`, lifecycle_stage: 'active',
          last_update_time: experiment.creation_time, creation_time: experiment.creation_time, tags: [{ key: 'team', value: 'risk' }],
        },
      });
      expect(Object.keys(experiment)).toEqual(['experiment_id', 'name', 'artifact_location', 'lifecycle_stage', 'last_update_time', 'creation_time', 'tags']);
      expect(experiment.creation_time).toBeGreaterThan(1.6e12);
      expect(ok(await s.call('GET', `${API}experiments/get-by-name`, { experiment_name: 'churn' })).body).toEqual(byId);
      // The web UI's prefix answers the same.
      expect(ok(await s.call('GET', `/ajax-api/2.0/mlflow/experiments/get`, { experiment_id: id })).body).toEqual(byId);
    });

    it('leaves out an empty tag list, as protobuf does', async () => {
      const id = await newExperiment(s, 'no-tags');
      expect(Object.keys(ok(await get(id)).body.experiment)).not.toContain('tags');
      expect(ok(await get('0')).body.experiment).toMatchObject({ experiment_id: '0', name: 'Default', artifact_location: 'mlflow-artifacts:/0' });
    });

    it('answers unknown experiments with RESOURCE_DOES_NOT_EXIST and 404', async () => {
      expect(await s.call('GET', `${API}experiments/get-by-name`, { experiment_name: 'nope' })).toMatchObject({
        status: 404, body: mlflowError('RESOURCE_DOES_NOT_EXIST', "Could not find experiment with name 'nope'"),
      });
      expect(await get('424242')).toMatchObject({ status: 404, body: experimentNotFound('424242') });
      // An id that cannot be an experiment id is unknown too (MLflow on SQLite answers the same).
      expect(await get('abc')).toMatchObject({ status: 404, body: experimentNotFound('abc') });
    });

    it('refuses missing and mistyped parameters with MLflow\'s messages', async () => {
      expect(await s.call('POST', `${API}experiments/create`, {})).toMatchObject({ status: 400, body: missingParam('name') });
      expect(await s.call('POST', `${API}experiments/create`, { name: '' })).toMatchObject({ status: 400, body: missingParam('name') });
      expect(await s.call('POST', `${API}experiments/create`, { name: 5 })).toMatchObject({ status: 400, body: badParam('name', '5', 'int') });
      expect(await s.call('GET', `${API}experiments/get`, {})).toMatchObject({ status: 400, body: missingParam('experiment_id') });
      expect(await s.call('GET', `${API}experiments/get-by-name`, {})).toMatchObject({ status: 400, body: missingParam('experiment_name') });
      expect(await s.call('POST', `${API}experiments/update`, { experiment_id: '0' })).toMatchObject({ status: 400, body: missingParam('new_name') });
      expect(await s.call('POST', `${API}experiments/set-experiment-tag`, { experiment_id: '0' })).toMatchObject({ status: 400, body: missingParam('key') });
      const tooLong = 'x'.repeat(501);
      expect(await s.call('POST', `${API}experiments/create`, { name: tooLong })).toMatchObject({
        status: 400, body: mlflowError('INVALID_PARAMETER_VALUE', 'Experiment name had length 501, which exceeded length limit of 500'),
      });
    });

    it('refuses a second experiment with the same name: RESOURCE_ALREADY_EXISTS, status 400', async () => {
      await newExperiment(s, 'dup');
      expect(await s.call('POST', `${API}experiments/create`, { name: 'dup' })).toMatchObject({
        status: 400, body: mlflowError('RESOURCE_ALREADY_EXISTS', "Experiment 'dup' already exists."),
      });
    });

    it('deletes and restores an experiment with its runs; a second delete or restore is RESOURCE_DOES_NOT_EXIST', async () => {
      const id = await newExperiment(s, 'to-delete');
      const runId = await newRun(s, id);
      expect(ok(await s.call('POST', `${API}experiments/delete`, { experiment_id: id })).body).toEqual({});
      expect(ok(await get(id)).body.experiment.lifecycle_stage).toBe('deleted');
      expect((await getRunBody(s, runId)).info.lifecycle_stage).toBe('deleted');
      expect(await s.call('POST', `${API}experiments/delete`, { experiment_id: id })).toMatchObject({ status: 404, body: experimentNotFound(id) });
      // Deleted experiments take no new runs and no tags.
      const inactive = mlflowError('INVALID_PARAMETER_VALUE', `The experiment ${id} must be in the 'active' state. Current state is deleted.`);
      expect(await s.call('POST', `${API}runs/create`, { experiment_id: id })).toMatchObject({ status: 400, body: inactive });
      expect(await s.call('POST', `${API}experiments/set-experiment-tag`, { experiment_id: id, key: 'k', value: 'v' })).toMatchObject({ status: 400, body: inactive });

      expect(ok(await s.call('POST', `${API}experiments/restore`, { experiment_id: id })).body).toEqual({});
      expect(ok(await get(id)).body.experiment.lifecycle_stage).toBe('active');
      expect((await getRunBody(s, runId)).info.lifecycle_stage).toBe('active');
      expect(await s.call('POST', `${API}experiments/restore`, { experiment_id: id })).toMatchObject({ status: 404, body: experimentNotFound(id) });
      expect(await s.call('POST', `${API}experiments/delete`, { experiment_id: '424242' })).toMatchObject({ status: 404, body: experimentNotFound('424242') });
    });

    it('keeps the Default experiment', async () => {
      expect(await s.call('POST', `${API}experiments/delete`, { experiment_id: '0' })).toMatchObject({
        status: 400, body: mlflowError('INVALID_PARAMETER_VALUE', 'Cannot delete the default experiment 0.'),
      });
    });

    it('says which deleted experiment holds a name, and frees it when that experiment is renamed', async () => {
      const old = await newExperiment(s, 'reused');
      ok(await s.call('POST', `${API}experiments/delete`, { experiment_id: old }));
      // get-by-name still finds the deleted one, as MLflow's set_experiment expects.
      expect(ok(await s.call('GET', `${API}experiments/get-by-name`, { experiment_name: 'reused' })).body.experiment).toMatchObject({
        experiment_id: old, lifecycle_stage: 'deleted',
      });
      expect(await s.call('POST', `${API}experiments/create`, { name: 'reused' })).toMatchObject({
        status: 400,
        body: mlflowError(
          'RESOURCE_ALREADY_EXISTS',
          `Experiment 'reused' already exists in the deleted state (experiment_id=${old}). ` +
            'Restore it (experiments/restore), or rename it (experiments/update) to use the name for a new experiment.',
        ),
      });
      ok(await s.call('POST', `${API}experiments/update`, { experiment_id: old, new_name: 'reused (old)' }));
      const fresh = await newExperiment(s, 'reused');
      expect(fresh).not.toBe(old);
      expect(ok(await get(old)).body.experiment).toMatchObject({ name: 'reused (old)', lifecycle_stage: 'deleted' });
    });

    it('renames an experiment; a name in use is RESOURCE_ALREADY_EXISTS', async () => {
      const id = await newExperiment(s, 'before');
      await newExperiment(s, 'taken');
      const created = ok(await get(id)).body.experiment;
      expect(ok(await s.call('POST', `${API}experiments/update`, { experiment_id: id, new_name: 'after' })).body).toEqual({});
      const renamed = ok(await s.call('GET', `${API}experiments/get-by-name`, { experiment_name: 'after' })).body.experiment;
      expect(renamed).toMatchObject({ experiment_id: id, name: 'after' });
      expect(renamed.last_update_time).toBeGreaterThan(created.last_update_time);
      expect(await s.call('POST', `${API}experiments/update`, { experiment_id: id, new_name: 'taken' })).toMatchObject({
        status: 400, body: mlflowError('RESOURCE_ALREADY_EXISTS', "Experiment 'taken' already exists."),
      });
      expect(await s.call('POST', `${API}experiments/update`, { experiment_id: '424242', new_name: 'x' })).toMatchObject({
        status: 404, body: experimentNotFound('424242'),
      });
    });

    it('sets experiment tags: a new key adds, the same key overwrites, a missing value is empty', async () => {
      const id = await newExperiment(s, 'tagged');
      const tag = (key: string, value?: string) =>
        s.call('POST', `${API}experiments/set-experiment-tag`, { experiment_id: id, key, ...(value === undefined ? {} : { value }) });
      expect(ok(await tag('owner', 'ann')).body).toEqual({});
      ok(await tag('owner', 'bob'));
      ok(await tag('empty'));
      expect(ok(await get(id)).body.experiment.tags).toEqual([{ key: 'empty', value: '' }, { key: 'owner', value: 'bob' }]);
      expect(await tag('bad/../key', 'x')).toMatchObject({
        status: 400,
        body: mlflowError(
          'INVALID_PARAMETER_VALUE',
          "Invalid tag name: 'bad/../key'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'key'",
        ),
      });
      expect(await s.call('POST', `${API}experiments/set-experiment-tag`, { experiment_id: '424242', key: 'k', value: 'v' })).toMatchObject({
        status: 404, body: experimentNotFound('424242'),
      });
    });

    it('accepts an artifact_location and keeps artifacts behind its own proxy', async () => {
      const id = ok(await s.call('POST', `${API}experiments/create`, { name: 'elsewhere', artifact_location: 's3://bucket/x' })).body.experiment_id;
      expect(ok(await get(id)).body.experiment.artifact_location).toBe(`mlflow-artifacts:/${id}`);
    });
  });
}
