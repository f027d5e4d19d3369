import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModelVersion,
  createRegisteredModel,
  deleteAlias,
  deleteModelVersion,
  deleteRegisteredModel,
  getModelVersion,
  getRegisteredModel,
  getVersionByAlias,
  listRegisteredModels,
  modelHistory,
  renameRegisteredModel,
  searchModelVersions,
  setAlias,
  setModelVersionTag,
  transitionStage,
  updateModelVersion,
} from '../../src/registry/index.js';
import { createRun, putArtifact } from '../../src/tracking/index.js';
import { BACKENDS } from '../backends.js';
import { createTestStore, expectCode, steppingClock, type TestStore, withActor } from '../helpers/test-store.js';

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`metadata store registry: ${backend.name}`, () => {
    let t: TestStore;
    let src: string;
    let modelFile: string;
    const fileBytes = randomBytes(4096);
    const runBytes = Buffer.from('weights from the run');
    /** Registers `count` versions of a fresh model from a local file. */
    const modelWithVersions = async (name: string, count: number) => {
      await createRegisteredModel(t.store, name);
      for (let i = 0; i < count; i++) await createModelVersion(t.store, name, { source: modelFile });
    };

    beforeAll(async () => {
      t = await createTestStore(backend, { now: steppingClock() });
      src = await mkdtemp(join(tmpdir(), 'slipway-reg-'));
      modelFile = join(src, 'model.onnx');
      await writeFile(modelFile, fileBytes);
      await mkdir(join(src, 'folder', 'inner'), { recursive: true });
      await writeFile(join(src, 'folder', 'MLmodel'), 'flavors: {}\n');
      await writeFile(join(src, 'folder', 'inner', 'w.bin'), randomBytes(100));
    });
    afterAll(async () => {
      await t?.dispose();
      await rm(src, { recursive: true, force: true });
    });

    it('creates a registered model; a duplicate is RESOURCE_ALREADY_EXISTS; bad names are refused', async () => {
      const m = await createRegisteredModel(t.store, 'churn', { description: 'd', tags: [{ key: 'team', value: 'risk' }] });
      expect(m).toEqual({
        name: 'churn',
        description: 'd',
        creation_timestamp: m.creation_timestamp,
        last_updated_timestamp: m.creation_timestamp,
        tags: [{ key: 'team', value: 'risk' }],
        aliases: [],
        latest_versions: [],
      });
      expect(await getRegisteredModel(t.store, 'churn')).toEqual(m);
      await expectCode(createRegisteredModel(t.store, 'churn'), 'RESOURCE_ALREADY_EXISTS');
      for (const bad of ['', '  ', 'a/b', 'a:b', 'a@b', 'a\\b', 'a..b', 'x'.repeat(257)]) {
        await expectCode(createRegisteredModel(t.store, bad), 'INVALID_PARAMETER_VALUE');
      }
      await expectCode(getRegisteredModel(t.store, 'nope'), 'RESOURCE_DOES_NOT_EXIST');
      expect((await listRegisteredModels(t.store)).map((x) => x.name)).toEqual(['churn']);
    });

    it('creates versions 1, 2, 3 from runs:/, a local file and a local folder, pinned by hash', async () => {
      const run = await createRun(t.store);
      const runId = run.info.run_id;
      await putArtifact(t.store, runId, 'model.bin', runBytes);
      const v1 = await createModelVersion(t.store, 'churn', { source: `runs:/${runId}/model.bin`, description: 'first' });
      expect(v1).toMatchObject({
        name: 'churn',
        version: '1',
        status: 'READY',
        status_message: '',
        current_stage: 'None',
        user_id: 'alice',
        description: 'first',
        source: `runs:/${runId}/model.bin`,
        run_id: runId,
        tags: [],
        aliases: [],
        blob: { hash: sha256(runBytes), size: runBytes.length, kind: 'file' },
      });
      const v2 = await createModelVersion(t.store, 'churn', { source: modelFile, tags: [{ key: 'k', value: 'v' }] });
      expect(v2).toMatchObject({
        version: '2',
        status: 'READY',
        run_id: '',
        source: modelFile,
        tags: [{ key: 'k', value: 'v' }],
        blob: { hash: sha256(fileBytes), size: fileBytes.length, kind: 'file' },
      });
      const v3 = await createModelVersion(t.store, 'churn', { source: join(src, 'folder'), runId });
      expect(v3).toMatchObject({ version: '3', status: 'READY', run_id: runId, blob: { kind: 'directory' } });
      const manifest = await t.store.objects.getManifest(v3.blob.hash);
      expect(manifest.files.map((f) => f.path)).toEqual(['MLmodel', 'inner/w.bin']);
      expect(manifest.files[0]?.hash).toBe(sha256('flavors: {}\n'));
      // Later changes to the run's artifact do not change what version 1 is.
      await putArtifact(t.store, runId, 'model.bin', 'overwritten');
      expect((await getModelVersion(t.store, 'churn', '1')).blob.hash).toBe(sha256(runBytes));
      expect(await t.store.objects.get(v2.blob.hash)).toEqual(fileBytes);
      expect((await searchModelVersions(t.store, { name: 'churn' })).map((v) => v.version)).toEqual(['3', '2', '1']);
      expect((await searchModelVersions(t.store, { runId })).map((v) => v.version)).toEqual(['3', '1']);
      const m = await getRegisteredModel(t.store, 'churn');
      expect(m.latest_versions.map((v) => [v.version, v.current_stage])).toEqual([['3', 'None']]);
    });

    it('refuses bad version sources and unknown models', async () => {
      await expectCode(createModelVersion(t.store, 'nope', { source: modelFile }), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(createModelVersion(t.store, 'churn', { source: join(src, 'missing') }), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(createModelVersion(t.store, 'churn', { source: 's3://bucket/model' }), 'INVALID_PARAMETER_VALUE');
      await expectCode(createModelVersion(t.store, 'churn', { source: '' }), 'INVALID_PARAMETER_VALUE');
      await expectCode(createModelVersion(t.store, 'churn', { source: `runs:/${'0'.repeat(32)}/m` }), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(getModelVersion(t.store, 'churn', '0'), 'INVALID_PARAMETER_VALUE');
      await expectCode(getModelVersion(t.store, 'churn', '99'), 'RESOURCE_DOES_NOT_EXIST');
      expect((await searchModelVersions(t.store, { name: 'churn' })).length).toBe(3);
    });

    // Repeated on several fresh models: one round can pass by luck of timing. BUG (reported) on PostgreSQL:
    // the retry limit (8) is below the number of concurrent registrations, so some fail with a duplicate key.
    it('numbers 10 concurrent registrations 1..10 exactly, without duplicates (5 rounds)', async () => {
      for (let round = 0; round < 5; round++) {
        const name = `racy-${round}`;
        await createRegisteredModel(t.store, name);
        const made = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => createModelVersion(withActor(t.store, `user${i}`), name, { source: modelFile })),
        );
        const failures = made.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
        expect(failures, `round ${round}`).toEqual([]);
        const stored = await searchModelVersions(t.store, { name });
        expect(stored.map((v) => v.version)).toEqual(['10', '9', '8', '7', '6', '5', '4', '3', '2', '1']);
        expect(new Set(stored.map((v) => v.user_id)).size).toBe(10);
      }
    });

    it('sets, moves and deletes aliases; reserved and malformed aliases are refused', async () => {
      await modelWithVersions('aliased', 3);
      const bob = withActor(t.store, 'bob');
      const v1 = await setAlias(t.store, 'aliased', 'champion', '1', { reason: 'first' });
      expect(v1.aliases).toEqual(['champion']);
      expect((await getVersionByAlias(t.store, 'aliased', 'champion')).version).toBe('1');
      await setAlias(bob, 'aliased', 'champion', 2, { reason: 'better' });
      await setAlias(bob, 'aliased', 'champion', 2, { reason: 'no-op' }); // same version: no history entry
      await setAlias(t.store, 'aliased', 'challenger', 3);
      expect((await getVersionByAlias(t.store, 'aliased', 'champion')).version).toBe('2');
      expect((await getModelVersion(t.store, 'aliased', 1)).aliases).toEqual([]);
      expect((await getModelVersion(t.store, 'aliased', 2)).aliases).toEqual(['champion']);
      expect((await getRegisteredModel(t.store, 'aliased')).aliases).toEqual([
        { alias: 'challenger', version: '3' },
        { alias: 'champion', version: '2' },
      ]);
      await deleteAlias(t.store, 'aliased', 'champion', { reason: 'retired' });
      await expectCode(getVersionByAlias(t.store, 'aliased', 'champion'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(deleteAlias(t.store, 'aliased', 'champion'), 'RESOURCE_DOES_NOT_EXIST');
      for (const bad of ['latest', 'LATEST', 'v1', 'V22', 'has space', 'a/b', '']) {
        await expectCode(setAlias(t.store, 'aliased', bad, 1), 'INVALID_PARAMETER_VALUE');
      }
      await expectCode(setAlias(t.store, 'aliased', 'ghost', 9), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(setAlias(t.store, 'nope', 'ghost', 1), 'RESOURCE_DOES_NOT_EXIST');

      const history = await modelHistory(t.store, 'aliased');
      expect(
        history.map(({ kind, target, version, previous_version, actor, reason }) => ({
          kind,
          target,
          version,
          previous_version,
          actor,
          reason,
        })),
      ).toEqual([
        { kind: 'alias', target: 'champion', version: '1', previous_version: null, actor: 'alice', reason: 'first' },
        { kind: 'alias', target: 'champion', version: '2', previous_version: '1', actor: 'bob', reason: 'better' },
        { kind: 'alias', target: 'challenger', version: '3', previous_version: null, actor: 'alice', reason: '' },
        { kind: 'alias', target: 'champion', version: null, previous_version: '2', actor: 'alice', reason: 'retired' },
      ]);
      const times = history.map((h) => h.time);
      expect([...times].sort((x, y) => x - y)).toEqual(times);
      expect((await modelHistory(t.store, 'aliased', { target: 'challenger' })).map((h) => h.version)).toEqual(['3']);
    });

    it('transitions stages; archiveExisting archives the previous Production version', async () => {
      await modelWithVersions('staged', 3);
      await transitionStage(t.store, 'staged', 1, 'production');
      const v2 = await transitionStage(t.store, 'staged', 2, 'Production', { archiveExisting: true, reason: 'promote 2' });
      expect(v2.current_stage).toBe('Production');
      expect((await getModelVersion(t.store, 'staged', 1)).current_stage).toBe('Archived');
      await transitionStage(t.store, 'staged', 3, 'Production');
      expect((await getModelVersion(t.store, 'staged', 2)).current_stage).toBe('Production');
      expect((await getModelVersion(t.store, 'staged', 3)).current_stage).toBe('Production');
      await expectCode(transitionStage(t.store, 'staged', 3, 'Live'), 'INVALID_PARAMETER_VALUE');
      await expectCode(transitionStage(t.store, 'staged', 9, 'Staging'), 'RESOURCE_DOES_NOT_EXIST');
      const history = (await modelHistory(t.store, 'staged')).map((h) => [h.kind, h.target, h.version, h.reason]);
      expect(history).toEqual([
        ['stage', 'Production', '1', ''],
        ['stage', 'Archived', '1', 'archived by promotion of version 2'],
        ['stage', 'Production', '2', 'promote 2'],
        ['stage', 'Production', '3', ''],
      ]);
      const m = await getRegisteredModel(t.store, 'staged');
      expect(m.latest_versions.map((v) => [v.version, v.current_stage])).toEqual([
        ['1', 'Archived'],
        ['3', 'Production'],
      ]);
    });

    it('renaming a model carries its versions, tags and aliases to the new name', async () => {
      await modelWithVersions('old-name', 2);
      await setAlias(t.store, 'old-name', 'champion', 2);
      await setModelVersionTag(t.store, 'old-name', 1, 'k', 'v');
      const renamed = await renameRegisteredModel(t.store, 'old-name', 'new-name');
      expect(renamed.name).toBe('new-name');
      expect(renamed.aliases).toEqual([{ alias: 'champion', version: '2' }]);
      expect((await searchModelVersions(t.store, { name: 'new-name' })).map((v) => v.version)).toEqual(['2', '1']);
      expect((await getModelVersion(t.store, 'new-name', 1)).tags).toEqual([{ key: 'k', value: 'v' }]);
      expect((await getVersionByAlias(t.store, 'new-name', 'champion')).version).toBe('2');
      await expectCode(getRegisteredModel(t.store, 'old-name'), 'RESOURCE_DOES_NOT_EXIST');
      expect(await searchModelVersions(t.store, { name: 'old-name' })).toEqual([]);
      await expectCode(renameRegisteredModel(t.store, 'new-name', 'churn'), 'RESOURCE_ALREADY_EXISTS');
      await expectCode(renameRegisteredModel(t.store, 'missing', 'x'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(renameRegisteredModel(t.store, 'new-name', 'bad/name'), 'INVALID_PARAMETER_VALUE');
    });

    it('deletes a version (and its aliases), then the model with everything under it', async () => {
      await modelWithVersions('short-lived', 2);
      await setAlias(t.store, 'short-lived', 'champion', 2);
      await updateModelVersion(t.store, 'short-lived', 1, 'kept');
      await deleteModelVersion(t.store, 'short-lived', 2, 'bad model');
      await expectCode(getModelVersion(t.store, 'short-lived', 2), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(getVersionByAlias(t.store, 'short-lived', 'champion'), 'RESOURCE_DOES_NOT_EXIST');
      expect((await getRegisteredModel(t.store, 'short-lived')).aliases).toEqual([]);
      expect((await getModelVersion(t.store, 'short-lived', 1)).description).toBe('kept');
      await expectCode(deleteModelVersion(t.store, 'short-lived', 2), 'RESOURCE_DOES_NOT_EXIST');
      await deleteRegisteredModel(t.store, 'short-lived');
      await expectCode(getRegisteredModel(t.store, 'short-lived'), 'RESOURCE_DOES_NOT_EXIST');
      expect(await searchModelVersions(t.store, { name: 'short-lived' })).toEqual([]);
      await expectCode(deleteRegisteredModel(t.store, 'short-lived'), 'RESOURCE_DOES_NOT_EXIST');
      // History outlives what it describes, and records that deleting the version took its alias with it.
      expect((await modelHistory(t.store, 'short-lived')).map((h) => [h.target, h.version, h.previous_version, h.reason])).toEqual([
        ['champion', '2', null, expect.any(String)],
        ['champion', null, '2', 'version 2 deleted'],
      ]);
    });

    // MLflow never reuses a version number (deleted versions are soft-deleted); reusing one lets the old
    // version's approvals, history and audit entries silently describe different bytes. BUG (reported).
    it('never reuses the number of a deleted version', async () => {
      await modelWithVersions('reuse', 2);
      await deleteModelVersion(t.store, 'reuse', 2);
      const next = await createModelVersion(t.store, 'reuse', { source: join(src, 'folder') });
      expect(next.version).toBe('3');
    });
  });
}
