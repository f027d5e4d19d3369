import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HashState } from './hash-state.js';
import { scratchDirs } from './test-helpers.js';

const tempDir = scratchDirs('slipway-hash-state-');
const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const OLD = { size: 10, mtimeMs: 1_700_000_000_123.5, ino: 42 };

describe('HashState', () => {
  it('answers only while size, mtime and inode all match', () => {
    const state = new HashState(':memory:');
    state.record('/p/a', OLD, H1);
    expect(state.lookup('/p/a', OLD)).toBe(H1);
    expect(state.lookup('/p/a', { ...OLD, size: 11 })).toBeUndefined();
    expect(state.lookup('/p/a', { ...OLD, mtimeMs: OLD.mtimeMs + 0.001 })).toBeUndefined();
    expect(state.lookup('/p/a', { ...OLD, ino: 43 })).toBeUndefined();
    expect(state.lookup('/p/b', OLD)).toBeUndefined();
    expect(state.counters).toMatchObject({ hits: 1, misses: 4, recorded: 1 });
    state.close();
  });

  it('persists across instances, writing only changes, and forgets', async () => {
    const db = join(await tempDir(), 'nested', '.slipway', 'state.db');
    const first = new HashState(db);
    expect(first.persistent).toBe(true);
    first.record('/p/a', OLD, H1);
    first.record('/p/b', { ...OLD, ino: 7 }, H2);
    expect(first.flush()).toBe(2);
    expect(first.flush()).toBe(0); // nothing changed: no write transaction at all
    first.record('/p/a', OLD, H1); // same entry again is not a change
    expect(first.flush()).toBe(0);
    first.close();

    const second = new HashState(db);
    expect(second.size).toBe(2);
    expect(second.lookup('/p/a', OLD)).toBe(H1);
    expect(second.lookup('/p/b', { ...OLD, ino: 7 })).toBe(H2);
    second.forget('/p/a');
    second.close();

    const third = new HashState(db);
    expect(third.lookup('/p/a', OLD)).toBeUndefined();
    expect(third.size).toBe(1);
    third.close();
  });

  it('does not remember a hash taken within a clock tick of the last write (racy mtime)', () => {
    const state = new HashState(':memory:');
    const now = Date.now();
    state.record('/p/fresh', { ...OLD, mtimeMs: now - 1.5 }, H1, now);
    expect(state.lookup('/p/fresh', { ...OLD, mtimeMs: now - 1.5 })).toBeUndefined();
    state.record('/p/aged', { ...OLD, mtimeMs: now - 5_000.5 }, H1, now);
    expect(state.lookup('/p/aged', { ...OLD, mtimeMs: now - 5_000.5 })).toBe(H1);
    // Whole-second mtimes come from 1–2 s granularity filesystems, so the window widens.
    state.record('/p/coarse', { ...OLD, mtimeMs: Math.floor(now / 1000) * 1000 - 1000 }, H1, now);
    expect(state.counters.racy).toBe(2);
    // Without hashedAtMs (content Slipway just wrote and verified) the stamp is trusted.
    state.record('/p/restored', { ...OLD, mtimeMs: now }, H2);
    expect(state.lookup('/p/restored', { ...OLD, mtimeMs: now })).toBe(H2);
    state.close();
  });

  it('deletes and rebuilds a corrupt state file', async () => {
    const dir = await tempDir();
    const db = join(dir, 'state.db');
    writeFileSync(db, Buffer.alloc(64 * 1024, 0x5a)); // not a database
    const state = new HashState(db);
    expect(state.persistent).toBe(true);
    expect(state.size).toBe(0);
    state.record('/p/a', OLD, H1);
    state.close();
    const again = new HashState(db);
    expect(again.lookup('/p/a', OLD)).toBe(H1);
    again.close();
  });

  it('rebuilds a state file whose pages are damaged after the header', async () => {
    const db = join(await tempDir(), 'state.db');
    const state = new HashState(db);
    for (let i = 0; i < 2000; i++) state.record(`/p/file-${i}`, { ...OLD, ino: i }, H1);
    state.close();
    // Keep the first page (header and schema) and scribble over the table's pages.
    const bytes = readFileSync(db);
    bytes.fill(0xff, 4096);
    writeFileSync(db, bytes);
    const reopened = new HashState(db);
    expect(reopened.persistent).toBe(true);
    expect(reopened.lookup('/p/file-1', { ...OLD, ino: 1 })).toBeUndefined();
    reopened.close();
  });

  it('rebuilds the file when a flush finds it damaged, from everything the instance knows', async () => {
    const db = join(await tempDir(), 'state.db');
    const state = new HashState(db);
    state.record('/p/a', OLD, H1);
    state.flush();
    // SQLite often heals a file overwritten under an open WAL connection, so make the next write report damage.
    const handle = (state as unknown as { db: { prepare: (sql: string) => unknown } }).db;
    const prepare = handle.prepare.bind(handle);
    let failures = 0;
    handle.prepare = (sql: string) => {
      if (failures++ === 0) throw Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
      return prepare(sql);
    };
    state.record('/p/b', OLD, H2);
    expect(state.flush()).toBe(2); // the whole state rewritten into a fresh file, not just the change
    expect(state.lookup('/p/a', OLD)).toBe(H1);
    state.close();
    const again = new HashState(db);
    expect(again.lookup('/p/a', OLD)).toBe(H1);
    expect(again.lookup('/p/b', OLD)).toBe(H2);
    again.close();
  });

  it('falls back to memory when the state path cannot be a database', async () => {
    const dir = await tempDir();
    const db = join(dir, 'state.db');
    mkdirSync(db); // a folder where the file should be: left alone, not deleted
    const state = new HashState(db);
    expect(state.persistent).toBe(false);
    state.record('/p/a', OLD, H1);
    expect(state.lookup('/p/a', OLD)).toBe(H1);
    expect(state.flush()).toBe(0);
    state.close();
    expect(statSync(db).isDirectory()).toBe(true);
  });

  it('merges the flushes of two concurrent instances', async () => {
    const db = join(await tempDir(), 'state.db');
    const a = new HashState(db);
    const b = new HashState(db);
    a.record('/p/a', OLD, H1);
    b.record('/p/b', OLD, H2);
    a.close();
    b.close();
    const c = new HashState(db);
    expect(c.lookup('/p/a', OLD)).toBe(H1);
    expect(c.lookup('/p/b', OLD)).toBe(H2);
    c.close();
  });
});
