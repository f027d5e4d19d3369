import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type MetadataDb, openDatabase } from '../src/store/db/open-database.js';

/** A metadata backend the conformance suites run against. */
export interface TestBackend {
  readonly name: 'sqlite' | 'postgres';
  /** False when the backend is not configured on this machine (the suite is then skipped, loudly). */
  readonly available: boolean;
  /** A fresh, empty, migrated database and a function that removes it. */
  create(): Promise<TestDatabase>;
}

export interface TestDatabase {
  readonly url: string;
  readonly opened: MetadataDb;
  dispose(): Promise<void>;
}

const postgresAdminUrl = process.env.SLIPWAY_TEST_POSTGRES_URL;

const sqlite: TestBackend = {
  name: 'sqlite',
  available: true,
  async create() {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-db-'));
    const url = `sqlite:${join(dir, 'slipway.db')}`;
    const opened = await openDatabase(url);
    return {
      url,
      opened,
      async dispose() {
        await opened.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: TestBackend = {
  name: 'postgres',
  available: Boolean(postgresAdminUrl),
  async create() {
    if (!postgresAdminUrl) throw new Error('SLIPWAY_TEST_POSTGRES_URL is not set');
    const dbName = `slipway_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresAdminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const url = withDatabase(postgresAdminUrl, dbName);
    const opened = await openDatabase(url);
    return {
      url,
      opened,
      async dispose() {
        await opened.close();
        const a = new pg.Client({ connectionString: postgresAdminUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await a.end();
      },
    };
  },
};

/** Every metadata backend; suites loop over this with `describe.skipIf(!b.available)`. */
export const BACKENDS: readonly TestBackend[] = [sqlite, postgres];

function withDatabase(url: string, dbName: string): string {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}
