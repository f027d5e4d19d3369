import { utimesSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { SlipwayError } from '../../errors.js';

/** Shared by this folder's tests only (not exported from index.ts). */
export function scratchDirs(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

let clock = Date.now() - 3_600_000;

/**
 * Gives files a distinct mtime an hour in the past. Fresh mtimes are "racy" (HashState will not remember
 * a hash taken within a clock tick of the write), so tests about remembered hashes age their files first.
 */
export function age(...paths: string[]): void {
  for (const path of paths) {
    clock += 1_003.25; // never a whole second, which would look like a coarse-timestamp filesystem
    utimesSync(path, clock / 1000, clock / 1000);
  }
}

export async function expectCode(promise: Promise<unknown>, code: string): Promise<SlipwayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SlipwayError);
  expect((err as SlipwayError).code).toBe(code);
  return err as SlipwayError;
}
