import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { invalid, notFound } from '../errors.js';
import type { BlobRef, DirectoryRef } from '../store/index.js';
import { serializeManifest, unsafePathReason } from '../store/index.js';
import type { Store } from '../store/index.js';
import { requireActiveRun, getRunInfo } from './runs.js';
import type { ArtifactEntry } from './types.js';

/**
 * A run's artifacts are a tree of paths, each pointing at a content-addressed blob. Logging the same
 * bytes twice (in one run or across runs) stores them once.
 */

/** Normalises a user-given artifact path: '/'-separated, relative, no '.', '..' or empty segments. */
export function normalizeArtifactPath(path: string | undefined): string {
  if (path === undefined) return '';
  if (path.startsWith('/')) throw invalid(`Invalid artifact path '${path}': it is absolute; give a path relative to the run's artifact root.`);
  const trimmed = path.replace(/\/+$/g, '');
  if (trimmed === '') return '';
  const why = unsafePathReason(trimmed);
  if (why) throw invalid(`Invalid artifact path '${path}': ${why}.`);
  return trimmed;
}

/** Logs a local file or folder under `artifactPath` (a folder inside the run's artifact tree). */
export async function logArtifact(store: Store, runId: string, localPath: string, artifactPath?: string): Promise<ArtifactEntry[]> {
  await requireActiveRun(store, runId);
  const base = normalizeArtifactPath(artifactPath);
  const info = await stat(localPath).catch(() => undefined);
  if (!info) throw notFound(`No file or folder at ${localPath} to log as an artifact.`);
  if (info.isDirectory()) {
    const dir = await store.objects.putDirectory(localPath);
    const prefix = joinPath(base, basename(localPath));
    await recordArtifacts(store, runId, dir.files.map((f) => ({ path: joinPath(prefix, f.path), hash: f.hash, size: f.size })));
    return dir.files.map((f) => ({ path: joinPath(prefix, f.path), is_dir: false, file_size: f.size, hash: f.hash }));
  }
  const blob = await store.objects.putFile(localPath);
  const path = joinPath(base, basename(localPath));
  await recordArtifacts(store, runId, [{ path, ...blob }]);
  return [{ path, is_dir: false, file_size: blob.size, hash: blob.hash }];
}

/** Stores bytes (or a stream) at an exact artifact path: what the MLflow artifact proxy's PUT does. */
export async function putArtifact(store: Store, runId: string, path: string, data: Uint8Array | string | Readable): Promise<ArtifactEntry> {
  await requireActiveRun(store, runId);
  const p = normalizeArtifactPath(path);
  if (p === '') throw invalid('An artifact needs a file path, not the artifact root.');
  const blob = typeof data === 'string' || data instanceof Uint8Array ? await store.objects.put(data) : await store.objects.putStream(data);
  await recordArtifacts(store, runId, [{ path: p, ...blob }]);
  return { path: p, is_dir: false, file_size: blob.size, hash: blob.hash };
}

async function recordArtifacts(store: Store, runId: string, files: readonly ({ path: string } & BlobRef)[]) {
  const now = store.now();
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < files.length; i += 500) {
      await trx
        .insertInto('artifacts')
        .values(files.slice(i, i + 500).map((f) => ({ run_uuid: runId, path: f.path, hash: f.hash, size: f.size, created_time: now })))
        .onConflict((oc) =>
          oc.columns(['run_uuid', 'path']).doUpdateSet((eb) => ({
            hash: eb.ref('excluded.hash'), size: eb.ref('excluded.size'), created_time: eb.ref('excluded.created_time'),
          })),
        )
        .execute();
    }
  });
}

/** The immediate children of `path` (files and folders), sorted by path, as MLflow's list-artifacts. */
export async function listArtifacts(store: Store, runId: string, path?: string): Promise<ArtifactEntry[]> {
  await getRunInfo(store, runId);
  const dir = normalizeArtifactPath(path);
  const rows = await filesUnder(store, runId, dir);
  const children = new Map<string, ArtifactEntry>();
  for (const r of rows) {
    if (r.path === dir) continue; // `path` names a file: MLflow lists nothing for it
    const rest = dir === '' ? r.path : r.path.slice(dir.length + 1);
    const slash = rest.indexOf('/');
    if (slash === -1) children.set(r.path, { path: r.path, is_dir: false, file_size: r.size, hash: r.hash });
    else {
      const sub = joinPath(dir, rest.slice(0, slash));
      if (!children.has(sub)) children.set(sub, { path: sub, is_dir: true });
    }
  }
  return [...children.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every file in the run's artifact tree, recursively. */
export async function listAllArtifacts(store: Store, runId: string): Promise<ArtifactEntry[]> {
  await getRunInfo(store, runId);
  const rows = await filesUnder(store, runId, '');
  return rows.map((r) => ({ path: r.path, is_dir: false, file_size: r.size, hash: r.hash }));
}

/**
 * Resolves an artifact path to its content: a file's blob, or for a folder a manifest of the files
 * under it (stored so the folder itself has a content address, e.g. for registering a model folder).
 */
export async function resolveArtifact(store: Store, runId: string, path: string): Promise<{ kind: 'file' } & BlobRef | { kind: 'directory' } & DirectoryRef> {
  await getRunInfo(store, runId);
  const p = normalizeArtifactPath(path);
  const rows = await filesUnder(store, runId, p);
  const exact = rows.find((r) => r.path === p);
  if (exact) return { kind: 'file', hash: exact.hash, size: exact.size };
  if (rows.length === 0) throw notFound(`No artifact at '${path}' in run ${runId}.`);
  const files = rows.map((r) => ({ path: p === '' ? r.path : r.path.slice(p.length + 1), hash: r.hash, size: r.size }));
  const manifest = await store.objects.put(serializeManifest(files));
  return { kind: 'directory', ...manifest, files };
}

/** Copies an artifact file or folder out of the store to `dest`, verified. */
export async function downloadArtifact(store: Store, runId: string, path: string, dest: string): Promise<{ kind: 'file' | 'directory'; files: number }> {
  const ref = await resolveArtifact(store, runId, path);
  if (ref.kind === 'file') {
    await store.objects.getToFile(ref.hash, dest);
    return { kind: 'file', files: 1 };
  }
  await store.objects.getDirectory(ref.hash, dest);
  return { kind: 'directory', files: ref.files.length };
}

/** Opens one artifact file as a verified stream. */
export async function openArtifact(store: Store, runId: string, path: string): Promise<{ stream: Readable; size: number }> {
  const ref = await resolveArtifact(store, runId, path);
  if (ref.kind !== 'file') throw invalid(`Artifact '${path}' of run ${runId} is a folder, not a file.`);
  return { stream: await store.objects.openRead(ref.hash), size: ref.size };
}

/** Forgets an artifact file or folder from the run (blobs stay until garbage collection; others may share them). */
export async function deleteArtifact(store: Store, runId: string, path: string): Promise<number> {
  await requireActiveRun(store, runId);
  const p = normalizeArtifactPath(path);
  if (p === '') throw invalid('Refusing to delete the whole artifact root; name a path.');
  const rows = await filesUnder(store, runId, p);
  if (rows.length === 0) throw notFound(`No artifact at '${path}' in run ${runId}.`);
  await store.db.deleteFrom('artifacts').where('run_uuid', '=', runId).where('path', 'in', rows.map((r) => r.path)).execute();
  return rows.length;
}

/** Files at `dir` or below it. A prefix range on the primary key, not LIKE, so '%' and '_' in names are plain characters. */
async function filesUnder(store: Store, runId: string, dir: string) {
  let q = store.db.selectFrom('artifacts').select(['path', 'hash', 'size']).where('run_uuid', '=', runId);
  if (dir !== '') {
    q = q.where((eb) => eb.or([eb('path', '=', dir), eb.and([eb('path', '>', `${dir}/`), eb('path', '<', `${dir}/\uffff`)])]));
  }
  const rows = await q.orderBy('path').execute();
  return rows
    .filter((r) => dir === '' || r.path === dir || r.path.startsWith(`${dir}/`))
    .map((r) => ({ path: r.path, hash: r.hash, size: Number(r.size) }));
}

function joinPath(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}
