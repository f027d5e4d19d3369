import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { invalid, notFound, SlipwayError } from '../../errors.js';
import { randomName, sha256Bytes, sha256File } from '../../store/index.js';
import { normalizeArtifactPath } from '../artifacts.js';
import type { ArtifactEntry, Run } from '../types.js';
import type { MlflowHttp } from './mlflow-http.js';
import { toArtifactEntry } from './mlflow-json.js';
import type { TrackingClient } from './tracking-client.js';

type ArtifactOps = Pick<TrackingClient, 'putArtifact' | 'logArtifact' | 'listArtifacts' | 'openArtifact' | 'downloadArtifact'>;

const PROXY = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * A run's artifacts through the server's artifact proxy, as MLflow's client does for a run whose
 * `artifact_uri` is `mlflow-artifacts:/<experiment>/<run>/artifacts`: PUT and GET one file per
 * request at that path, and `artifacts/list` for folders. Hashes are computed here, so what this
 * returns matches what the local store would; downloads are checked against the server's hash when it
 * sends one.
 */
export function remoteArtifacts(http: MlflowHttp, getRun: (runId: string) => Promise<Run>): ArtifactOps {
  // A run's artifact root never changes; look it up once per run.
  const roots = new Map<string, Promise<string>>();
  const root = (runId: string) => {
    let r = roots.get(runId);
    if (!r) {
      r = getRun(runId).then((run) => proxyRoot(run, http.url));
      r.catch(() => roots.delete(runId));
      roots.set(runId, r);
    }
    return r;
  };
  const url = async (runId: string, path: string) => `${PROXY}/${await root(runId)}/${path.split('/').map(encodeURIComponent).join('/')}`;

  const putFile = async (runId: string, path: string, localFile: string): Promise<ArtifactEntry> => {
    const blob = await sha256File(localFile);
    await http.send('PUT', await url(runId, path), {
      body: () => Readable.toWeb(createReadStream(localFile)) as ReadableStream,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
    });
    return { path, is_dir: false, file_size: blob.size, hash: blob.hash };
  };

  const list = async (runId: string, path: string): Promise<ArtifactEntry[]> => {
    const res = await http.call<{ files?: unknown[] }>('GET', 'artifacts/list', { run_id: runId, ...(path ? { path } : {}) });
    return (res.files ?? []).map(toArtifactEntry).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  };

  const filesUnder = async (runId: string, path: string): Promise<ArtifactEntry[]> => {
    const out: ArtifactEntry[] = [];
    for (const e of await list(runId, path)) {
      if (e.is_dir) out.push(...(await filesUnder(runId, e.path)));
      else out.push(e);
    }
    return out;
  };

  const open = async (runId: string, path: string) => {
    const p = normalizeArtifactPath(path);
    if (p === '') throw invalid(`Artifact '' of run ${runId} is a folder, not a file.`);
    const res = await http.send('GET', await url(runId, p));
    if (!res.body) throw notFound(`No artifact at '${path}' in run ${runId}.`);
    return { stream: Readable.fromWeb(res.body as WebReadableStream), size: Number(res.headers.get('content-length') ?? 0) };
  };

  const fetchTo = async (runId: string, entry: { path: string; hash?: string }, dest: string) => {
    await mkdir(dirname(dest), { recursive: true });
    const tmp = join(dirname(dest), `.${basename(dest)}.${randomName()}.tmp`);
    try {
      const { stream } = await open(runId, entry.path);
      await pipeline(stream, createWriteStream(tmp));
      if (entry.hash) {
        const got = (await sha256File(tmp)).hash;
        if (got !== entry.hash) throw new SlipwayError('DATA_CORRUPTION', `Artifact '${entry.path}' of run ${runId} arrived with sha256 ${got}, not the ${entry.hash} the server lists; nothing was written.`);
      }
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  };

  return {
    async putArtifact(runId, path, data) {
      const p = normalizeArtifactPath(path);
      if (p === '') throw invalid('An artifact needs a file path, not the artifact root.');
      // Held in memory so a retried upload can send the same bytes again.
      const bytes = typeof data === 'string' ? Buffer.from(data) : data instanceof Uint8Array ? data : await readAll(data);
      const blob = sha256Bytes(bytes);
      await http.send('PUT', await url(runId, p), { body: () => new Uint8Array(bytes), headers: { 'content-type': 'application/octet-stream' } });
      return { path: p, is_dir: false, file_size: blob.size, hash: blob.hash };
    },
    async logArtifact(runId, localPath, artifactPath) {
      const base = normalizeArtifactPath(artifactPath);
      const info = await stat(localPath).catch(() => undefined);
      if (!info) throw notFound(`No file or folder at ${localPath} to log as an artifact.`);
      const prefix = joinPath(base, basename(localPath));
      if (!info.isDirectory()) return [await putFile(runId, prefix, localPath)];
      const out: ArtifactEntry[] = [];
      for (const file of await filesOf(localPath)) out.push(await putFile(runId, joinPath(prefix, file), join(localPath, file)));
      return out;
    },
    async listArtifacts(runId, path) {
      return list(runId, normalizeArtifactPath(path));
    },
    openArtifact: open,
    async downloadArtifact(runId, path, dest) {
      const p = normalizeArtifactPath(path);
      const files = await filesUnder(runId, p);
      // MLflow lists nothing for a file's own path: an empty listing means a file (or nothing, which the GET reports).
      if (files.length === 0) {
        await fetchTo(runId, { path: p }, dest);
        return { kind: 'file', files: 1 };
      }
      for (const f of files) await fetchTo(runId, f, join(dest, p === '' ? f.path : f.path.slice(p.length + 1)));
      return { kind: 'directory', files: files.length };
    },
  };
}

/** `mlflow-artifacts:/1/<run>/artifacts` (optionally with `//host` after the scheme) → `1/<run>/artifacts`. */
function proxyRoot(run: Run, server: string): string {
  const uri = run.info.artifact_uri;
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.+?)\/*$/.exec(uri);
  if (!m?.[1]) {
    throw invalid(`Run ${run.info.run_id} keeps its artifacts at '${uri}', which ${server} does not proxy; Slipway writes artifacts only through a server's mlflow-artifacts proxy.`);
  }
  return m[1];
}

/** Files below `dir`, as '/'-separated relative paths, sorted. */
async function filesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

function joinPath(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}
