import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveVersion,
  createModelVersion,
  createRegisteredModel,
  deleteModelVersion,
  deleteRegisteredModel,
  isApproved,
  listApprovals,
  parseModelUri,
  renameRegisteredModel,
  resolveModelUri,
  setAlias,
  transitionStage,
} from '../../src/registry/index.js';
import { BACKENDS } from '../backends.js';
import { createTestStore, expectCode, steppingClock, type TestStore, withActor } from '../helpers/test-store.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`metadata store approvals and model URIs: ${backend.name}`, () => {
    let t: TestStore;
    let src: string;
    let file: string;
    const approvalRows = async () =>
      Number((await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM approvals`.execute(t.store.db)).rows[0]?.n);
    const model = async (name: string, versions: number) => {
      await createRegisteredModel(t.store, name);
      for (let i = 0; i < versions; i++) await createModelVersion(t.store, name, { source: file });
    };

    beforeAll(async () => {
      t = await createTestStore(backend, { actor: 'alice', now: steppingClock() });
      src = await mkdtemp(join(tmpdir(), 'slipway-appr-'));
      file = join(src, 'model.bin');
      await writeFile(file, 'weights');
    });
    afterAll(async () => {
      await t?.dispose();
      await rm(src, { recursive: true, force: true });
    });

    it('four-eyes: the author cannot approve; another user can; isApproved follows the rule', async () => {
      await model('fraud', 1);
      const bob = withActor(t.store, 'bob');
      const before = await approvalRows();
      const err = await expectCode(approveVersion(t.store, 'fraud', 1), 'PERMISSION_DENIED');
      expect(err.message).toContain('alice');
      expect(await approvalRows()).toBe(before);
      expect(await isApproved(t.store, 'fraud', 1, 'production')).toBe(false);

      const approval = await approveVersion(bob, 'fraud', '1', { comment: 'looks good' });
      expect(approval).toEqual({
        id: approval.id,
        name: 'fraud',
        version: '1',
        target: 'production',
        approver: 'bob',
        decision: 'approved',
        comment: 'looks good',
        time: approval.time,
      });
      expect(await listApprovals(t.store, 'fraud', 1)).toEqual([approval]);
      expect(await isApproved(t.store, 'fraud', 1, 'production')).toBe(true);
      // Approvals are per target.
      expect(await isApproved(t.store, 'fraud', 1, 'staging')).toBe(false);
      await expectCode(approveVersion(bob, 'fraud', 2), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(approveVersion(bob, 'fraud', 1, { decision: 'maybe' as 'approved' }), 'INVALID_PARAMETER_VALUE');
    });

    it('a later rejection (by anyone, the author included) revokes; only a later non-author approval restores', async () => {
      await model('loans', 1);
      const bob = withActor(t.store, 'bob');
      const carol = withActor(t.store, 'carol');
      await approveVersion(bob, 'loans', 1);
      expect(await isApproved(t.store, 'loans', 1, 'production')).toBe(true);
      await approveVersion(carol, 'loans', 1, { decision: 'rejected', comment: 'bias on slice X' });
      expect(await isApproved(t.store, 'loans', 1, 'production')).toBe(false);
      await approveVersion(bob, 'loans', 1);
      expect(await isApproved(t.store, 'loans', 1, 'production')).toBe(true);
      // The author may reject their own version (withdraw it), and that revokes too.
      const own = await approveVersion(t.store, 'loans', 1, { decision: 'rejected' });
      expect(own.approver).toBe('alice');
      expect(await isApproved(t.store, 'loans', 1, 'production')).toBe(false);
      await approveVersion(carol, 'loans', 1);
      expect(await isApproved(t.store, 'loans', 1, 'production')).toBe(true);
      expect((await listApprovals(t.store, 'loans')).map((a) => [a.approver, a.decision])).toEqual([
        ['bob', 'approved'],
        ['carol', 'rejected'],
        ['bob', 'approved'],
        ['alice', 'rejected'],
        ['carol', 'approved'],
      ]);
      // A rejection for another target does not touch production.
      await approveVersion(bob, 'loans', 1, { target: 'staging', decision: 'rejected' });
      expect(await isApproved(t.store, 'loans', 1, 'production')).toBe(true);
    });

    // BUG (reported): approvals are keyed by (name, version) with no link to the version's identity, and
    // version numbers are reused after a delete, so a new, never-reviewed version inherits old approvals.
    it('a re-registered version number does not inherit the deleted version’s approval', async () => {
      await model('reused', 2);
      await approveVersion(withActor(t.store, 'bob'), 'reused', 2);
      await deleteModelVersion(t.store, 'reused', 2);
      const fresh = await createModelVersion(t.store, 'reused', { source: join(src) });
      expect(await isApproved(t.store, 'reused', fresh.version, 'production')).toBe(false);
    });

    it('a model created under a name freed by delete or rename does not inherit approvals', async () => {
      const bob = withActor(t.store, 'bob');
      await model('gone', 1);
      await approveVersion(bob, 'gone', 1);
      await deleteRegisteredModel(t.store, 'gone');
      await model('gone', 1);
      expect(await isApproved(t.store, 'gone', 1, 'production')).toBe(false);

      await model('moved', 1);
      await approveVersion(bob, 'moved', 1);
      await renameRegisteredModel(t.store, 'moved', 'moved-away');
      await model('moved', 1);
      expect(await isApproved(t.store, 'moved', 1, 'production')).toBe(false);
    });

    it('resolves models:/ URIs by version, alias, latest and stage', async () => {
      await model('uri-model', 4);
      await setAlias(t.store, 'uri-model', 'champion', 2);
      await transitionStage(t.store, 'uri-model', 1, 'Production');
      await transitionStage(t.store, 'uri-model', 3, 'Production');
      await transitionStage(t.store, 'uri-model', 2, 'Staging');
      const resolve = async (uri: string) => (await resolveModelUri(t.store, uri)).version;
      expect(await resolve('models:/uri-model/1')).toBe('1');
      expect(await resolve('models:/uri-model@champion')).toBe('2');
      expect(await resolve('models:/uri-model/latest')).toBe('4');
      expect(await resolve('models:/uri-model/Production')).toBe('3');
      expect(await resolve('models:/uri-model/production')).toBe('3');
      expect(await resolve('models:/uri-model/Staging')).toBe('2');
      expect((await resolveModelUri(t.store, 'models:/uri-model@champion')).name).toBe('uri-model');
      expect(parseModelUri('models:/my%20model/7')).toEqual({ name: 'my model', kind: 'version', version: '7' });
      expect(parseModelUri('models:/m@prod')).toEqual({ name: 'm', kind: 'alias', alias: 'prod' });
    });

    it('refuses malformed URIs and reports missing targets', async () => {
      for (const bad of [
        'models:/uri-model',
        'models:/',
        'models:uri-model/1',
        'runs:/abc/model',
        'models:/uri-model/1/extra',
        'models:/uri-model/Live',
        'models:/uri-model/0',
        'models:/uri-model@',
        'uri-model/1',
        '',
      ]) {
        await expectCode(resolveModelUri(t.store, bad), 'INVALID_PARAMETER_VALUE');
      }
      for (const missing of [
        'models:/uri-model/9',
        'models:/uri-model@ghost',
        'models:/nope/1',
        'models:/nope/latest',
        'models:/uri-model/Archived',
      ]) {
        await expectCode(resolveModelUri(t.store, missing), 'RESOURCE_DOES_NOT_EXIST');
      }
    });

    // BUG (reported): decodeURIComponent throws a bare URIError for a malformed %-escape, so a bad URI
    // becomes an internal error (HTTP 500 / exit 3) instead of INVALID_PARAMETER_VALUE.
    it('refuses a URI with a malformed %-escape as INVALID_PARAMETER_VALUE', async () => {
      await expectCode(resolveModelUri(t.store, 'models:/bad%zzname/1'), 'INVALID_PARAMETER_VALUE');
    });
  });
}
