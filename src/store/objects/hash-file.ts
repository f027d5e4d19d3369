import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { SlipwayError } from '../../errors.js';
import type { BlobRef } from './object-store.js';

/** Big reads: the default 64 KiB chunks make hashing multi-GB datasets syscall-bound. */
export const HASH_CHUNK_BYTES = 1024 * 1024;

/** The only shape a blob address may take; anything else could smuggle a path through a hash. */
export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/** Hashes a file by streaming it, so files larger than memory can be addressed. */
export async function sha256File(path: string): Promise<BlobRef> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: HASH_CHUNK_BYTES })) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      size += bytes.length;
    }
  } catch (err) {
    throw fileReadError(err, path);
  }
  return { hash: hash.digest('hex'), size };
}

/** Strings are hashed as their UTF-8 bytes, the same bytes `put` stores. */
export function sha256Bytes(data: Uint8Array | string): BlobRef {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { hash: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

/** Turns the common fs failures on a caller-named file into SlipwayErrors; leaves the rest alone. */
export function fileReadError(err: unknown, path: string): unknown {
  switch ((err as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return new SlipwayError('RESOURCE_DOES_NOT_EXIST', `File not found: ${path}`, { path }, { cause: err });
    case 'EISDIR':
      return new SlipwayError('INVALID_PARAMETER_VALUE', `Expected a file but found a directory: ${path}`, { path }, { cause: err });
    default:
      return err;
  }
}
