import { join } from 'node:path';
import { invalid } from '../errors.js';
import type { Store } from '../store/index.js';
import { resolveProjectPath } from '../config/index.js';
import { type LockFile, type LockedPath, readLock, writeLock } from './lock-file.js';
import { toLocked } from './stage-state.js';
import { HashState, hashPath, materialize, storeOut } from './workspace/index.js';

/**
 * `slipway add PATH`: versions a data file or folder outside any stage (like `dvc add`). Its content
 * goes into the object store and its hash into slipway.lock, which git then versions.
 */
export async function addData(store: Store, root: string, paths: readonly string[], cwd: string = root): Promise<LockedPath[]> {
  const state = new HashState(join(root, '.slipway', 'state.db'));
  try {
    const lock = await readLock(root);
    const added: LockedPath[] = [];
    let data = [...lock.data];
    for (const p of paths) {
      const rel = projectRelative(root, cwd, p);
      const produced = Object.entries(lock.stages).find(([, s]) => s.outs.some((o) => o.path === rel));
      if (produced) throw invalid(`${rel} is an out of stage '${produced[0]}'; it is versioned by the pipeline already.`);
      const h = await storeOut(store.objects, root, rel, state);
      if (h.kind === 'missing') throw invalid(`Cannot add ${p}: no such file or folder.`);
      const entry = toLocked(rel, h);
      data = [...data.filter((d) => d.path !== rel), entry];
      added.push(entry);
    }
    await writeLock(root, { ...lock, data });
    return added;
  } finally {
    state.flush();
    state.close();
  }
}

export interface CheckoutResult {
  readonly path: string;
  readonly action: 'restored' | 'unchanged' | 'missing-from-store';
}

/**
 * `slipway checkout`: makes the workspace's tracked data and stage outs what slipway.lock says (after
 * `git checkout` of an older commit, say). Objects the store lacks are reported, never invented.
 */
export async function checkout(store: Store, root: string, targets: readonly string[] = []): Promise<CheckoutResult[]> {
  const lock: LockFile = await readLock(root);
  const state = new HashState(join(root, '.slipway', 'state.db'));
  const entries: LockedPath[] = [
    ...lock.data,
    ...Object.entries(lock.stages).filter(([name]) => targets.length === 0 || targets.includes(name)).flatMap(([, s]) => s.outs),
  ].filter((e) => e.cache !== false);
  try {
    const results: CheckoutResult[] = [];
    for (const e of entries) {
      const now = await hashPath(root, e.path, state);
      if (now.kind !== 'missing' && now.hash === e.hash) {
        results.push({ path: e.path, action: 'unchanged' });
        continue;
      }
      if (!(await store.objects.has(e.hash))) {
        results.push({ path: e.path, action: 'missing-from-store' });
        continue;
      }
      const kind = e.nfiles !== undefined ? 'directory' : 'file';
      await materialize(store.objects, { kind, hash: e.hash }, join(root, e.path), state);
      results.push({ path: e.path, action: 'restored' });
    }
    return results;
  } finally {
    state.flush();
    state.close();
  }
}

function projectRelative(root: string, cwd: string, p: string): string {
  const abs = join(cwd, p);
  const rel = abs.startsWith(`${root}/`) ? abs.slice(root.length + 1) : abs === root ? '.' : undefined;
  if (rel === undefined || rel === '.') throw invalid(`${p} is not inside the project folder ${root}.`);
  const r = resolveProjectPath(rel);
  if (!r.ok) throw invalid(`Cannot add ${p}: ${r.reason}.`);
  return r.path;
}
