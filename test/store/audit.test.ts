import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditRecord, listAudit } from '../../src/audit/index.js';
import {
  approveVersion,
  createModelVersion,
  createRegisteredModel,
  deleteAlias,
  deleteModelVersion,
  deleteRegisteredModel,
  renameRegisteredModel,
  setAlias,
  transitionStage,
  updateModelVersion,
  updateRegisteredModel,
} from '../../src/registry/index.js';
import {
  createExperiment,
  createRun,
  deleteExperiment,
  deleteRun,
  logBatch,
  putArtifact,
  renameExperiment,
  restoreExperiment,
  restoreRun,
  setExperimentTag,
  setTag,
  updateRun,
} from '../../src/tracking/index.js';
import { BACKENDS } from '../backends.js';
import { createTestStore, type TestStore, withActor } from '../helpers/test-store.js';

const T0 = 1_700_000_000_000;
type Entry = Omit<AuditRecord, 'id'>;

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`metadata store audit log: ${backend.name}`, () => {
    let t: TestStore;
    let src: string;
    let file: string;
    const clock = { t: T0 };
    const tick = () => ++clock.t;
    const maxId = async () =>
      Number((await sql<{ n: number | string | null }>`SELECT MAX(id) AS n FROM audit_log`.execute(t.store.db)).rows[0]?.n ?? 0);
    /** Runs `action` and returns exactly the audit entries it appended, oldest first, without ids. */
    const appended = async (action: () => Promise<unknown>): Promise<Entry[]> => {
      const from = await maxId();
      await action();
      const all = await listAudit(t.store.db, { limit: 10_000 });
      return all
        .filter((e) => e.id > from)
        .reverse()
        .map(({ id: _id, ...rest }) => rest);
    };
    const entry = (e: Partial<Entry> & Pick<Entry, 'action' | 'subject_type' | 'subject_id'>): Entry => ({
      time: clock.t,
      actor: 'alice',
      before: null,
      after: null,
      reason: '',
      ...e,
    });

    beforeAll(async () => {
      t = await createTestStore(backend, { now: () => clock.t });
      src = await mkdtemp(join(tmpdir(), 'slipway-audit-'));
      file = join(src, 'model.bin');
      await writeFile(file, 'weights');
    });
    afterAll(async () => {
      await t?.dispose();
      await rm(src, { recursive: true, force: true });
    });

    it('records each experiment and run lifecycle action exactly once, with before/after', async () => {
      let expId = '';
      tick();
      expect(
        await appended(async () => {
          expId = (await createExperiment(t.store, 'audited')).experiment_id;
        }),
      ).toEqual([
        entry({ action: 'experiment.create', subject_type: 'experiment', subject_id: expId, after: { name: 'audited' } }),
      ]);
      tick();
      expect(await appended(() => renameExperiment(t.store, expId, 'audited-2'))).toEqual([
        entry({
          action: 'experiment.rename',
          subject_type: 'experiment',
          subject_id: expId,
          before: { name: 'audited' },
          after: { name: 'audited-2' },
        }),
      ]);
      let runId = '';
      tick();
      expect(
        await appended(async () => {
          runId = (await createRun(t.store, { experimentId: expId, runName: 'r' })).info.run_id;
        }),
      ).toEqual([
        entry({ action: 'run.create', subject_type: 'run', subject_id: runId, after: { experiment_id: expId, run_name: 'r' } }),
      ]);
      // Data logging is not audited (it is the run's own record).
      expect(
        await appended(async () => {
          await logBatch(t.store, runId, { metrics: [{ key: 'm', value: 1 }], params: [{ key: 'p', value: '1' }] });
          await setTag(t.store, runId, 't', 'v');
          await putArtifact(t.store, runId, 'a.txt', 'a');
          await setExperimentTag(t.store, expId, 'k', 'v');
          await updateRun(t.store, runId, { status: 'RUNNING' });
        }),
      ).toEqual([]);
      tick();
      expect(await appended(() => updateRun(t.store, runId, { status: 'FINISHED' }))).toEqual([
        entry({
          action: 'run.status',
          subject_type: 'run',
          subject_id: runId,
          before: { status: 'RUNNING' },
          after: { status: 'FINISHED', end_time: clock.t },
        }),
      ]);
      tick();
      expect(await appended(() => deleteRun(t.store, runId, 'oops'))).toEqual([
        entry({
          action: 'run.delete',
          subject_type: 'run',
          subject_id: runId,
          before: { lifecycle_stage: 'active' },
          after: { lifecycle_stage: 'deleted' },
          reason: 'oops',
        }),
      ]);
      tick();
      expect(await appended(() => restoreRun(t.store, runId))).toEqual([
        entry({
          action: 'run.restore',
          subject_type: 'run',
          subject_id: runId,
          before: { lifecycle_stage: 'deleted' },
          after: { lifecycle_stage: 'active' },
        }),
      ]);
      tick();
      expect(await appended(() => deleteExperiment(t.store, expId, 'done'))).toEqual([
        entry({
          action: 'experiment.delete',
          subject_type: 'experiment',
          subject_id: expId,
          before: { lifecycle_stage: 'active', name: 'audited-2' },
          after: { lifecycle_stage: 'deleted' },
          reason: 'done',
        }),
      ]);
      tick();
      expect(await appended(() => restoreExperiment(t.store, expId))).toEqual([
        entry({
          action: 'experiment.restore',
          subject_type: 'experiment',
          subject_id: expId,
          before: { lifecycle_stage: 'deleted', name: 'audited-2' },
          after: { lifecycle_stage: 'active' },
        }),
      ]);
    });

    it('records each registry action exactly once, with actor, subject and before/after', async () => {
      const bob = withActor(t.store, 'bob');
      const mv = { subject_type: 'model_version' } as const;
      const m = { subject_type: 'model' } as const;
      tick();
      expect(await appended(() => createRegisteredModel(t.store, 'am', { description: 'd' }))).toEqual([
        entry({ ...m, action: 'model.create', subject_id: 'am', after: { name: 'am', description: 'd' } }),
      ]);
      tick();
      expect(await appended(() => updateRegisteredModel(t.store, 'am', 'd2'))).toEqual([
        entry({ ...m, action: 'model.update', subject_id: 'am', before: { description: 'd' }, after: { description: 'd2' } }),
      ]);
      tick();
      let blob = {};
      expect(
        await appended(async () => {
          blob = (await createModelVersion(t.store, 'am', { source: file })).blob;
        }),
      ).toEqual([
        entry({ ...mv, action: 'model_version.create', subject_id: 'am/1', after: { source: file, run_id: null, blob } }),
      ]);
      tick();
      expect(await appended(() => createModelVersion(bob, 'am', { source: file }))).toEqual([
        entry({
          ...mv,
          actor: 'bob',
          action: 'model_version.create',
          subject_id: 'am/2',
          after: { source: file, run_id: null, blob },
        }),
      ]);
      tick();
      expect(await appended(() => updateModelVersion(t.store, 'am', 1, 'v1 notes'))).toEqual([
        entry({
          ...mv,
          action: 'model_version.update',
          subject_id: 'am/1',
          before: { description: '' },
          after: { description: 'v1 notes' },
        }),
      ]);
      tick();
      expect(await appended(() => setAlias(t.store, 'am', 'champion', 1, { reason: 'go' }))).toEqual([
        entry({
          ...m,
          action: 'model.alias.set',
          subject_id: 'am/1',
          before: { alias: 'champion', version: null },
          after: { alias: 'champion', version: 1 },
          reason: 'go',
        }),
      ]);
      expect(await appended(() => setAlias(t.store, 'am', 'champion', 1))).toEqual([]);
      tick();
      expect(await appended(() => setAlias(bob, 'am', 'champion', 2, { action: 'model.promote', reason: 'better' }))).toEqual([
        entry({
          ...m,
          actor: 'bob',
          action: 'model.promote',
          subject_id: 'am/2',
          before: { alias: 'champion', version: 1 },
          after: { alias: 'champion', version: 2 },
          reason: 'better',
        }),
      ]);
      tick();
      expect(await appended(() => deleteAlias(t.store, 'am', 'champion'))).toEqual([
        entry({
          ...m,
          action: 'model.alias.delete',
          subject_id: 'am/2',
          before: { alias: 'champion', version: 2 },
          after: { alias: 'champion', version: null },
        }),
      ]);
      tick();
      expect(await appended(() => transitionStage(t.store, 'am', 1, 'Production'))).toEqual([
        entry({
          ...mv,
          action: 'model_version.stage',
          subject_id: 'am/1',
          before: { stage: 'None' },
          after: { stage: 'Production', archived: [] },
        }),
      ]);
      tick();
      expect(
        await appended(() => transitionStage(t.store, 'am', 2, 'Production', { archiveExisting: true, reason: 'r' })),
      ).toEqual([
        entry({
          ...mv,
          action: 'model_version.stage',
          subject_id: 'am/2',
          before: { stage: 'None' },
          after: { stage: 'Production', archived: [1] },
          reason: 'r',
        }),
      ]);
      tick();
      expect(await appended(() => approveVersion(bob, 'am', 1, { comment: 'lgtm' }))).toEqual([
        entry({
          ...mv,
          actor: 'bob',
          action: 'model_version.approve',
          subject_id: 'am/1',
          after: { target: 'production', decision: 'approved' },
          reason: 'lgtm',
        }),
      ]);
      tick();
      expect(await appended(() => approveVersion(t.store, 'am', 1, { decision: 'rejected', target: 'staging' }))).toEqual([
        entry({ ...mv, action: 'model_version.reject', subject_id: 'am/1', after: { target: 'staging', decision: 'rejected' } }),
      ]);
      tick();
      expect(await appended(() => renameRegisteredModel(t.store, 'am', 'am2'))).toEqual([
        entry({ ...m, action: 'model.rename', subject_id: 'am2', before: { name: 'am' }, after: { name: 'am2' } }),
      ]);
      tick();
      const v1 = await appended(() => deleteModelVersion(t.store, 'am2', 1, 'bad'));
      expect(v1).toHaveLength(1);
      expect(v1[0]).toMatchObject({
        ...mv,
        action: 'model_version.delete',
        subject_id: 'am2/1',
        actor: 'alice',
        after: null,
        reason: 'bad',
        time: clock.t,
      });
      expect(v1[0]?.before).toMatchObject({
        name: 'am2',
        version: '1',
        current_stage: 'Archived',
        description: 'v1 notes',
        blob,
      });
      tick();
      expect(await appended(() => deleteRegisteredModel(t.store, 'am2', 'retired'))).toEqual([
        entry({
          ...m,
          action: 'model.delete',
          subject_id: 'am2',
          before: { name: 'am2', description: 'd2', versions: [{ version: 2, blob_hash: (blob as { hash: string }).hash }] },
          reason: 'retired',
        }),
      ]);
    });

    it('a failing action appends nothing', async () => {
      await createRegisteredModel(t.store, 'fail-model');
      await createModelVersion(t.store, 'fail-model', { source: file });
      const run = await createRun(t.store);
      await logBatch(t.store, run.info.run_id, { params: [{ key: 'p', value: '1' }] });
      const failing: [string, () => Promise<unknown>][] = [
        ['self-approval', () => approveVersion(t.store, 'fail-model', 1)],
        ['duplicate model', () => createRegisteredModel(t.store, 'fail-model')],
        ['reserved alias', () => setAlias(t.store, 'fail-model', 'latest', 1)],
        ['alias to missing version', () => setAlias(t.store, 'fail-model', 'champion', 7)],
        ['bad stage', () => transitionStage(t.store, 'fail-model', 1, 'Live')],
        ['version of missing model', () => createModelVersion(t.store, 'nope', { source: file })],
        ['rename onto existing', () => renameRegisteredModel(t.store, 'fail-model', 'fail-model')],
        ['delete default experiment', () => deleteExperiment(t.store, '0')],
        ['duplicate experiment', () => createExperiment(t.store, 'Default')],
        ['param change', () => logBatch(t.store, run.info.run_id, { params: [{ key: 'p', value: '2' }] })],
        [
          'update deleted-run status',
          async () => {
            await deleteRun(withActor(t.store, 'x'), run.info.run_id);
            return updateRun(t.store, run.info.run_id, { status: 'KILLED' });
          },
        ],
      ];
      for (const [what, action] of failing) {
        const from = await maxId();
        await expect(action(), what).rejects.toThrow();
        const added = (await listAudit(t.store.db, { limit: 10 })).filter((e) => e.id > from && e.actor !== 'x');
        expect(added, what).toEqual([]);
      }
      expect(await listAudit(t.store.db, { action: 'model_version.approve', subject: 'fail-model' })).toEqual([]);
    });
  });
}
