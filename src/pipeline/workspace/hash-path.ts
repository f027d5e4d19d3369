import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';
import { comparePaths, mapLimit, serializeManifest, type ManifestEntry } from '../../store/index.js';
import { SlipwayError } from '../../errors.js';
import { digestFile, notRegularFile, symlinkError } from './digest-file.js';
import type { HashState } from './hash-state.js';

/** A dep's or out's content address. A folder's hash is its manifest's, exactly as `putDirectory` names it. */
export type PathHash =
  | { readonly kind: 'file'; readonly hash: string; readonly size: number }
  | {
      readonly kind: 'directory';
      readonly hash: string;
      /** Total bytes of its files (not the manifest's size, unlike DirectoryRef.size). */
      readonly size: number;
      /** Sorted; paths relative to the folder, '/'-separated. */
      readonly files: readonly ManifestEntry[];
    }
  | { readonly kind: 'missing' };

/** Files hashed at once on a cache miss: enough to overlap reads with hashing, few enough to spare fds. */
const HASH_CONCURRENCY = 8;

export interface WalkedFile {
  /** Relative to the walked folder, '/'-separated. */
  readonly path: string;
  readonly absolutePath: string;
}

/**
 * The content hash of `relPath` under `root`: a file's sha256, a folder's manifest hash, or 'missing'.
 * Only files whose (size, mtime, inode) differ from what `state` remembers are read; the rest is stat calls.
 * Symlinks anywhere are refused, as `putDirectory` refuses them, so the hash is of what would be stored.
 * New hashes are recorded in `state`; call `state.flush()` once the run is done.
 */
export async function hashPath(root: string, relPath: string, state: HashState): Promise<PathHash> {
  const absolutePath = resolve(root, relPath);
  const info = lstatOrUndefined(absolutePath);
  if (info === undefined) {
    state.forget(absolutePath);
    return { kind: 'missing' };
  }
  if (info.isSymbolicLink()) throw symlinkError(absolutePath);
  if (info.isDirectory()) return hashDirectory(absolutePath, state);
  if (!info.isFile()) throw notRegularFile(absolutePath);
  const known = state.lookup(absolutePath, info);
  if (known !== undefined) return { kind: 'file', hash: known, size: info.size };
  const digest = await digestFile(absolutePath);
  state.record(absolutePath, digest.stamp, digest.hash, digest.hashedAtMs);
  return { kind: 'file', hash: digest.hash, size: digest.size };
}

/** sha256 of the canonical manifest bytes, the address `putDirectory` gives the same files. */
export function manifestHash(files: readonly ManifestEntry[]): string {
  return createHash('sha256').update(serializeManifest(files), 'utf8').digest('hex');
}

async function hashDirectory(absoluteDir: string, state: HashState): Promise<PathHash> {
  const walked = walkFiles(absoluteDir);
  const entries: (ManifestEntry | undefined)[] = new Array(walked.length);
  const misses: number[] = [];
  // Synchronous stats in a tight loop: for metadata the kernel has cached, ~2 µs each against ~15 µs for a
  // thread-pool round trip (measured: 10,000 files in 22 ms vs 85–180 ms with fs.promises at any concurrency).
  for (let i = 0; i < walked.length; i++) {
    const file = walked[i] as WalkedFile;
    const info = lstatOrUndefined(file.absolutePath);
    if (info === undefined) continue; // deleted since the readdir: the folder no longer has it
    if (info.isSymbolicLink()) throw symlinkError(file.absolutePath);
    if (!info.isFile()) throw notRegularFile(file.absolutePath);
    const known = state.lookup(file.absolutePath, info);
    if (known === undefined) misses.push(i);
    else entries[i] = { path: file.path, hash: known, size: info.size };
  }
  await mapLimit(misses, HASH_CONCURRENCY, async (i) => {
    const file = walked[i] as WalkedFile;
    try {
      const digest = await digestFile(file.absolutePath);
      state.record(file.absolutePath, digest.stamp, digest.hash, digest.hashedAtMs);
      entries[i] = { path: file.path, hash: digest.hash, size: digest.size };
    } catch (err) {
      if (!(err instanceof SlipwayError && err.code === 'RESOURCE_DOES_NOT_EXIST')) throw err;
    }
  });
  const files: ManifestEntry[] = [];
  let size = 0;
  for (const entry of entries) {
    if (entry === undefined) continue;
    files.push(entry);
    size += entry.size;
  }
  return { kind: 'directory', hash: manifestHash(files), size, files };
}

/**
 * Every regular file under `dir`, sorted by relative path in code-unit order (the manifest's order).
 * Symlinks, special files and names with a backslash are refused, as `walkDirectory` refuses them.
 */
export function walkFiles(dir: string): WalkedFile[] {
  const out: WalkedFile[] = [];
  walkInto(dir, '', out);
  return out.sort((a, b) => comparePaths(a.path, b.path));
}

function walkInto(absoluteDir: string, relativeDir: string, out: WalkedFile[]): void {
  for (const entry of readdirSync(absoluteDir, { withFileTypes: true })) {
    // Concatenation, not path.join: join re-normalizes the whole path, measurable over 10,000 files.
    const absolutePath = absoluteDir + sep + entry.name;
    const path = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    if (entry.isSymbolicLink()) throw symlinkError(absolutePath);
    if (entry.name.includes('\\')) {
      throw new SlipwayError('INVALID_PARAMETER_VALUE', `Cannot track ${absolutePath}: its name contains a backslash`, {
        path: absolutePath,
      });
    }
    if (entry.isDirectory()) walkInto(absolutePath, path, out);
    else if (entry.isFile()) out.push({ path, absolutePath });
    else throw notRegularFile(absolutePath);
  }
}

/** lstat with "absent" as undefined; a parent that is a file (ENOTDIR) also means absent. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}
