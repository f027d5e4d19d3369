import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pipeline, Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { SlipwayError } from '../../errors.js';
import { parseManifest, serializeManifest } from './directory-manifest.js';
import { fsyncDir, randomName, readdirOrEmpty, statOrUndefined, writeAll } from './fs-helpers.js';
import { fileReadError, HASH_CHUNK_BYTES, isSha256Hex, sha256Bytes } from './hash-file.js';
import { mapLimit } from './map-limit.js';
import type { BlobRef, DirectoryRef, ManifestEntry, ObjectStore } from './object-store.js';
import { walkDirectory } from './walk-directory.js';

/** Files hashed/copied at once by putDirectory/getDirectory: enough to overlap I/O, few enough to spare fds. */
const DIRECTORY_CONCURRENCY = 8;

/**
 * Blobs in a local folder: `<root>/sha256/<first 2 hex>/<64 hex>`, sharded so no folder grows huge.
 * Every write goes to `<root>/tmp/` first and is renamed into place only once complete and fsynced,
 * so a blob path either does not exist or holds the full content; a crashed writer leaves at most
 * a stray temp file (see cleanTemp). tmp/ lives under the root so the rename never crosses filesystems.
 */
export class LocalObjectStore implements ObjectStore {
  readonly location: string;
  private readonly blobDir: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.location = resolve(root);
    this.blobDir = join(this.location, 'sha256');
    this.tmpDir = join(this.location, 'tmp');
  }

  async put(data: Uint8Array | string): Promise<BlobRef> {
    if (typeof data === 'string') return this.ingest([Buffer.from(data, 'utf8')]);
    if (data instanceof Uint8Array) return this.ingest([data]);
    throw new SlipwayError('INVALID_PARAMETER_VALUE', 'put() takes a Uint8Array or a string');
  }

  async putFile(path: string): Promise<BlobRef> {
    let source: FileHandle;
    try {
      source = await open(path, 'r');
    } catch (err) {
      throw fileReadError(err, path);
    }
    try {
      if (!(await source.stat()).isFile()) {
        throw new SlipwayError('INVALID_PARAMETER_VALUE', `Expected a regular file: ${path}`, { path });
      }
      return await this.ingest(source.createReadStream({ highWaterMark: HASH_CHUNK_BYTES, autoClose: false }));
    } finally {
      await source.close();
    }
  }

  async putStream(stream: Readable): Promise<BlobRef> {
    try {
      return await this.ingest(stream);
    } catch (err) {
      stream.destroy(); // a failed write (disk full, tmp/ unwritable) must not leave the producer blocked forever
      throw err;
    }
  }

  async putDirectory(dir: string): Promise<DirectoryRef> {
    const walked = await walkDirectory(dir);
    // Entries record what was actually hashed, so a file edited mid-walk cannot desync manifest and blob.
    const files: ManifestEntry[] = await mapLimit(walked, DIRECTORY_CONCURRENCY, async (file) => {
      const ref = await this.putFile(file.absolutePath);
      return { path: file.path, hash: ref.hash, size: ref.size };
    });
    const manifest = await this.put(serializeManifest(files));
    return { hash: manifest.hash, size: manifest.size, files };
  }

  async has(hash: string): Promise<boolean> {
    return (await this.stat(hash)) !== undefined;
  }

  async stat(hash: string): Promise<BlobRef | undefined> {
    const info = await statOrUndefined(this.blobPath(hash));
    return info?.isFile() ? { hash, size: info.size } : undefined;
  }

  async get(hash: string): Promise<Buffer> {
    const path = this.blobPath(hash);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw this.missingOr(err, hash);
    }
    const actual = sha256Bytes(bytes).hash;
    if (actual !== hash) throw this.corruption(hash, actual);
    return bytes;
  }

  async openRead(hash: string): Promise<Readable> {
    const path = this.blobPath(hash);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      throw this.missingOr(err, hash);
    }
    const hasher = createHash('sha256');
    const verify = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hasher.update(chunk);
        callback(null, chunk);
      },
      flush: (callback) => {
        const actual = hasher.digest('hex');
        callback(actual === hash ? null : this.corruption(hash, actual));
      },
    });
    // pipeline forwards source errors to `verify` and closes the file if the consumer stops early.
    pipeline(handle.createReadStream({ highWaterMark: HASH_CHUNK_BYTES }), verify, () => {});
    return verify;
  }

  async getToFile(hash: string, dest: string): Promise<void> {
    const source = await this.openRead(hash);
    // Beside dest, not in tmp/: dest may be on another filesystem, and rename must stay atomic.
    const tmp = join(dirname(dest), `.${basename(dest)}.${randomName()}.slipway-tmp`);
    try {
      await mkdir(dirname(dest), { recursive: true });
      const out = await open(tmp, 'wx');
      try {
        for await (const chunk of source) await writeAll(out, chunk as Buffer);
        await out.sync();
      } finally {
        await out.close();
      }
      await rename(tmp, dest);
    } catch (err) {
      source.destroy();
      await rm(tmp, { force: true });
      throw err;
    }
    await fsyncDir(dirname(dest));
  }

  async getManifest(hash: string): Promise<DirectoryRef> {
    const bytes = await this.get(hash);
    return { hash, size: bytes.length, files: parseManifest(bytes, hash) };
  }

  /** Restores into `dest`, overwriting same-named files; files already there but not in the manifest are kept. */
  async getDirectory(hash: string, dest: string): Promise<void> {
    const { files } = await this.getManifest(hash);
    const root = resolve(dest);
    await mkdir(root, { recursive: true });
    await mapLimit(files, DIRECTORY_CONCURRENCY, async (file) => {
      const target = resolve(root, ...file.path.split('/'));
      // parseManifest already refuses '..' and absolute paths; this also covers platform quirks such as drive letters.
      const rel = relative(root, target);
      if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
        throw new SlipwayError('DATA_CORRUPTION', `Manifest ${hash} has a path escaping the destination: ${file.path}`, {
          hash,
          path: file.path,
        });
      }
      await this.getToFile(file.hash, target);
    });
  }

  async delete(hash: string): Promise<void> {
    await rm(this.blobPath(hash), { force: true });
  }

  async *list(): AsyncIterable<string> {
    for (const shard of await readdirOrEmpty(this.blobDir)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdirOrEmpty(join(this.blobDir, shard))) {
        if (isSha256Hex(name) && name.startsWith(shard)) yield name;
      }
    }
  }

  /**
   * Removes temp files left by writers that crashed, returning how many were removed. A live writer's
   * temp file is touched on every chunk, so pick an age far beyond any stall (an hour is safe): removing
   * a live writer's temp file makes that write fail, never corrupts a blob.
   */
  async cleanTemp(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const name of await readdirOrEmpty(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      const info = await statOrUndefined(path);
      if (info?.isFile() && info.mtimeMs <= cutoff) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Copies chunks to a fresh temp file while hashing, then publishes it under its hash. */
  private async ingest(chunks: AsyncIterable<unknown> | Iterable<Uint8Array>): Promise<BlobRef> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, `${randomName()}.tmp`);
    const hasher = createHash('sha256');
    let size = 0;
    try {
      const out = await open(tmp, 'wx');
      try {
        for await (const chunk of chunks) {
          const bytes = toBytes(chunk);
          hasher.update(bytes);
          size += bytes.length;
          await writeAll(out, bytes);
        }
        // Data must be on disk before the rename makes it visible, or a power cut could publish a hole.
        await out.sync();
      } finally {
        await out.close();
      }
      const hash = hasher.digest('hex');
      await this.publish(tmp, hash, size);
      return { hash, size };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  private async publish(tmp: string, hash: string, size: number): Promise<void> {
    const dest = this.blobPath(hash);
    // Same address means same bytes, so an existing blob wins; a wrong-sized one is damaged and gets replaced.
    const existing = await statOrUndefined(dest);
    if (existing?.isFile() && existing.size === size) {
      await rm(tmp, { force: true });
      return;
    }
    await mkdir(dirname(dest), { recursive: true });
    try {
      await rename(tmp, dest);
    } catch (err) {
      // Windows refuses to rename over a file that a concurrent writer just published or a reader holds open.
      if ((await statOrUndefined(dest))?.size !== size) throw err;
      await rm(tmp, { force: true });
      return;
    }
    await fsyncDir(dirname(dest));
  }

  private blobPath(hash: string): string {
    if (!isSha256Hex(hash)) {
      throw new SlipwayError(
        'INVALID_PARAMETER_VALUE',
        `Invalid blob hash ${JSON.stringify(hash)}: expected a sha256 as 64 lowercase hex characters`,
        { hash },
      );
    }
    return join(this.blobDir, hash.slice(0, 2), hash);
  }

  private missingOr(err: unknown, hash: string): unknown {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return err;
    return new SlipwayError('RESOURCE_DOES_NOT_EXIST', `Blob ${hash} does not exist in ${this.location}`, {
      hash,
      location: this.location,
    });
  }

  private corruption(hash: string, actual: string): SlipwayError {
    return new SlipwayError(
      'DATA_CORRUPTION',
      `Blob ${hash} in ${this.location} is corrupt: its bytes hash to ${actual}`,
      { hash, actual, location: this.location },
    );
  }
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new SlipwayError('INVALID_PARAMETER_VALUE', 'putStream() needs a byte or string stream, not an object-mode stream');
}
