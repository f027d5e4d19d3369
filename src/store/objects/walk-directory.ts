import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SlipwayError } from '../../errors.js';
import { comparePaths, unsafePathReason } from './directory-manifest.js';
import { fileReadError } from './hash-file.js';

export interface WalkedFile {
  /** Relative to the walked folder, '/'-separated on every platform. */
  readonly path: string;
  readonly absolutePath: string;
}

/**
 * Every regular file under `dir`, sorted by relative path. Symlinks and special files are refused
 * rather than followed or skipped: following could pull in files from outside the folder, and
 * skipping would silently store a different tree than the one the user pointed at.
 */
export async function walkDirectory(dir: string): Promise<WalkedFile[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch (err) {
    throw fileReadError(err, dir);
  }
  if (!info.isDirectory()) {
    throw new SlipwayError('INVALID_PARAMETER_VALUE', `Expected a directory but found a file: ${dir}`, { path: dir });
  }
  const files: WalkedFile[] = [];
  await walkInto(dir, '', files);
  return files.sort((a, b) => comparePaths(a.path, b.path));
}

async function walkInto(absoluteDir: string, relativeDir: string, out: WalkedFile[]): Promise<void> {
  const entries = await readdir(absoluteDir, { withFileTypes: true });
  for (const entry of entries) {
    const path = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    const absolutePath = join(absoluteDir, entry.name);
    if (entry.isSymbolicLink()) {
      throw new SlipwayError(
        'INVALID_PARAMETER_VALUE',
        `Cannot store ${absolutePath}: symbolic links are not supported in stored directories; replace it with a copy of its target`,
        { path: absolutePath },
      );
    }
    if (entry.isDirectory()) {
      await walkInto(absolutePath, path, out);
    } else if (entry.isFile()) {
      const unsafe = unsafePathReason(path);
      if (unsafe) {
        throw new SlipwayError('INVALID_PARAMETER_VALUE', `Cannot store ${absolutePath}: its relative path ${unsafe}`, {
          path: absolutePath,
        });
      }
      out.push({ path, absolutePath });
    } else {
      throw new SlipwayError(
        'INVALID_PARAMETER_VALUE',
        `Cannot store ${absolutePath}: only regular files and folders can be stored (found a socket, FIFO or device)`,
        { path: absolutePath },
      );
    }
  }
}
