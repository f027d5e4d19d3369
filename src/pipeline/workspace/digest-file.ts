import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { SlipwayError } from '../../errors.js';
import type { FileStamp } from './hash-state.js';

/**
 * Read size for hashing. Measured on a 1 GiB page-cached file: 1 MiB and 8 MiB double-buffered reads both
 * reach sha256's in-memory speed; 8 MiB halves the syscalls and thread-pool round trips for big files.
 */
export const READ_CHUNK_BYTES = 8 * 1024 * 1024;

/** O_NOFOLLOW: a file swapped for a symlink between the directory walk and the open is refused, not followed. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** A file changing under every attempt is being written right now; its hash would mean nothing. */
const ATTEMPTS = 3;

export interface FileDigest {
  readonly hash: string;
  readonly size: number;
  /** The file's stamp while it was read, for HashState. */
  readonly stamp: FileStamp;
  /** Date.now() just before reading began, for HashState's racy-mtime guard. */
  readonly hashedAtMs: number;
}

/**
 * sha256 of a regular file, with the stamp it had while being read. The stamp is taken from the open
 * descriptor before and after reading; if they differ the file changed mid-read and it is read again.
 */
export async function digestFile(path: string): Promise<FileDigest> {
  for (let attempt = 1; ; attempt++) {
    const hashedAtMs = Date.now();
    let handle: FileHandle;
    try {
      handle = await open(path, OPEN_FLAGS);
    } catch (err) {
      throw openError(err, path);
    }
    try {
      const before = await handle.stat();
      if (!before.isFile()) throw notRegularFile(path);
      const { hash, size } = await digestHandle(handle, before.size);
      const after = await handle.stat();
      if (size === before.size && after.size === before.size && after.mtimeMs === before.mtimeMs) {
        return { hash, size, stamp: { size, mtimeMs: before.mtimeMs, ino: before.ino }, hashedAtMs };
      }
    } finally {
      await handle.close();
    }
    if (attempt >= ATTEMPTS) {
      const message = `${path} kept changing while it was being hashed; is something still writing it?`;
      throw new SlipwayError('RESOURCE_CONFLICT', message, { path });
    }
  }
}

/**
 * sha256 of an open file from offset 0. Two buffers alternate so the thread pool reads the next chunk while
 * this thread hashes the current one: hashing then runs at sha256 speed instead of sha256 + read time.
 * `expectedSize` (from fstat) ends the loop without a final empty read; callers re-check the size after.
 */
export async function digestHandle(handle: FileHandle, expectedSize: number): Promise<{ hash: string; size: number }> {
  const hasher = createHash('sha256');
  const bufferSize = Math.min(READ_CHUNK_BYTES, Math.max(expectedSize, 1));
  const buffers = [Buffer.allocUnsafe(bufferSize)];
  if (expectedSize > bufferSize) buffers.push(Buffer.allocUnsafe(bufferSize));
  let index = 0;
  let total = 0;
  let pending = handle.read(buffers[0] as Buffer, 0, bufferSize, 0);
  for (;;) {
    const { bytesRead, buffer } = await pending;
    if (bytesRead === 0) break;
    total += bytesRead;
    const done = total >= expectedSize;
    const chunk = buffer.subarray(0, bytesRead);
    if (done) {
      hasher.update(chunk);
      break;
    }
    if (buffers.length === 2) {
      index ^= 1;
      pending = handle.read(buffers[index] as Buffer, 0, bufferSize, total);
      hasher.update(chunk);
    } else {
      // One buffer (the file grew past its stat): hash before reusing it, or the read would overwrite it mid-hash.
      hasher.update(chunk);
      pending = handle.read(buffer, 0, bufferSize, total);
    }
  }
  return { hash: hasher.digest('hex'), size: total };
}

export function symlinkError(path: string): SlipwayError {
  return new SlipwayError(
    'INVALID_PARAMETER_VALUE',
    `${path} is a symbolic link: pipeline deps and outs must be regular files or folders; replace it with a copy of its target`,
    { path },
  );
}

export function notRegularFile(path: string): SlipwayError {
  return new SlipwayError(
    'INVALID_PARAMETER_VALUE',
    `${path} is not a regular file or folder (a socket, FIFO or device); pipelines can only track files and folders`,
    { path },
  );
}

function openError(err: unknown, path: string): unknown {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ELOOP':
    case 'EMLINK': // what BSDs return for O_NOFOLLOW on a link
      return symlinkError(path);
    case 'ENOENT':
      return new SlipwayError('RESOURCE_DOES_NOT_EXIST', `File not found: ${path}`, { path }, { cause: err });
    default:
      return err;
  }
}
