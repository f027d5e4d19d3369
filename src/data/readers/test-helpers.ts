/** Shared by this folder's tests only (not exported from index.ts). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { SlipwayError } from '../../errors.js';
import { columnByName, columnLength, type Table, valueAt } from '../table.js';

/** Writes files into one temp directory per test file, removed after the file's tests. */
export function tempFiles(prefix: string): (name: string, content: string | Uint8Array) => Promise<string> {
  let dir: Promise<string> | undefined;
  afterAll(async () => {
    if (dir) await rm(await dir, { recursive: true, force: true });
  });
  return async (name, content) => {
    dir ??= mkdtemp(join(tmpdir(), prefix));
    const path = join(await dir, name);
    await writeFile(path, content);
    return path;
  };
}

/** The SlipwayError a promise rejects with (failing the test if it resolves or rejects otherwise). */
export async function errorOf(promise: Promise<unknown>): Promise<SlipwayError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(SlipwayError);
    return err as SlipwayError;
  }
  throw new Error('expected a SlipwayError');
}

/** A column's values as plain JS (null for nulls, Date for timestamps). */
export function values(table: Table, name: string): unknown[] {
  const col = columnByName(table, name);
  if (!col) throw new Error(`no column ${name}`);
  return Array.from({ length: columnLength(col) }, (_, i) => valueAt(col, i));
}

/** name → type of every column. */
export function typesOf(table: Table): Record<string, string> {
  return Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
}
