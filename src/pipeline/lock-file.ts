import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { invalid } from '../errors.js';

/**
 * `slipway.lock`: what each stage last ran with and produced, and the data `slipway add` tracks. It is
 * meant for git, so it is written in a stable order (stages as in the pipeline, paths sorted) and
 * atomically (temp file + rename): a crash never leaves half a lock.
 */
export interface LockedPath {
  readonly path: string;
  readonly hash: string;
  readonly size: number;
  /** Folders only: how many files the manifest lists. */
  readonly nfiles?: number;
  /** Outs only: false when the out is not kept in the object store (`cache: false`). */
  readonly cache?: boolean;
}

export interface LockedStage {
  readonly cmd: readonly string[];
  /** `uses:` stages: the kind and its arguments, as run. */
  readonly uses?: { readonly kind: string; readonly with: Readonly<Record<string, unknown>> };
  /** The stage's `env:` as run (absent when it has none). */
  readonly env?: Readonly<Record<string, string>>;
  readonly deps: readonly LockedPath[];
  /** params file → dotted key → value */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly outs: readonly LockedPath[];
  /** The stage's cache key (cmd, deps, params, out paths), as the run cache knows it. */
  readonly key: string;
}

export interface LockFile {
  readonly stages: Readonly<Record<string, LockedStage>>;
  /** Data tracked outside any stage (`slipway add`). */
  readonly data: readonly LockedPath[];
}

export const LOCK_FILE = 'slipway.lock';
export const EMPTY_LOCK: LockFile = Object.freeze({ stages: {}, data: [] });

export async function readLock(root: string): Promise<LockFile> {
  const file = join(root, LOCK_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_LOCK;
    throw err;
  }
  // Parsing YAML is the slowest step of a no-op run after the stat calls, so the parsed lock is kept
  // beside the store as JSON, keyed by the lock text's hash: any edit (git checkout included) misses.
  const digest = createHash('sha256').update(text).digest('hex');
  const cacheFile = join(root, '.slipway', 'lock-cache.json');
  try {
    const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { digest: string; lock: LockFile };
    if (cached.digest === digest) return cached.lock;
  } catch {
    // no cache yet, or a damaged one: parse below
  }
  const lock = parseLock(text, LOCK_FILE);
  await writeCache(cacheFile, digest, lock);
  return lock;
}

async function writeCache(cacheFile: string, digest: string, lock: LockFile): Promise<void> {
  try {
    await mkdir(join(cacheFile, '..'), { recursive: true });
    const tmp = `${cacheFile}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify({ digest, lock }));
    await rename(tmp, cacheFile);
  } catch {
    // only a cache
  }
}

export function parseLock(text: string, file = LOCK_FILE): LockFile {
  const doc = parseDocument(text, { prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0];
    throw invalid(`${file}:${line ? `${line.line}:${line.col}` : '?'}: ${first.message.split('\n')[0]} (fix or delete the lock; \`slipway run\` rewrites it)`);
  }
  const raw = (doc.toJS() ?? {}) as { schema?: unknown; stages?: unknown; data?: unknown };
  if (typeof raw !== 'object' || raw === null) throw invalid(`${file}: expected a mapping with 'stages' and 'data'.`);
  const stages: Record<string, LockedStage> = {};
  for (const [name, s] of Object.entries((raw.stages ?? {}) as Record<string, Partial<LockedStage> & { cmd?: unknown }>)) {
    if (typeof s !== 'object' || s === null || typeof s.key !== 'string') throw invalid(`${file}: stage '${name}' has no key; delete its entry to re-run it.`);
    stages[name] = {
      cmd: Array.isArray(s.cmd) ? s.cmd.map(String) : s.cmd === undefined ? [] : [String(s.cmd)],
      ...(s.uses ? { uses: s.uses } : {}),
      ...(s.env && typeof s.env === 'object' ? { env: s.env } : {}),
      deps: checkPaths(file, name, 'deps', s.deps),
      params: (s.params ?? {}) as LockedStage['params'],
      outs: checkPaths(file, name, 'outs', s.outs),
      key: s.key,
    };
  }
  return { stages, data: checkPaths(file, 'data', 'data', raw.data) };
}

function checkPaths(file: string, stage: string, field: string, v: unknown): LockedPath[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid(`${file}: ${stage}.${field} must be a list.`);
  return v.map((p: Partial<LockedPath>, i) => {
    if (typeof p?.path !== 'string' || typeof p.hash !== 'string' || !/^[0-9a-f]{64}$/.test(p.hash)) {
      throw invalid(`${file}: ${stage}.${field}[${i}] needs a path and a sha256 hash.`);
    }
    return { path: p.path, hash: p.hash, size: Number(p.size ?? 0), ...(p.nfiles !== undefined ? { nfiles: Number(p.nfiles) } : {}), ...(p.cache === false ? { cache: false } : {}) };
  });
}

/** Serialises in a stable order: stages in `order` (then any others by name), paths sorted. */
export function formatLock(lock: LockFile, order: readonly string[] = []): string {
  const names = [...order.filter((n) => n in lock.stages), ...Object.keys(lock.stages).filter((n) => !order.includes(n)).sort()];
  const stages: Record<string, unknown> = {};
  for (const n of names) {
    const s = lock.stages[n] as LockedStage;
    const params: Record<string, Record<string, unknown>> = {};
    for (const f of Object.keys(s.params).sort()) {
      const values = s.params[f] ?? {};
      params[f] = Object.fromEntries(Object.keys(values).sort().map((k) => [k, values[k]]));
    }
    stages[n] = {
      cmd: s.cmd.length === 1 ? s.cmd[0] : [...s.cmd],
      ...(s.uses ? { uses: s.uses } : {}),
      ...(s.env ? { env: s.env } : {}),
      key: s.key,
      ...(s.deps.length ? { deps: sortPaths(s.deps) } : {}),
      ...(Object.keys(params).length ? { params } : {}),
      ...(s.outs.length ? { outs: sortPaths(s.outs) } : {}),
    };
  }
  const doc: Record<string, unknown> = { schema: '1' };
  if (names.length) doc.stages = stages;
  if (lock.data.length) doc.data = sortPaths(lock.data);
  return stringify(doc, { lineWidth: 0 });
}

function sortPaths(paths: readonly LockedPath[]): LockedPath[] {
  return [...paths].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((p) => ({ ...p }));
}

export async function writeLock(root: string, lock: LockFile, order: readonly string[] = []): Promise<void> {
  const file = join(root, LOCK_FILE);
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const text = formatLock(lock, order);
  await writeFile(tmp, text);
  await rename(tmp, file);
  await writeCache(join(root, '.slipway', 'lock-cache.json'), createHash('sha256').update(text).digest('hex'), parseLock(text));
}
