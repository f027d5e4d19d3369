import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Dialect, Migrator, PostgresDialect, sql } from 'kysely';
import { SlipwayError, invalid } from '../../errors.js';
import type { DialectName } from './dialect.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';
import { ImmediateSqliteDialect, withStatementCache } from './sqlite-dialect.js';

/** An open metadata database: the typed query builder, which dialect it speaks, and how to close it. */
export interface MetadataDb {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** The URL it was opened from, with any password masked, for messages. */
  readonly url: string;
  /** The raw better-sqlite3 handle on SQLite (for benchmarks and the fastest bulk paths), else undefined. */
  readonly sqlite: BetterSqlite3.Database | undefined;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * Apply pending migrations on open.
   * @default true
   */
  migrate?: boolean;
  /**
   * How long a writer waits for another process's write lock on SQLite, in milliseconds.
   * @default 30000
   */
  busyTimeoutMs?: number;
}

/**
 * Opens `sqlite:PATH`, `sqlite::memory:`, or `postgres://…`/`postgresql://…`, and brings the schema up
 * to date. Refuses a database whose schema is newer than this code (it would be silently misread).
 *
 * @example
 *   const { db } = await openDatabase('sqlite:.slipway/slipway.db');
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<MetadataDb> {
  const opened = await connect(url, options);
  if (options.migrate !== false) {
    try {
      await migrateToLatest(opened.db, opened.dialect, opened.url);
    } catch (err) {
      await opened.close();
      throw err;
    }
  }
  return opened;
}

async function connect(url: string, options: OpenDatabaseOptions): Promise<MetadataDb> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw invalid(`Database URL '${url}' names no file: use sqlite:PATH or sqlite::memory:`);
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    const sqlite = new BetterSqlite3(path, { timeout: options.busyTimeoutMs ?? 30_000 });
    sqlite.pragma('journal_mode = WAL');
    // NORMAL in WAL mode is durable against application crashes; only power loss can drop the last commits.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: 'sqlite', url, sqlite, close: () => db.destroy() };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // Loaded on demand: `pg` costs a noticeable part of every CLI start on the embedded default.
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      // BIGINT (epoch ms, sizes, ids) as JS numbers: every value Slipway stores fits in 2^53.
      types: {
        getTypeParser: ((oid: number, format?: string) =>
          oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
    });
    const dialect: Dialect = new PostgresDialect({ pool });
    const db = new Kysely<Database>({ dialect });
    return { db, dialect: 'postgres', url: maskPassword(url), sqlite: undefined, close: () => db.destroy() };
  }
  throw invalid(
    `Database URL '${maskPassword(url)}' is not supported: use sqlite:PATH, or postgres://USER@HOST:PORT/DB`,
  );
}

async function migrateToLatest(db: Kysely<Database>, dialect: DialectName, url: string): Promise<void> {
  const known = migrations(dialect);
  await refuseNewerSchema(db, Object.keys(known), url);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => known } });
  // Several processes may open a fresh database at once; Kysely serialises the migrations themselves,
  // but creating its bookkeeping tables can race. A retry sees the winner's tables.
  for (let attempt = 1; ; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (!error) return;
    if (attempt >= 5) {
      throw new SlipwayError('INTERNAL_ERROR', `Could not migrate database ${url}: ${String(error)}`, {}, { cause: error });
    }
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
}

async function refuseNewerSchema(db: Kysely<Database>, known: string[], url: string): Promise<void> {
  let applied: string[];
  try {
    const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
    applied = rows.rows.map((r) => r.name);
  } catch {
    return; // no bookkeeping table yet: a new database
  }
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new SlipwayError(
      'DATA_CORRUPTION',
      `Database ${url} has schema version ${unknown.sort().at(-1)}, newer than this Slipway knows ` +
        `(${known.at(-1)}). Upgrade Slipway to use it; nothing was changed.`,
      { unknown },
    );
  }
}

function maskPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
