import { randomBytes } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/** Random, not pid/counter based: temp names must not collide across processes or machines sharing the folder. */
export function randomName(): string {
  return randomBytes(16).toString('hex');
}

/** FileHandle.write may write less than asked; loop so no bytes are silently dropped. */
export async function writeAll(out: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await out.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/** Makes a rename durable. Best effort: Windows cannot open folders for fsync, and the data itself is already synced. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Durability of the directory entry is an optimisation here, never a correctness requirement.
  } finally {
    await handle?.close();
  }
}

/** stat, with "absent" as undefined rather than an exception. */
export async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Sorted names in a folder; a folder not created yet is simply empty. */
export async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}
