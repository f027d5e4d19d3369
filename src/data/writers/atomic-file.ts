/**
 * A file that appears whole or not at all: bytes go to a temp file beside the destination (same folder,
 * so the final rename stays on one file system and is atomic), which replaces the destination only on
 * `commit`. Until then a reader of the destination sees its old content, or nothing.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { notFound } from '../../errors.js';

export class AtomicFile {
  private done = false;

  private constructor(
    /** Where the file lands on commit. */
    readonly path: string,
    /** Where the bytes go until then. */
    readonly tempPath: string,
    private readonly fh: FileHandle,
  ) {}

  static async create(path: string): Promise<AtomicFile> {
    const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    let fh: FileHandle;
    try {
      fh = await open(temp, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw notFound(`${path}: the folder ${dirname(path)} does not exist`, { file: path });
      }
      throw err;
    }
    return new AtomicFile(path, temp, fh);
  }

  async append(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      const { bytesWritten } = await this.fh.write(bytes, at, bytes.length - at);
      at += bytesWritten;
    }
  }

  /** Flushes to disk and moves the file into place. */
  async commit(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.fh.sync();
      await this.fh.close();
      await rename(this.tempPath, this.path);
    } catch (err) {
      await rm(this.tempPath, { force: true });
      throw err;
    }
  }

  /** Removes the temp file; the destination is untouched. Safe to call more than once, or after commit. */
  async discard(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.fh.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }
}
