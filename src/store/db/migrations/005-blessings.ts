import type { DialectName } from '../dialect.js';
import type { Kysely } from 'kysely';

/**
 * Blessings: a gate's verdict recorded on a model version — for which alias policy, against which
 * baseline version, with every rule's numbers — so promotion can require one (TFX's "blessing").
 */
export function blessings(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('blessings')
        .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('target', 'varchar(256)', (c) => c.notNull())
        .addColumn('baseline_version', 'integer')
        .addColumn('passed', 'smallint', (c) => c.notNull())
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('run_id', 'varchar(32)')
        .addColumn('actor', 'varchar(256)', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('blessings_version').on('blessings').columns(['name', 'version']).execute();
    },
  };
}
