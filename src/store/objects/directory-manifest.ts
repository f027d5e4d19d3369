import { SlipwayError } from '../../errors.js';
import { isSha256Hex } from './hash-file.js';
import type { ManifestEntry } from './object-store.js';

export const MANIFEST_KIND = 'slipway.directory/v1';

/**
 * Why a manifest path is unsafe to join onto a restore folder, or undefined when it is fine.
 * Manifests come from storage that may be shared or tampered with, so restore trusts none of it.
 */
export function unsafePathReason(path: string): string | undefined {
  if (path.length === 0) return 'it is empty';
  if (path.startsWith('/')) return 'it is absolute';
  if (path.includes('\\')) return 'it contains a backslash';
  if (path.includes('\0')) return 'it contains a NUL byte';
  for (const segment of path.split('/')) {
    if (segment === '') return 'it has an empty segment';
    if (segment === '.' || segment === '..') return `it has a '${segment}' segment`;
  }
  return undefined;
}

/** Code-unit order, not locale order: the manifest bytes (and so its hash) must not depend on the machine. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical JSON: fixed key order, files sorted by path, no whitespace, so equal trees get equal hashes. */
export function serializeManifest(files: readonly ManifestEntry[]): string {
  const sorted = [...files].sort((a, b) => comparePaths(a.path, b.path));
  return JSON.stringify({
    kind: MANIFEST_KIND,
    files: sorted.map((f) => ({ path: f.path, hash: f.hash, size: f.size })),
  });
}

/** Parses and validates manifest bytes; anything off means the stored blob is not a manifest we wrote. */
export function parseManifest(bytes: Buffer, hash: string): ManifestEntry[] {
  const corrupt = (why: string, context: Record<string, unknown> = {}) =>
    new SlipwayError('DATA_CORRUPTION', `Blob ${hash} is not a valid directory manifest: ${why}`, { hash, ...context });

  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw corrupt('it is not JSON');
  }
  if (typeof doc !== 'object' || doc === null) throw corrupt('it is not a JSON object');
  const { kind, files } = doc as { kind?: unknown; files?: unknown };
  if (kind !== MANIFEST_KIND) throw corrupt(`its kind is ${JSON.stringify(kind)}, expected '${MANIFEST_KIND}'`);
  if (!Array.isArray(files)) throw corrupt("'files' is not an array");

  const entries: ManifestEntry[] = [];
  const paths = new Set<string>();
  for (const raw of files as unknown[]) {
    if (typeof raw !== 'object' || raw === null) throw corrupt('a file entry is not an object');
    const { path, hash: fileHash, size } = raw as { path?: unknown; hash?: unknown; size?: unknown };
    if (typeof path !== 'string') throw corrupt('a file entry has no string path');
    const unsafe = unsafePathReason(path);
    if (unsafe) throw corrupt(`path ${JSON.stringify(path)} is unsafe: ${unsafe}`, { path });
    if (!isSha256Hex(fileHash)) throw corrupt(`file ${JSON.stringify(path)} has an invalid hash`, { path });
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw corrupt(`file ${JSON.stringify(path)} has an invalid size`, { path });
    }
    const previous = entries.at(-1);
    if (previous && comparePaths(previous.path, path) >= 0) {
      throw corrupt(`paths are not strictly sorted at ${JSON.stringify(path)}`, { path });
    }
    entries.push({ path, hash: fileHash, size });
    paths.add(path);
  }
  // A path that is also a parent of another path ('a' and 'a/b') cannot be restored as both a file and a folder.
  for (const { path } of entries) {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/');
      if (paths.has(parent)) throw corrupt(`${JSON.stringify(parent)} is both a file and a folder`, { path: parent });
    }
  }
  return entries;
}
