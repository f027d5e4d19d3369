import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/index.js';
import {
  createModelVersion,
  createRegisteredModel,
  getRegisteredModel,
  modelHistory,
  setAlias,
} from '../../src/registry/index.js';
import { createRun } from '../../src/tracking/index.js';
import { BACKENDS } from '../backends.js';
import { createTestStore, expectCode, type TestStore, withActor } from '../helpers/test-store.js';

/** The audit log's guarantees: written in the same transaction as the change, and append-only in the database. */
for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`metadata store audit integrity: ${backend.name}`, () => {
    let t: TestStore;
    let src: string;
    let file: string;

    beforeAll(async () => {
      t = await createTestStore(backend);
      src = await mkdtemp(join(tmpdir(), 'slipway-audit-int-'));
      file = join(src, 'model.bin');
      await writeFile(file, 'weights');
    });
    afterAll(async () => {
      await t?.dispose();
      await rm(src, { recursive: true, force: true });
    });

    it('the audit entry and the change commit together: a failed audit insert rolls the change back', async () => {
      await createRegisteredModel(t.store, 'tx-model');
      await createModelVersion(t.store, 'tx-model', { source: file });
      const actions = "('model.create', 'model.alias.set', 'run.create', 'model_version.create')";
      if (backend.name === 'sqlite') {
        await sql
          .raw(`CREATE TRIGGER test_audit_down BEFORE INSERT ON audit_log WHEN NEW.action IN ${actions}
          BEGIN SELECT RAISE(ABORT, 'audit store down'); END`)
          .execute(t.store.db);
      } else {
        await sql
          .raw(`CREATE FUNCTION test_audit_down() RETURNS trigger AS $$ BEGIN
          IF NEW.action IN ${actions} THEN RAISE EXCEPTION 'audit store down'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`)
          .execute(t.store.db);
        await sql
          .raw('CREATE TRIGGER test_audit_down BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_audit_down()')
          .execute(t.store.db);
      }
      const runs = async () =>
        Number((await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM runs`.execute(t.store.db)).rows[0]?.n);
      try {
        const runsBefore = await runs();
        await expect(createRegisteredModel(t.store, 'tx-new')).rejects.toThrow(/audit store down/);
        await expectCode(getRegisteredModel(t.store, 'tx-new'), 'RESOURCE_DOES_NOT_EXIST');
        await expect(setAlias(t.store, 'tx-model', 'champion', 1)).rejects.toThrow(/audit store down/);
        expect((await getRegisteredModel(t.store, 'tx-model')).aliases).toEqual([]);
        expect(await modelHistory(t.store, 'tx-model')).toEqual([]);
        await expect(createModelVersion(t.store, 'tx-model', { source: file })).rejects.toThrow(/audit store down/);
        expect((await getRegisteredModel(t.store, 'tx-model')).latest_versions.map((v) => v.version)).toEqual(['1']);
        await expect(createRun(t.store)).rejects.toThrow(/audit store down/);
        expect(await runs()).toBe(runsBefore);
      } finally {
        await sql.raw(`DROP TRIGGER test_audit_down${backend.name === 'postgres' ? ' ON audit_log' : ''}`).execute(t.store.db);
        if (backend.name === 'postgres') await sql.raw('DROP FUNCTION test_audit_down()').execute(t.store.db);
      }
      await setAlias(t.store, 'tx-model', 'champion', 1);
      expect((await listAudit(t.store.db, { subject: 'tx-model', action: 'model.alias' })).map((e) => e.action)).toEqual([
        'model.alias.set',
      ]);
    });

    it('listAudit filters by subject (model and its versions), action prefix, actor and time; newest first', async () => {
      await createRegisteredModel(t.store, 'tx-model-2');
      await createModelVersion(t.store, 'tx-model-2', { source: file });
      await setAlias(withActor(t.store, 'bob'), 'tx-model-2', 'champion', 1, { action: 'model.promote' });
      const all = await listAudit(t.store.db, { subject: 'tx-model' });
      expect(all.map((e) => [e.action, e.subject_id])).toEqual([
        ['model.alias.set', 'tx-model/1'],
        ['model_version.create', 'tx-model/1'],
        ['model.create', 'tx-model'],
      ]);
      expect((await listAudit(t.store.db, { subject: 'tx-mod' })).length).toBe(0);
      expect((await listAudit(t.store.db, { actor: 'bob', subjectType: 'model' })).map((e) => e.action)).toEqual([
        'model.promote',
      ]);
      expect((await listAudit(t.store.db, { since: Date.now() + 60_000 })).length).toBe(0);
      expect((await listAudit(t.store.db, { limit: 2 })).length).toBe(2);
    });

    it('the database refuses UPDATE and DELETE on audit_log and model_transitions', async () => {
      for (const table of ['audit_log', 'model_transitions'] as const) {
        const snapshot = async () => (await sql`SELECT * FROM ${sql.table(table)} ORDER BY id`.execute(t.store.db)).rows;
        const before = await snapshot();
        expect(before.length).toBeGreaterThan(0);
        await expect(sql`UPDATE ${sql.table(table)} SET actor = 'x'`.execute(t.store.db), table).rejects.toThrow(/append-only/);
        await expect(
          sql`UPDATE ${sql.table(table)} SET actor = 'x' WHERE id = ${Number((before[0] as { id: unknown }).id)}`.execute(
            t.store.db,
          ),
        ).rejects.toThrow(/append-only/);
        await expect(sql`DELETE FROM ${sql.table(table)}`.execute(t.store.db), table).rejects.toThrow(/append-only/);
        await expect(t.store.db.deleteFrom(table).where('id', '>', 0).execute()).rejects.toThrow(/append-only/);
        expect(await snapshot()).toEqual(before);
      }
    });

    // BUG (reported): PostgreSQL row triggers do not fire on TRUNCATE, so `TRUNCATE audit_log` wipes the history.
    it.runIf(backend.name === 'postgres')('PostgreSQL also refuses TRUNCATE of the append-only tables', async () => {
      for (const table of ['audit_log', 'model_transitions']) {
        const count = async () =>
          Number(
            (await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(t.store.db)).rows[0]?.n,
          );
        const before = await count();
        await expect(sql`TRUNCATE ${sql.table(table)}`.execute(t.store.db), table).rejects.toThrow(/append-only/);
        expect(await count()).toBe(before);
      }
    });
  });
}
