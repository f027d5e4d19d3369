import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/**
 * Monitoring: each monitor run over a window (with its report), the time series of its figures
 * (drift per column, metrics) for charts, alerts with their firing/resolved lifecycle, and the
 * scheduler's record of which due times ran (unique, so a missed run is caught up once).
 */
export function monitoring(dialect: DialectName) {
  const id = (c: ColumnDefinitionBuilder) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity());
  const idType = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('monitor_runs')
        .addColumn('id', idType, id)
        .addColumn('monitor', 'varchar(256)', (c) => c.notNull())
        .addColumn('deployment', 'varchar(256)', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('window_end', 'bigint', (c) => c.notNull())
        .addColumn('started_time', 'bigint', (c) => c.notNull())
        .addColumn('finished_time', 'bigint')
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('report_hash', 'varchar(64)')
        .execute();
      await db.schema.createIndex('monitor_runs_time').on('monitor_runs').columns(['monitor', 'window_end']).execute();
      await db.schema
        .createTable('monitor_series')
        .addColumn('run_id', 'bigint', (c) => c.notNull())
        .addColumn('monitor', 'varchar(256)', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .addColumn('key', 'varchar(512)', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('monitor_series_key').on('monitor_series').columns(['monitor', 'key', 'time']).execute();
      await db.schema
        .createTable('alerts')
        .addColumn('id', idType, id)
        .addColumn('monitor', 'varchar(256)', (c) => c.notNull())
        .addColumn('rule', 'varchar(256)', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('started_time', 'bigint', (c) => c.notNull())
        .addColumn('resolved_time', 'bigint')
        .addColumn('value', 'double precision')
        .addColumn('message', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alerts_open').on('alerts').columns(['monitor', 'rule', 'state']).execute();
      await db.schema
        .createTable('schedule_runs')
        .addColumn('schedule', 'varchar(256)', (c) => c.notNull())
        .addColumn('due_time', 'bigint', (c) => c.notNull())
        .addColumn('started_time', 'bigint', (c) => c.notNull())
        .addColumn('finished_time', 'bigint')
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('schedule_runs_pk', ['schedule', 'due_time'])
        .execute();
    },
  };
}
