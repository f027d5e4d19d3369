import type { Readable } from 'node:stream';

/** A blob's content address: lowercase hex sha256 of its bytes, and its size in bytes. */
export interface BlobRef {
  readonly hash: string;
  readonly size: number;
}

/** One file of a stored directory. Paths are relative, '/'-separated, sorted, never '..' or absolute. */
export interface ManifestEntry {
  readonly path: string;
  readonly hash: string;
  readonly size: number;
}

/** A directory stored as a manifest blob (sorted JSON of its files); the manifest's own hash names the directory. */
export interface DirectoryRef extends BlobRef {
  readonly files: readonly ManifestEntry[];
}

/**
 * Content-addressed blob storage. One interface, two implementations: a local folder (embedded
 * default) and an S3-compatible bucket (at scale). Writes are atomic and idempotent (the same
 * content written twice, even concurrently, is one blob); reads verify the hash and throw a
 * `SlipwayError('DATA_CORRUPTION')` when the bytes do not match their address.
 */
export interface ObjectStore {
  /** Where the store lives, for messages: a folder or an `s3://bucket/prefix` URL. */
  readonly location: string;
  put(data: Uint8Array | string): Promise<BlobRef>;
  /** Streams a file in, hashing as it copies; never holds the whole file in memory. */
  putFile(path: string): Promise<BlobRef>;
  putStream(stream: Readable): Promise<BlobRef>;
  /** Stores every file under `dir` and a manifest of them; returns the manifest's address. */
  putDirectory(dir: string): Promise<DirectoryRef>;
  has(hash: string): Promise<boolean>;
  /** Size of a stored blob, or undefined when absent. */
  stat(hash: string): Promise<BlobRef | undefined>;
  /** Whole blob in memory, verified. */
  get(hash: string): Promise<Buffer>;
  /** A stream of the blob that errors (DATA_CORRUPTION) at its end when the bytes do not hash to `hash`. */
  openRead(hash: string): Promise<Readable>;
  /** Writes the blob to `dest` atomically (temp file + rename), verified before the rename. */
  getToFile(hash: string, dest: string): Promise<void>;
  /** Reads and validates a manifest written by putDirectory. */
  getManifest(hash: string): Promise<DirectoryRef>;
  /** Restores a directory from its manifest into `dest` (created if needed), each file atomically. */
  getDirectory(hash: string, dest: string): Promise<void>;
  /** Removes a blob (garbage collection); absent blobs are not an error. */
  delete(hash: string): Promise<void>;
  /** Every stored hash (for gc and verification). */
  list(): AsyncIterable<string>;
}
