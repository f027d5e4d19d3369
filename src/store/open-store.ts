import { userInfo } from 'node:os';
import type { Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { DialectName } from './db/dialect.js';
import { openDatabase } from './db/open-database.js';
import type { Database } from './db/schema.js';
import { locateStore, type StoreLocation } from './locate.js';
import { type ObjectStore, openObjectStore } from './objects/index.js';

/**
 * The system of record: metadata database + object store, and who is acting. Every service function
 * takes one of these, so the CLI, the HTTP servers and tests all act through the same code.
 */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** Raw handle on SQLite, for bulk paths and benchmarks; undefined on PostgreSQL. */
  readonly sqlite: BetterSqlite3.Database | undefined;
  readonly objects: ObjectStore;
  readonly location: StoreLocation;
  /** The user recorded on runs, versions, approvals and audit entries. */
  readonly actor: string;
  /** Epoch milliseconds; injectable so tests can control time. */
  now(): number;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Overrides the located store (see `locateStore`). */
  location?: Partial<StoreLocation>;
  /**
   * Who is acting.
   * @default process.env.SLIPWAY_USER, else the OS user name
   */
  actor?: string;
  /** @default Date.now */
  now?: () => number;
  /** @default process.cwd() */
  cwd?: string;
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const located = locateStore(options.cwd);
  const location: StoreLocation = { ...located, ...options.location };
  const objects = openObjectStore(location.artifacts);
  const opened = await openDatabase(location.databaseUrl);
  return {
    db: opened.db,
    dialect: opened.dialect,
    sqlite: opened.sqlite,
    objects,
    location: { ...location, databaseUrl: opened.url },
    actor: options.actor ?? defaultActor(),
    now: options.now ?? Date.now,
    close: () => opened.close(),
  };
}

export function defaultActor(): string {
  if (process.env.SLIPWAY_USER) return process.env.SLIPWAY_USER;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
