import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../dialect.js';

/**
 * 1. `registered_models.last_version`: version numbers come from a per-model counter bumped inside the
 *    registering transaction. Taking max(version)+1 raced under concurrent registrations on PostgreSQL
 *    and reused the number of a deleted version; MLflow never reuses one.
 * 2. PostgreSQL: row triggers do not fire on TRUNCATE, so the append-only tables get a statement
 *    trigger for it too.
 */
export function versionCounter(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('registered_models').addColumn('last_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await sql`UPDATE registered_models SET last_version = COALESCE((SELECT MAX(version) FROM model_versions v WHERE v.name = registered_models.name), 0)`.execute(db);
      if (dialect === 'postgres') {
        for (const table of ['audit_log', 'model_transitions']) {
          await sql
            .raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION slipway_append_only()`)
            .execute(db);
        }
      }
    },
  };
}
