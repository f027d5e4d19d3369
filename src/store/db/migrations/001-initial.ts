import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { DialectName } from '../dialect.js';

/**
 * The first schema. Column types are chosen per dialect where they differ: SQLite's INTEGER PRIMARY
 * KEY AUTOINCREMENT against PostgreSQL's identity columns, and BIGINT for epoch milliseconds.
 */
export function initial(dialect: DialectName) {
  const idType = dialect === 'sqlite' ? 'integer' : 'bigint';
  const autoId = (c: ColumnDefinitionBuilder) =>
    dialect === 'sqlite'
      ? c.primaryKey().autoIncrement()
      : c.primaryKey().generatedByDefaultAsIdentity();

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('experiments')
        .addColumn('experiment_id', idType, autoId)
        .addColumn('name', 'varchar(500)', (c) => c.notNull().unique())
        .addColumn('artifact_location', 'text', (c) => c.notNull())
        .addColumn('lifecycle_stage', 'varchar(32)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_update_time', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('experiment_tags')
        .addColumn('experiment_id', idType, (c) =>
          c.notNull().references('experiments.experiment_id').onDelete('cascade'),
        )
        .addColumn('key', 'varchar(250)', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
        .execute();

      await db.schema
        .createTable('runs')
        .addColumn('run_uuid', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('experiment_id', idType, (c) =>
          c.notNull().references('experiments.experiment_id'),
        )
        .addColumn('name', 'varchar(250)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('start_time', 'bigint', (c) => c.notNull())
        .addColumn('end_time', 'bigint')
        .addColumn('source_git_commit', 'varchar(64)')
        .addColumn('lifecycle_stage', 'varchar(32)', (c) => c.notNull())
        .addColumn('artifact_uri', 'text', (c) => c.notNull())
        .addColumn('parent_run_id', 'varchar(32)')
        .addColumn('deleted_time', 'bigint')
        .execute();
      await db.schema
        .createIndex('runs_experiment_start')
        .on('runs')
        .columns(['experiment_id', 'start_time'])
        .execute();
      await db.schema.createIndex('runs_parent').on('runs').column('parent_run_id').execute();

      for (const table of ['params', 'tags'] as const) {
        await db.schema
          .createTable(table)
          .addColumn('run_uuid', 'varchar(32)', (c) =>
            c.notNull().references('runs.run_uuid').onDelete('cascade'),
          )
          .addColumn('key', 'varchar(250)', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'key'])
          .execute();
      }

      // History is append-mostly and read by (run, key); no primary key so a batch insert stays one statement.
      await db.schema
        .createTable('metrics')
        .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull())
        .addColumn('key', 'varchar(250)', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('step', 'bigint', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('is_nan', 'smallint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('metrics_run_key_step')
        .on('metrics')
        .columns(['run_uuid', 'key', 'step'])
        .execute();

      await db.schema
        .createTable('latest_metrics')
        .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull())
        .addColumn('key', 'varchar(250)', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('step', 'bigint', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('is_nan', 'smallint', (c) => c.notNull())
        .addPrimaryKeyConstraint('latest_metrics_pk', ['run_uuid', 'key'])
        .execute();
      // Search filters and sorts on one metric key across many runs.
      await db.schema
        .createIndex('latest_metrics_key_value')
        .on('latest_metrics')
        .columns(['key', 'value'])
        .execute();

      await db.schema
        .createTable('artifacts')
        .addColumn('run_uuid', 'varchar(32)', (c) =>
          c.notNull().references('runs.run_uuid').onDelete('cascade'),
        )
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('created_time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('artifacts_pk', ['run_uuid', 'path'])
        .execute();

      await db.schema
        .createTable('input_datasets')
        .addColumn('id', idType, autoId)
        .addColumn('run_uuid', 'varchar(32)', (c) =>
          c.notNull().references('runs.run_uuid').onDelete('cascade'),
        )
        .addColumn('name', 'varchar(500)', (c) => c.notNull())
        .addColumn('hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('role', 'varchar(64)', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint')
        .execute();
      await db.schema
        .createIndex('input_datasets_run')
        .on('input_datasets')
        .column('run_uuid')
        .execute();
      await db.schema
        .createIndex('input_datasets_hash')
        .on('input_datasets')
        .column('hash')
        .execute();

      await db.schema
        .createTable('registered_models')
        .addColumn('name', 'varchar(256)', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('registered_model_tags')
        .addColumn('name', 'varchar(256)', (c) =>
          c.notNull().references('registered_models.name').onDelete('cascade').onUpdate('cascade'),
        )
        .addColumn('key', 'varchar(250)', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('registered_model_tags_pk', ['name', 'key'])
        .execute();

      await db.schema
        .createTable('model_versions')
        .addColumn('name', 'varchar(256)', (c) =>
          c.notNull().references('registered_models.name').onDelete('cascade').onUpdate('cascade'),
        )
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('run_id', 'varchar(32)')
        .addColumn('blob_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('blob_size', 'bigint', (c) => c.notNull())
        .addColumn('blob_kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('status_message', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('current_stage', 'varchar(20)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_versions_pk', ['name', 'version'])
        .execute();

      await db.schema
        .createTable('model_version_tags')
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('key', 'varchar(250)', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_version_tags_pk', ['name', 'version', 'key'])
        .addForeignKeyConstraint(
          'model_version_tags_fk',
          ['name', 'version'],
          'model_versions',
          ['name', 'version'],
          (c) => c.onDelete('cascade').onUpdate('cascade'),
        )
        .execute();

      await db.schema
        .createTable('model_aliases')
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('alias', 'varchar(256)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_aliases_pk', ['name', 'alias'])
        .addForeignKeyConstraint(
          'model_aliases_fk',
          ['name', 'version'],
          'model_versions',
          ['name', 'version'],
          (c) => c.onDelete('cascade').onUpdate('cascade'),
        )
        .execute();

      // History tables keep no foreign keys: they must outlive what they describe.
      await db.schema
        .createTable('model_transitions')
        .addColumn('id', idType, autoId)
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('target', 'varchar(256)', (c) => c.notNull())
        .addColumn('version', 'integer')
        .addColumn('previous_version', 'integer')
        .addColumn('actor', 'varchar(256)', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('model_transitions_name')
        .on('model_transitions')
        .columns(['name', 'time'])
        .execute();

      await db.schema
        .createTable('approvals')
        .addColumn('id', idType, autoId)
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('target', 'varchar(256)', (c) => c.notNull())
        .addColumn('approver', 'varchar(256)', (c) => c.notNull())
        .addColumn('decision', 'varchar(16)', (c) => c.notNull())
        .addColumn('comment', 'text', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('approvals_version')
        .on('approvals')
        .columns(['name', 'version'])
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', idType, autoId)
        .addColumn('time', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'varchar(256)', (c) => c.notNull())
        .addColumn('action', 'varchar(64)', (c) => c.notNull())
        .addColumn('subject_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('subject_id', 'varchar(512)', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_log_subject')
        .on('audit_log')
        .columns(['subject_type', 'subject_id'])
        .execute();

      await appendOnly(db, dialect, 'audit_log');
      await appendOnly(db, dialect, 'model_transitions');
    },
  };
}

/** The database itself refuses UPDATE and DELETE, so no code path (or hand-written SQL) can rewrite history. */
async function appendOnly(db: Kysely<unknown>, dialect: DialectName, table: string) {
  if (dialect === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} ` +
            `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION slipway_append_only() RETURNS trigger AS $$ ` +
        `BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
        `FOR EACH ROW EXECUTE FUNCTION slipway_append_only()`,
    )
    .execute(db);
}
