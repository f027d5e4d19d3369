import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createExperiment,
  createRun,
  deleteExperiment,
  deleteRun,
  deleteTag,
  getExperiment,
  getExperimentByName,
  getRun,
  getRunInfo,
  listExperiments,
  logArtifact,
  logBatch,
  logInputs,
  logMetric,
  logParam,
  putArtifact,
  renameExperiment,
  restoreExperiment,
  restoreRun,
  setExperimentTag,
  setTag,
  updateRun,
} from '../../src/tracking/index.js';
import { BACKENDS } from '../backends.js';
import { createTestStore, expectCode, steppingClock, type TestStore } from '../helpers/test-store.js';

const T0 = 1_700_000_000_000;

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`metadata store experiments and runs: ${backend.name}`, () => {
    let t: TestStore;
    let scratch: string;
    beforeAll(async () => {
      t = await createTestStore(backend, { now: steppingClock(T0, 1000) });
      scratch = await mkdtemp(join(tmpdir(), 'slipway-exp-'));
    });
    afterAll(async () => {
      await t?.dispose();
      await rm(scratch, { recursive: true, force: true });
    });

    it('creates, gets, finds by name and lists experiments', async () => {
      const exp = await createExperiment(t.store, 'churn', { tags: [{ key: 'team', value: 'risk' }] });
      expect(exp.experiment_id).toMatch(/^[1-9]\d*$/);
      expect(exp).toEqual({
        experiment_id: exp.experiment_id,
        name: 'churn',
        artifact_location: `mlflow-artifacts:/${exp.experiment_id}`,
        lifecycle_stage: 'active',
        creation_time: exp.creation_time,
        last_update_time: exp.creation_time,
        tags: [{ key: 'team', value: 'risk' }],
      });
      expect((exp.creation_time - T0) % 1000).toBe(0);
      expect(await getExperiment(t.store, exp.experiment_id)).toEqual(exp);
      expect(await getExperimentByName(t.store, 'churn')).toEqual(exp);
      const listed = await listExperiments(t.store);
      expect(listed.map((e) => e.name)).toEqual(['Default', 'churn']);
      expect(listed[1]).toEqual(exp);
      await setExperimentTag(t.store, exp.experiment_id, 'team', 'growth');
      expect((await getExperiment(t.store, exp.experiment_id)).tags).toEqual([{ key: 'team', value: 'growth' }]);
    });

    it('refuses a duplicate name, unknown ids and malformed ids', async () => {
      await expectCode(createExperiment(t.store, 'churn'), 'RESOURCE_ALREADY_EXISTS');
      await expectCode(createExperiment(t.store, 'Default'), 'RESOURCE_ALREADY_EXISTS');
      await expectCode(createExperiment(t.store, '   '), 'INVALID_PARAMETER_VALUE');
      await expectCode(createExperiment(t.store, 'x'.repeat(501)), 'INVALID_PARAMETER_VALUE');
      await expectCode(getExperiment(t.store, '987654'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(getExperiment(t.store, '1 OR 1=1'), 'INVALID_PARAMETER_VALUE');
      await expectCode(getExperimentByName(t.store, 'nope'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('renames an experiment; the old name is free, a taken name is refused', async () => {
      const exp = await createExperiment(t.store, 'to-rename');
      await renameExperiment(t.store, exp.experiment_id, 'renamed');
      const got = await getExperiment(t.store, exp.experiment_id);
      expect(got.name).toBe('renamed');
      expect(got.last_update_time).toBeGreaterThan(exp.last_update_time);
      await expectCode(getExperimentByName(t.store, 'to-rename'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(renameExperiment(t.store, exp.experiment_id, 'churn'), 'RESOURCE_ALREADY_EXISTS');
      await expectCode(renameExperiment(t.store, '987654', 'whatever'), 'RESOURCE_DOES_NOT_EXIST');
      const reused = await createExperiment(t.store, 'to-rename');
      expect(reused.experiment_id).not.toBe(exp.experiment_id);
    });

    it('delete cascades runs to deleted, keeps the name taken; restore brings both back', async () => {
      const exp = await createExperiment(t.store, 'doomed');
      const r1 = await createRun(t.store, { experimentId: exp.experiment_id });
      const r2 = await createRun(t.store, { experimentId: exp.experiment_id });
      const other = await createRun(t.store, { experimentId: '0' });
      await deleteExperiment(t.store, exp.experiment_id, 'cleanup');
      expect((await getExperiment(t.store, exp.experiment_id)).lifecycle_stage).toBe('deleted');
      expect((await getRunInfo(t.store, r1.info.run_id)).lifecycle_stage).toBe('deleted');
      expect((await getRunInfo(t.store, r2.info.run_id)).lifecycle_stage).toBe('deleted');
      expect((await getRunInfo(t.store, other.info.run_id)).lifecycle_stage).toBe('active');
      expect((await listExperiments(t.store)).map((e) => e.name)).not.toContain('doomed');
      expect((await listExperiments(t.store, { viewType: 'DELETED_ONLY' })).map((e) => e.name)).toEqual(['doomed']);
      expect((await listExperiments(t.store, { viewType: 'ALL' })).map((e) => e.name)).toContain('doomed');
      await expectCode(createExperiment(t.store, 'doomed'), 'RESOURCE_ALREADY_EXISTS');
      await expectCode(createRun(t.store, { experimentId: exp.experiment_id }), 'INVALID_PARAMETER_VALUE');
      await expectCode(setExperimentTag(t.store, exp.experiment_id, 'k', 'v'), 'INVALID_PARAMETER_VALUE');
      await expectCode(deleteExperiment(t.store, exp.experiment_id), 'INVALID_PARAMETER_VALUE');

      await restoreExperiment(t.store, exp.experiment_id);
      expect((await getExperiment(t.store, exp.experiment_id)).lifecycle_stage).toBe('active');
      expect((await getRunInfo(t.store, r1.info.run_id)).lifecycle_stage).toBe('active');
      expect((await getRunInfo(t.store, r2.info.run_id)).lifecycle_stage).toBe('active');
      await expectCode(restoreExperiment(t.store, exp.experiment_id), 'INVALID_PARAMETER_VALUE');
    });

    it('refuses to delete the Default experiment 0', async () => {
      const err = await expectCode(deleteExperiment(t.store, '0'), 'INVALID_PARAMETER_VALUE');
      expect(err.message).toContain('default experiment');
      expect((await getExperiment(t.store, '0')).lifecycle_stage).toBe('active');
    });

    it('creates a run: 32-hex id, RUNNING, mlflow.runName tag, proxied artifact_uri', async () => {
      const exp = await createExperiment(t.store, 'runs-here');
      const run = await createRun(t.store, {
        experimentId: exp.experiment_id,
        runName: 'first',
        tags: [{ key: 'k', value: 'v' }],
      });
      const id = run.info.run_id;
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(run.info).toEqual({
        run_id: id,
        run_name: 'first',
        experiment_id: exp.experiment_id,
        user_id: 'alice',
        status: 'RUNNING',
        start_time: run.info.start_time,
        artifact_uri: `mlflow-artifacts:/${exp.experiment_id}/${id}/artifacts`,
        lifecycle_stage: 'active',
      });
      expect(run.info.end_time).toBeUndefined();
      expect(run.data).toEqual({
        metrics: [],
        params: [],
        tags: [
          { key: 'k', value: 'v' },
          { key: 'mlflow.runName', value: 'first' },
        ],
      });
      expect(run.inputs).toEqual({ datasets: [] });
      expect(await getRun(t.store, id)).toEqual(run);

      const unnamed = await createRun(t.store, { experimentId: exp.experiment_id, startTime: 42 });
      expect(unnamed.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
      expect(unnamed.data.tags).toEqual([{ key: 'mlflow.runName', value: unnamed.info.run_name }]);
      expect(unnamed.info.start_time).toBe(42);
      expect(unnamed.info.run_id).not.toBe(id);

      const defaulted = await createRun(t.store);
      expect(defaulted.info.experiment_id).toBe('0');
      expect(defaulted.info.artifact_uri).toBe(`mlflow-artifacts:/0/${defaulted.info.run_id}/artifacts`);
    });

    it('update to FINISHED sets end_time; explicit end time and rename are kept', async () => {
      const run = await createRun(t.store, { runName: 'to-finish' });
      const before = t.store.now();
      const info = await updateRun(t.store, run.info.run_id, { status: 'FINISHED' });
      expect(info.status).toBe('FINISHED');
      expect(info.end_time).toBe(before + 1000);
      const other = await createRun(t.store);
      const failed = await updateRun(t.store, other.info.run_id, { status: 'FAILED', endTime: 123, runName: 'renamed-run' });
      expect(failed).toMatchObject({ status: 'FAILED', end_time: 123, run_name: 'renamed-run' });
      expect((await getRun(t.store, other.info.run_id)).data.tags).toContainEqual({
        key: 'mlflow.runName',
        value: 'renamed-run',
      });
      const still = await updateRun(t.store, (await createRun(t.store)).info.run_id, { status: 'RUNNING' });
      expect(still.end_time).toBeUndefined();
      await expectCode(updateRun(t.store, run.info.run_id, { status: 'DONE' as 'FINISHED' }), 'INVALID_PARAMETER_VALUE');
    });

    it('unknown and malformed run ids', async () => {
      await expectCode(getRun(t.store, 'f'.repeat(32)), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(getRun(t.store, 'not-a-run'), 'INVALID_PARAMETER_VALUE');
      await expectCode(logMetric(t.store, 'e'.repeat(32), { key: 'm', value: 1 }), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('a deleted run refuses every write with INVALID_PARAMETER_VALUE until restored', async () => {
      const run = await createRun(t.store, { runName: 'deleted-one' });
      const id = run.info.run_id;
      await setTag(t.store, id, 'keep', 'me');
      await deleteRun(t.store, id);
      expect((await getRunInfo(t.store, id)).lifecycle_stage).toBe('deleted');
      const file = join(scratch, 'f.txt');
      await writeFile(file, 'x');
      const writes: [string, () => Promise<unknown>][] = [
        ['logMetric', () => logMetric(t.store, id, { key: 'm', value: 1 })],
        ['logParam', () => logParam(t.store, id, 'p', '1')],
        ['setTag', () => setTag(t.store, id, 't', '1')],
        ['deleteTag', () => deleteTag(t.store, id, 'keep')],
        ['logBatch', () => logBatch(t.store, id, { metrics: [{ key: 'm', value: 1 }] })],
        ['updateRun', () => updateRun(t.store, id, { status: 'FINISHED' })],
        ['logArtifact', () => logArtifact(t.store, id, file)],
        ['putArtifact', () => putArtifact(t.store, id, 'a.txt', 'x')],
        ['logInputs', () => logInputs(t.store, id, [{ name: 'd', digest: 'ab'.repeat(32), context: 'training', source: 's' }])],
      ];
      for (const [what, p] of writes) {
        const err = await expectCode(p(), 'INVALID_PARAMETER_VALUE');
        expect(err.message, what).toContain("must be in the 'active' state");
      }
      const after = await getRun(t.store, id);
      expect(after.data.metrics).toEqual([]);
      expect(after.data.params).toEqual([]);
      expect(after.data.tags.map((x) => x.key)).toEqual(['keep', 'mlflow.runName']);
      expect(after.info.status).toBe('RUNNING');

      await restoreRun(t.store, id);
      expect((await getRunInfo(t.store, id)).lifecycle_stage).toBe('active');
      await logMetric(t.store, id, { key: 'm', value: 1 });
      expect((await getRun(t.store, id)).data.metrics.map((m) => m.key)).toEqual(['m']);
    });
  });
}
