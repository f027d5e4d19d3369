import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../src/errors.js';
import { openDatabase } from '../../src/store/db/open-database.js';
import { createExperiment, getExperiment, listExperiments } from '../../src/tracking/index.js';
import { BACKENDS } from '../backends.js';
import { createTestStore, type TestStore } from '../helpers/test-store.js';

const KNOWN = ['001-initial', '002-default-experiment', '003-version-counter', '004-run-cache', '005-blessings', '006-serving', '007-monitoring', '008-auth', '009-webhooks'];

async function migrationNames(db: TestStore['store']['db']): Promise<string[]> {
  const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  return rows.rows.map((r) => r.name);
}

async function count(db: TestStore['store']['db'], table: 'experiments' | 'kysely_migration'): Promise<number> {
  const rows = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(db);
  return Number(rows.rows[0]?.n);
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`metadata store migrations: ${backend.name}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await createTestStore(backend);
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it('applies every known migration and creates the Default experiment 0', async () => {
      expect(await migrationNames(t.store.db)).toEqual(KNOWN);
      const exp = await getExperiment(t.store, '0');
      expect(exp).toMatchObject({
        experiment_id: '0',
        name: 'Default',
        artifact_location: 'mlflow-artifacts:/0',
        lifecycle_stage: 'active',
        tags: [],
      });
      expect((await listExperiments(t.store)).map((e) => e.experiment_id)).toEqual(['0']);
    });

    it('opening an up-to-date database again changes nothing', async () => {
      const again = await openDatabase(t.database.url);
      try {
        expect(again.dialect).toBe(backend.name);
        expect(await migrationNames(again.db)).toEqual(KNOWN);
        expect(await count(again.db, 'experiments')).toBe(1);
      } finally {
        await again.close();
      }
      const third = await openDatabase(t.database.url);
      await third.close();
      expect(await migrationNames(t.store.db)).toEqual(KNOWN);
      expect(await count(t.store.db, 'experiments')).toBe(1);
      // New ids continue after the Default experiment rather than colliding with it.
      const exp = await createExperiment(t.store, 'after-reopen');
      expect(Number(exp.experiment_id)).toBeGreaterThan(0);
    });

    it('several connections opening the same database at once all succeed', async () => {
      const opened = await Promise.all([1, 2, 3, 4].map(() => openDatabase(t.database.url)));
      await Promise.all(opened.map((o) => o.close()));
      expect(await migrationNames(t.store.db)).toEqual(KNOWN);
    });
  });

  describe.skipIf(!backend.available)(`metadata store refuses a newer schema: ${backend.name}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await createTestStore(backend);
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it('refuses a database carrying an unknown future migration with DATA_CORRUPTION, changing nothing', async () => {
      await createExperiment(t.store, 'before-future');
      const stamp = new Date().toISOString();
      await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('999-future', ${stamp})`.execute(t.store.db);
      const experimentsBefore = await count(t.store.db, 'experiments');
      const migrationsBefore = await sql<{ name: string; timestamp: string }>`
        SELECT name, timestamp FROM kysely_migration ORDER BY name`.execute(t.store.db);

      const err = await openDatabase(t.database.url).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SlipwayError);
      const e = err as SlipwayError;
      expect(e.code).toBe('DATA_CORRUPTION');
      expect(e.message).toContain('999-future');
      expect(e.message).toContain(KNOWN.at(-1));
      expect(e.message).toContain('nothing was changed');
      expect(e.context).toEqual({ unknown: ['999-future'] });

      const migrationsAfter = await sql<{ name: string; timestamp: string }>`
        SELECT name, timestamp FROM kysely_migration ORDER BY name`.execute(t.store.db);
      expect(migrationsAfter.rows).toEqual(migrationsBefore.rows);
      expect(migrationsAfter.rows.map((r) => r.name)).toEqual([...KNOWN, '999-future']);
      expect(await count(t.store.db, 'experiments')).toBe(experimentsBefore);
      expect((await getExperiment(t.store, '0')).name).toBe('Default');
    });

    it('keeps refusing on every later open (the refusal is not a one-off)', async () => {
      for (let i = 0; i < 2; i++) {
        const err = await openDatabase(t.database.url).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((err as SlipwayError).code).toBe('DATA_CORRUPTION');
      }
      expect(await count(t.store.db, 'kysely_migration')).toBe(KNOWN.length + 1);
    });

    it('opens the refused database when migrate: false (read-only tooling) without touching it', async () => {
      const raw = await openDatabase(t.database.url, { migrate: false });
      try {
        expect(await migrationNames(raw.db)).toEqual([...KNOWN, '999-future']);
      } finally {
        await raw.close();
      }
    });
  });
}
