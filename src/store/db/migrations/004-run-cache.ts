import type { Kysely } from 'kysely';

/**
 * The pipeline run cache: stage key → the outs an earlier run produced with it. Kept in the metadata
 * database (not beside the workspace) so that with a shared PostgreSQL and object store, one
 * machine's results restore on another.
 */
export function runCache() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('run_cache')
        .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('stage', 'varchar(256)', (c) => c.notNull())
        .addColumn('outs', 'text', (c) => c.notNull())
        .addColumn('run_id', 'varchar(32)')
        .addColumn('created_time', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
