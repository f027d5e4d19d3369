/**
 * Paths written in a pipeline are relative to the stage's wdir; everything downstream wants them
 * relative to the project root, '/'-separated and normalized, so two spellings of one file compare equal.
 */
import { posix } from 'node:path';

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

const WINDOWS_ABSOLUTE = /^[A-Za-z]:[\\/]/;

/** Resolves `written` against `wdir` (itself project-relative); refuses absolute and escaping paths. */
export function resolveProjectPath(written: string, wdir = '.'): PathCheck {
  // Backslashes: a pipeline written on Windows must resolve to the same out on Linux CI.
  const p = written.replace(/\\/g, '/');
  if (p.trim() === '') return { ok: false, reason: 'expected a path, got an empty string' };
  if (p.startsWith('/') || WINDOWS_ABSOLUTE.test(written)) {
    return { ok: false, reason: `absolute path '${written}' is not allowed; write it relative to the project` };
  }
  const joined = posix.normalize(posix.join(wdir, p));
  const trimmed = joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined;
  if (trimmed === '..' || trimmed.startsWith('../')) {
    return { ok: false, reason: `path '${written}' escapes the project root` };
  }
  return { ok: true, path: trimmed };
}
