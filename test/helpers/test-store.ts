import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { SlipwayError } from '../../src/errors.js';
import { LocalObjectStore } from '../../src/store/objects/index.js';
import type { Store } from '../../src/store/open-store.js';
import type { TestBackend, TestDatabase } from '../backends.js';

export interface TestStoreOptions {
  /** @default 'alice' */
  actor?: string;
  /** @default Date.now */
  now?: () => number;
}

export interface TestStore {
  readonly store: Store;
  /** The backend's database handle (its URL lets a test open a second connection). */
  readonly database: TestDatabase;
  /** Where the objects live; removed by dispose. */
  readonly dir: string;
  dispose(): Promise<void>;
}

/**
 * A Store over a fresh migrated database of `backend` plus a LocalObjectStore in a fresh temp folder.
 * `store.close()` and `dispose()` may both be called, in any order and more than once.
 */
export async function createTestStore(backend: TestBackend, options: TestStoreOptions = {}): Promise<TestStore> {
  const database = await backend.create();
  const dir = await mkdtemp(join(tmpdir(), 'slipway-store-'));
  const artifacts = join(dir, 'objects');
  const opened = database.opened;
  // PostgreSQL's pool refuses a second end(): make closing idempotent so store.close() and dispose() compose.
  const closeOnce = opened.close.bind(opened);
  let closing: Promise<void> | undefined;
  opened.close = () => {
    closing ??= closeOnce().then(() => (backend.name === 'postgres' ? waitForSessionsToEnd(database.url) : undefined));
    return closing;
  };
  const store: Store = {
    db: opened.db,
    dialect: opened.dialect,
    sqlite: opened.sqlite,
    objects: new LocalObjectStore(artifacts),
    location: { home: dir, databaseUrl: database.url, artifacts },
    actor: options.actor ?? 'alice',
    now: options.now ?? Date.now,
    close: () => opened.close(),
  };
  let disposed: Promise<void> | undefined;
  return {
    store,
    database,
    dir,
    dispose() {
      disposed ??= (async () => {
        try {
          await database.dispose();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      })();
      return disposed;
    },
  };
}

/**
 * pg's Pool.end() resolves before its sockets are closed; backends.ts then runs DROP DATABASE … WITH (FORCE),
 * which kills those lingering sessions and surfaces as an uncaught "terminating connection due to administrator
 * command". Waiting until the server sees no session on the database avoids that race.
 */
async function waitForSessionsToEnd(url: string): Promise<void> {
  const admin = process.env.SLIPWAY_TEST_POSTGRES_URL;
  if (!admin) return;
  const dbName = decodeURIComponent(new URL(url).pathname.slice(1));
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    for (let i = 0; i < 250; i++) {
      const r = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [dbName]);
      if (r.rows[0]?.n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end();
  }
}

/** The same store (same database, objects and clock) acting as another user: for four-eyes approvals. */
export function withActor(store: Store, actor: string): Store {
  return {
    db: store.db,
    dialect: store.dialect,
    sqlite: store.sqlite,
    objects: store.objects,
    location: store.location,
    actor,
    now: () => store.now(),
    close: () => store.close(),
  };
}

/** Awaits `promise` expecting a SlipwayError with `code`; returns it for further checks on the message. */
export async function expectCode(promise: Promise<unknown>, code: SlipwayError['code']): Promise<SlipwayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SlipwayError)) {
    throw new Error(`expected SlipwayError ${code}, got ${err === undefined ? 'success' : String(err)}`);
  }
  expect(err.code).toBe(code);
  return err;
}

/** A clock that advances by `stepMs` on every call, so times are distinct and predictable. */
export function steppingClock(start = 1_700_000_000_000, stepMs = 1): () => number {
  let t = start - stepMs;
  return () => {
    t += stepMs;
    return t;
  };
}
