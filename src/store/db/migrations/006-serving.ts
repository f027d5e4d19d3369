import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/**
 * Serving state: deployments (what a model server serves, as desired state it follows), their
 * revision history, the index of payload-log batches in the object store, and ground-truth feedback
 * by request id (joined with the payload log when monitoring computes real accuracy).
 */
export function serving(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('deployments')
        .addColumn('name', 'varchar(256)', (c) => c.primaryKey())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('status_message', 'text', (c) => c.notNull())
        .addColumn('created_time', 'bigint', (c) => c.notNull())
        .addColumn('updated_time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('deployment_revisions')
        .addColumn('deployment', 'varchar(256)', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('action', 'varchar(64)', (c) => c.notNull())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('actor', 'varchar(256)', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('deployment_revisions_pk', ['deployment', 'revision'])
        .execute();
      await db.schema
        .createTable('payload_batches')
        .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('deployment', 'varchar(256)', (c) => c.notNull())
        .addColumn('format', 'varchar(16)', (c) => c.notNull())
        .addColumn('blob_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('blob_size', 'bigint', (c) => c.notNull())
        .addColumn('records', 'integer', (c) => c.notNull())
        .addColumn('first_time', 'bigint', (c) => c.notNull())
        .addColumn('last_time', 'bigint', (c) => c.notNull())
        .addColumn('created_time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('payload_batches_time').on('payload_batches').columns(['deployment', 'last_time']).execute();
      await db.schema
        .createTable('feedback')
        .addColumn('request_id', 'varchar(256)', (c) => c.primaryKey())
        .addColumn('deployment', 'varchar(256)', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('feedback_time').on('feedback').columns(['deployment', 'time']).execute();
    },
  };
}
