import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** What must be unchanged for a remembered hash to still describe a file (DVC's state keys, minus ctime). */
export interface FileStamp {
  readonly size: number;
  /**
   * As `fs.Stats.mtimeMs`. A double, stored as SQLite REAL so it round-trips exactly: integer ms would drop
   * the sub-ms part that tells apart two writes in one ms, and bigint ns stats cost ~8% more per stat.
   */
  readonly mtimeMs: number;
  readonly ino: number;
}

/**
 * [path, size, mtimeMs, ino, hash]: the row exactly as SQLite returns it in raw mode, kept as is so loading
 * 10,000 entries allocates no further object per entry (loading is on every run's critical path).
 */
type Entry = readonly [path: string, size: number, mtimeMs: number, ino: number, hash: string];

export interface HashStateOptions {
  /**
   * How long a flush waits for another process's write lock, in milliseconds.
   * @default 5000
   */
  busyTimeoutMs?: number;
}

/** Counters for tests and diagnostics: how often a remembered hash saved a read. */
export interface HashStateCounters {
  hits: number;
  misses: number;
  /** Entries recorded (queued for the next flush). */
  recorded: number;
  /** Hashes not remembered because the file was modified too recently to trust its mtime (see `record`). */
  racy: number;
}

const SCHEMA_VERSION = 1;

/**
 * Linux stamps mtimes from a coarse clock (one scheduler tick, at most 10 ms), so two writes within a
 * tick get the same mtime. A hash taken while the file's mtime is still within a tick of "now" could be
 * followed by a same-size write that leaves the stamp unchanged: such hashes are not remembered ("racy
 * git"). Whole-second mtimes mean a 1–2 s granularity filesystem (FAT, HFS+, ext3), hence the wider window.
 */
const RACY_WINDOW_MS = 20;
const RACY_WINDOW_COARSE_MS = 2000;

/**
 * A persistent cache of file hashes keyed by absolute path, valid while (size, mtime, inode) are unchanged.
 * Built for the no-op run: one query loads every entry into a Map at open, lookups are Map reads, and only
 * changed entries are written, in one transaction, at `flush()`. It is only a cache, so an unreadable or
 * corrupt file is deleted and rebuilt, and a file that cannot be opened at all degrades to memory only.
 */
export class HashState {
  readonly path: string;
  readonly counters: HashStateCounters = { hits: 0, misses: 0, recorded: 0, racy: 0 };
  private readonly entries = new Map<string, Entry>();
  /** Changes since the last flush: an entry to upsert, or null to delete. */
  private readonly pending = new Map<string, Entry | null>();
  private db: BetterSqlite3.Database | undefined;
  private readonly busyTimeoutMs: number;

  /** `dbPath` is e.g. `<project>/.slipway/state.db` (its folder is created), or ':memory:'. */
  constructor(dbPath: string, options: HashStateOptions = {}) {
    this.path = dbPath === ':memory:' ? dbPath : resolve(dbPath);
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.db = this.openAndLoad();
  }

  /** Whether entries survive this process (false when the state file could not be opened even after a rebuild). */
  get persistent(): boolean {
    return this.db !== undefined && this.path !== ':memory:';
  }

  get size(): number {
    return this.entries.size;
  }

  /** The remembered hash of `absPath` if `stamp` still matches what it was recorded with. */
  lookup(absPath: string, stamp: FileStamp): string | undefined {
    const e = this.entries.get(absPath);
    if (e !== undefined && e[1] === stamp.size && e[2] === stamp.mtimeMs && e[3] === stamp.ino) {
      this.counters.hits++;
      return e[4];
    }
    this.counters.misses++;
    return undefined;
  }

  /**
   * Remembers `hash` for `absPath` at `stamp`. Pass `hashedAtMs` (Date.now() taken before reading began)
   * when the bytes came from a file someone else may still be writing: if its mtime is within the clock
   * granularity of that moment, the hash is not remembered (see RACY_WINDOW_MS) and the next check re-reads.
   * Omit it for files Slipway itself just wrote from known content (a restored out).
   */
  record(absPath: string, stamp: FileStamp, hash: string, hashedAtMs?: number): void {
    if (hashedAtMs !== undefined) {
      const window = stamp.mtimeMs % 1000 === 0 ? RACY_WINDOW_COARSE_MS : RACY_WINDOW_MS;
      if (stamp.mtimeMs > hashedAtMs - window) {
        this.counters.racy++;
        this.forget(absPath);
        return;
      }
    }
    const old = this.entries.get(absPath);
    if (old && old[1] === stamp.size && old[2] === stamp.mtimeMs && old[3] === stamp.ino && old[4] === hash) return;
    const entry: Entry = [absPath, stamp.size, stamp.mtimeMs, stamp.ino, hash];
    this.entries.set(absPath, entry);
    this.pending.set(absPath, entry);
    this.counters.recorded++;
  }

  forget(absPath: string): void {
    if (this.entries.delete(absPath)) this.pending.set(absPath, null);
  }

  /**
   * Writes the changes since the last flush in one transaction and returns how many were written. Nothing
   * changed means no write at all, so a no-op run never takes the write lock. A lock held by another
   * process past the busy timeout returns 0 and keeps the changes for the next flush: losing cache entries
   * costs a re-hash later, never a wrong answer.
   */
  flush(): number {
    if (this.pending.size === 0 || this.db === undefined) return 0;
    try {
      return this.write(this.db, this.pending);
    } catch (err) {
      if (isTransient(err)) return 0;
      if (!isDamaged(err)) throw err;
    }
    // The file went bad under us: start a fresh one from everything this process knows.
    const known = new Map(this.entries);
    this.db.close();
    this.db = this.openAndLoad(true);
    for (const [path, entry] of known) this.entries.set(path, entry); // the reopen loaded an empty file
    if (this.db === undefined) return 0;
    const all = new Map<string, Entry | null>(known);
    try {
      return this.write(this.db, all);
    } catch (err) {
      if (isTransient(err) || isDamaged(err)) return 0;
      throw err;
    }
  }

  /** Flushes and closes; the instance must not be used afterwards. */
  close(): void {
    try {
      this.flush();
    } finally {
      this.db?.close();
      this.db = undefined;
    }
  }

  private write(db: BetterSqlite3.Database, changes: Map<string, Entry | null>): number {
    const upsert = db.prepare('INSERT OR REPLACE INTO file_hash (path, size, mtime_ms, ino, hash) VALUES (?, ?, ?, ?, ?)');
    const remove = db.prepare('DELETE FROM file_hash WHERE path = ?');
    db.transaction(() => {
      for (const [path, e] of changes) {
        if (e === null) remove.run(path);
        else upsert.run(...e);
      }
    }).immediate();
    const written = changes.size;
    this.pending.clear(); // after a rebuild `changes` held everything, pending included
    return written;
  }

  /** Opens (creating if needed) and loads every entry; on damage deletes the file and tries once more. */
  private openAndLoad(wipeFirst = false): BetterSqlite3.Database | undefined {
    if (wipeFirst) this.wipe();
    try {
      return this.tryOpen();
    } catch (err) {
      if (isTransient(err)) return undefined; // someone else is creating or migrating it: work from memory this time
      if (!isDamaged(err) || this.path === ':memory:') throw err;
    }
    this.wipe();
    try {
      return this.tryOpen();
    } catch (err) {
      if (isTransient(err) || isDamaged(err)) return undefined;
      throw err;
    }
  }

  private tryOpen(): BetterSqlite3.Database {
    if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
    const db = new BetterSqlite3(this.path, { timeout: this.busyTimeoutMs });
    try {
      db.pragma('journal_mode = WAL');
      // NORMAL is durable against process crashes; a power cut can only lose cache entries, which cost a re-hash.
      db.pragma('synchronous = NORMAL');
      if (db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) {
        // Re-checked under the write lock: two processes creating the file at once must not both create the table.
        db.transaction(() => {
          if (db.pragma('user_version', { simple: true }) === SCHEMA_VERSION) return;
          // A different layout is only ever an older or newer cache: drop it rather than migrate.
          db.exec(`DROP TABLE IF EXISTS file_hash;
            CREATE TABLE file_hash (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ms REAL NOT NULL,
              ino INTEGER NOT NULL, hash TEXT NOT NULL) WITHOUT ROWID;
            PRAGMA user_version = ${SCHEMA_VERSION};`);
        }).immediate();
      }
      this.entries.clear();
      // raw rows (arrays) skip building a keyed object per row: this is on every run's critical path.
      const rows = db.prepare('SELECT path, size, mtime_ms, ino, hash FROM file_hash').raw(true).all() as unknown[][];
      for (const row of rows) {
        if (isEntry(row)) this.entries.set(row[0], row);
      }
      return db;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Best effort: if even deleting fails, the reopen fails too and the state runs from memory. */
  private wipe(): void {
    if (this.path === ':memory:') return;
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      try {
        rmSync(this.path + suffix, { force: true });
      } catch {
        // reported through the failed reopen
      }
    }
  }
}

/** Rows written by another version or by hand are skipped, not trusted: it is only a cache. */
function isEntry(row: unknown[]): row is [string, number, number, number, string] {
  const [path, size, mtimeMs, ino, hash] = row;
  return (
    typeof path === 'string' &&
    typeof size === 'number' &&
    typeof mtimeMs === 'number' &&
    typeof ino === 'number' &&
    typeof hash === 'string' &&
    hash.length === 64
  );
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** Another process holds the lock past the timeout, or the disk is full: skip persisting this time. */
function isTransient(err: unknown): boolean {
  const code = errorCode(err);
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code.startsWith('SQLITE_FULL');
}

const DAMAGE_CODES = ['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_READONLY'];
const FS_DAMAGE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'EEXIST']);

/** The state file (or its folder) is unusable: garbage, truncated, unreadable. Not a bug in the caller. */
function isDamaged(err: unknown): boolean {
  const code = errorCode(err);
  return DAMAGE_CODES.some((c) => code.startsWith(c)) || FS_DAMAGE_CODES.has(code);
}
