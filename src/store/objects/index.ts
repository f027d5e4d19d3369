import { fileURLToPath } from 'node:url';
import { SlipwayError } from '../../errors.js';
import { LocalObjectStore } from './local-object-store.js';
import type { ObjectStore } from './object-store.js';

export type { BlobRef, DirectoryRef, ManifestEntry, ObjectStore } from './object-store.js';
export { LocalObjectStore } from './local-object-store.js';
export { sha256Bytes, sha256File } from './hash-file.js';

/** Opens the store a config or CLI flag names: a folder path or `file://` URL today, `s3://` in a later release. */
export function openObjectStore(location: string): ObjectStore {
  if (location.trim() === '') {
    throw new SlipwayError('INVALID_PARAMETER_VALUE', 'Object store location is empty: give a folder path');
  }
  if (/^s3:\/\//i.test(location)) {
    throw new SlipwayError(
      'INVALID_PARAMETER_VALUE',
      `S3 object store is not available in this build yet (${location}); use a local folder path for now`,
      { location },
    );
  }
  if (/^file:\/\//i.test(location)) return new LocalObjectStore(fileURLToPath(location));
  // Any other URL scheme (gs://, http://) would otherwise be silently created as a local folder named "gs:".
  const scheme = /^([a-z][a-z0-9+.-]+):\/\//i.exec(location)?.[1];
  if (scheme) {
    throw new SlipwayError(
      'INVALID_PARAMETER_VALUE',
      `Unsupported object store location ${location}: expected a folder path (or s3:// in a later release)`,
      { location, scheme },
    );
  }
  return new LocalObjectStore(location);
}
export { serializeManifest, unsafePathReason } from './directory-manifest.js';
// Shared with the pipeline workspace, which stores and restores outs with the same guarantees.
export { comparePaths } from './directory-manifest.js';
export { fsyncDir, randomName } from './fs-helpers.js';
export { isSha256Hex } from './hash-file.js';
export { mapLimit } from './map-limit.js';
