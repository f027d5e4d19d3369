import { constants, type Dirent } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LocalObjectStore, fsyncDir, isSha256Hex, mapLimit, randomName, serializeManifest, type ManifestEntry, type ObjectStore } from '../../store/index.js';
import { SlipwayError } from '../../errors.js';
import { digestHandle } from './digest-file.js';
import { hashPath, lstatOrUndefined, type PathHash } from './hash-path.js';
import type { HashState } from './hash-state.js';

/** An out as recorded in the lock file: a blob or a directory manifest in the object store. */
export interface OutRef {
  readonly kind: 'file' | 'directory';
  readonly hash: string;
}

export interface MaterializeResult {
  /** Files written from the store. */
  readonly restored: number;
  /** Files already in place with the right content (known from HashState), left untouched. */
  readonly kept: number;
  /** Files, links and folders removed because the out does not contain them. */
  readonly removed: number;
}

/** Files restored or stored at once: overlaps copy, hash and fsync without exhausting fds. */
const FILE_CONCURRENCY = 8;

/**
 * Restores an out from the object store to `dest` (absolute, or relative to the cwd). Each file is an
 * independent copy: a reflink where the filesystem supports it (btrfs, XFS, APFS), a plain copy otherwise,
 * and never a hardlink or symlink into the cache, which a later write through it would corrupt. Every
 * file is verified against its hash and renamed into place atomically. A folder out is owned by its
 * stage: whatever in `dest` is not in the manifest is removed. With `state`, the restored files' fresh
 * stamps are recorded so the next status check does not re-read what was just written.
 */
export async function materialize(
  objects: ObjectStore,
  ref: OutRef,
  dest: string,
  state?: HashState,
): Promise<MaterializeResult> {
  const target = resolve(dest);
  if (ref.kind === 'file') {
    const existing = lstatOrUndefined(target);
    if (existing?.isFile() && state?.lookup(target, existing) === ref.hash) return { restored: 0, kept: 1, removed: 0 };
    let removed = 0;
    if (existing && !existing.isFile()) {
      // A folder or link where the file belongs; removed only once the blob is known to exist.
      if (!(await objects.has(ref.hash))) throw missingBlob(objects, ref.hash);
      await rm(target, { recursive: true, force: true });
      removed = 1;
    }
    await restoreFile(objects, ref.hash, target, state);
    return { restored: 1, kept: 0, removed };
  }

  const { files } = await objects.getManifest(ref.hash);
  const existing = lstatOrUndefined(target);
  let removed = 0;
  if (existing && !existing.isDirectory()) {
    await rm(target, { force: true });
    removed++;
  }
  await mkdir(target, { recursive: true });
  const wanted = new Map(files.map((f) => [f.path, f]));
  const wantedDirs = new Set<string>();
  for (const { path } of files) {
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) wantedDirs.add(path.slice(0, i));
  }
  const present = new Set<string>();
  const doomed: string[] = [];
  await scan(target, '', wanted, wantedDirs, present, doomed);

  let kept = 0;
  const toRestore: ManifestEntry[] = [];
  for (const file of files) {
    const path = safeJoin(target, file.path, ref.hash);
    const info = present.has(file.path) ? lstatOrUndefined(path) : undefined;
    if (info?.isFile() && state?.lookup(path, info) === file.hash) kept++;
    else toRestore.push(file);
  }
  // Every needed blob must exist before anything in dest is removed: a cache missing blobs (gc, a partial
  // pull) must fail the restore up front, not leave the workspace half pruned.
  const needed = [...new Set(toRestore.map((f) => f.hash))];
  const absent = (await mapLimit(needed, FILE_CONCURRENCY, async (h) => ((await objects.has(h)) ? undefined : h))).filter(
    (h) => h !== undefined,
  );
  if (absent.length > 0) {
    const message = `Cannot restore ${target}: ${absent.length} of its files are not in ${objects.location}`;
    throw new SlipwayError('RESOURCE_DOES_NOT_EXIST', message, {
      hash: ref.hash,
      missing: absent.slice(0, 10),
      location: objects.location,
    });
  }
  for (const path of doomed) await rm(path, { recursive: true, force: true });
  removed += doomed.length;
  await mapLimit(toRestore, FILE_CONCURRENCY, (file) =>
    restoreFile(objects, file.hash, safeJoin(target, file.path, ref.hash), state),
  );
  return { restored: toRestore.length, kept, removed };
}

/**
 * Puts the file or folder at `relPath` under `root` into the object store and returns its hash (a folder's
 * equals its DirectoryRef hash). Hashes come from `hashPath`, so unchanged files are not re-read, and blobs
 * the store already has are not copied again. 'missing' is returned, not thrown: the caller names the stage.
 */
export async function storeOut(objects: ObjectStore, root: string, relPath: string, state: HashState): Promise<PathHash> {
  const absolutePath = resolve(root, relPath);
  const hashed = await hashPath(root, relPath, state);
  if (hashed.kind === 'file') await ensureBlob(objects, absolutePath, hashed.hash);
  if (hashed.kind === 'directory') {
    await mapLimit(hashed.files, FILE_CONCURRENCY, (f) => ensureBlob(objects, join(absolutePath, ...f.path.split('/')), f.hash));
    if (!(await objects.has(hashed.hash))) {
      const manifest = await objects.put(serializeManifest(hashed.files));
      if (manifest.hash !== hashed.hash) throw new SlipwayError('INTERNAL_ERROR', 'Manifest hash differs from the object store');
    }
  }
  return hashed;
}

async function ensureBlob(objects: ObjectStore, path: string, hash: string): Promise<void> {
  if (await objects.has(hash)) return;
  const stored = await objects.putFile(path);
  if (stored.hash !== hash) {
    // The stored blob is still valid (it is named by what was read); the out just is not what was hashed.
    throw new SlipwayError('RESOURCE_CONFLICT', `${path} changed while it was being stored; is something still writing it?`, {
      path,
      expected: hash,
      actual: stored.hash,
    });
  }
}

async function restoreFile(objects: ObjectStore, hash: string, dest: string, state: HashState | undefined): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  if (objects instanceof LocalObjectStore) await cloneBlob(objects, hash, dest);
  else await objects.getToFile(hash, dest); // streams, verifies, temp + rename
  const info = lstatOrUndefined(dest);
  // No hashedAtMs: these bytes were just verified against `hash`, so the stamp is trusted even though fresh.
  if (state && info?.isFile()) state.record(dest, info, hash);
}

/**
 * Copies a local blob with COPYFILE_FICLONE (a reflink where supported, else a kernel-side copy), then
 * verifies the copy's bytes before renaming it over `dest`: a bit-rotted blob must not become a workspace
 * file that HashState would then vouch for. The temp file sits beside dest so the rename stays atomic.
 */
async function cloneBlob(objects: LocalObjectStore, hash: string, dest: string): Promise<void> {
  if (!isSha256Hex(hash)) {
    throw new SlipwayError('INVALID_PARAMETER_VALUE', `Invalid blob hash ${JSON.stringify(hash)}`, { hash });
  }
  // LocalObjectStore's layout: <root>/sha256/<first 2 hex>/<64 hex>.
  const blob = join(objects.location, 'sha256', hash.slice(0, 2), hash);
  const tmp = join(dirname(dest), `.${basename(dest)}.${randomName()}.slipway-tmp`);
  try {
    try {
      await copyFile(blob, tmp, constants.COPYFILE_FICLONE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || lstatOrUndefined(dirname(dest)) === undefined) throw err;
      throw missingBlob(objects, hash);
    }
    const handle = await open(tmp, 'r+');
    try {
      const actual = await digestHandle(handle, (await handle.stat()).size);
      if (actual.hash !== hash) {
        const message = `Blob ${hash} in ${objects.location} is corrupt: its bytes hash to ${actual.hash}`;
        throw new SlipwayError('DATA_CORRUPTION', message, { hash, actual: actual.hash, location: objects.location });
      }
      await handle.sync(); // the data must be on disk before the rename (and HashState) vouch for it
    } finally {
      await handle.close();
    }
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dirname(dest));
}

/**
 * Finds in `dir` everything the manifest does not place there: unlisted files, every symlink (one could
 * redirect a restore outside `dest`), special files, and folders holding nothing wanted; they go into
 * `doomed`. Regular files reached through real folders and wanted in place go into `present`.
 */
async function scan(
  absoluteDir: string,
  relativeDir: string,
  wanted: ReadonlyMap<string, ManifestEntry>,
  wantedDirs: ReadonlySet<string>,
  present: Set<string>,
  doomed: string[],
): Promise<void> {
  const entries: Dirent[] = await readdir(absoluteDir, { withFileTypes: true });
  for (const entry of entries) {
    const path = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    const absolutePath = absoluteDir + sep + entry.name;
    if (entry.isDirectory() && wantedDirs.has(path)) await scan(absolutePath, path, wanted, wantedDirs, present, doomed);
    else if (entry.isFile() && wanted.has(path)) present.add(path);
    else doomed.push(absolutePath);
  }
}

/** `dest` + a manifest path, refusing anything that would land outside dest (parseManifest already checks). */
function safeJoin(root: string, path: string, hash: string): string {
  const target = resolve(root, ...path.split('/'));
  const rel = relative(root, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new SlipwayError('DATA_CORRUPTION', `Manifest ${hash} has a path escaping the destination: ${path}`, { hash, path });
  }
  return target;
}

function missingBlob(objects: ObjectStore, hash: string): SlipwayError {
  return new SlipwayError('RESOURCE_DOES_NOT_EXIST', `Blob ${hash} does not exist in ${objects.location}`, {
    hash,
    location: objects.location,
  });
}
