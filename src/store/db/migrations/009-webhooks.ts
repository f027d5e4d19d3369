import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/**
 * Registry webhooks: subscriptions, one delivery row per (subscription, event) — unique, so two
 * servers reading the same events never deliver one twice — and how far each reader has read the
 * audit log the events come from.
 */
export function webhooks(dialect: DialectName) {
  const id = (c: ColumnDefinitionBuilder) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity());
  const idType = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('model_name', 'varchar(256)')
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('created_time', 'bigint', (c) => c.notNull())
        // Events from audit entries up to this id predate the subscription and are not sent to it.
        .addColumn('since_audit_id', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', idType, id)
        .addColumn('webhook_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('audit_id', 'bigint', (c) => c.notNull())
        .addColumn('event', 'varchar(64)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_time', 'bigint', (c) => c.notNull())
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_time', 'bigint', (c) => c.notNull())
        .addColumn('delivered_time', 'bigint')
        .addUniqueConstraint('webhook_deliveries_once', ['webhook_id', 'audit_id'])
        .execute();
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_time']).execute();
      await db.schema
        .createTable('webhook_cursor')
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('audit_id', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
