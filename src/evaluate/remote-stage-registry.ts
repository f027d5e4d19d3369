import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { invalid, notFound, SlipwayError } from '../errors.js';
import { type ModelVersion, parseModelUri, parseRunArtifactUri } from '../registry/index.js';
import { sha256Bytes, sha256File } from '../store/index.js';
import { MlflowHttp, type TrackingClient, type TrackingTarget } from '../tracking/index.js';
import { readModelFromOnnx } from '../train/index.js';
import type { LoadedModel } from './model-source.js';
import type { StageRegistry } from './stage-registry.js';

type Remote = Extract<TrackingTarget, { kind: 'remote' }>;
const enc = encodeURIComponent;

/**
 * The stage registry on a Slipway server: MLflow's registry routes to create models, versions and
 * aliases, the native API (`/api/v1`) for what MLflow's JSON lacks (a version's content hash, gate
 * verdicts) and for promotion through the server's alias policies. A version's bytes must be a run's
 * artifact on the server (MLflow registers `runs:/RUN/PATH`, never a client's file): the training
 * run's copy when it has these exact bytes, else a copy uploaded to the registering stage's own run.
 */
export function remoteStageRegistry(target: Remote, tracking: TrackingClient): StageRegistry {
  const http = new MlflowHttp(target);
  const server = target.url;
  const versionOf = async (name: string, version: string) =>
    (await http.json<{ model_version: ModelVersion }>('GET', `/api/v1/models/${enc(name)}/versions/${enc(version)}`)).model_version;
  const versionsOf = async (name: string) => (await http.json<{ model_versions: ModelVersion[] }>('GET', `/api/v1/models/${enc(name)}`)).model_versions;

  return {
    description: tracking.description,
    async findVersionByHash(name, sha256) {
      const versions = await versionsOf(name).catch(absent);
      return versions?.find((v) => v.blob.kind === 'file' && v.blob.hash === sha256);
    },
    async ensureModel(name) {
      const found = await http.call('GET', 'registered-models/get', { name }).catch(absent);
      if (found) return;
      // Another pipeline may create it between the look-up and here: that is fine.
      await http.call('POST', 'registered-models/create', { name }).catch((err: unknown) => {
        if ((err as SlipwayError).code !== 'RESOURCE_ALREADY_EXISTS') throw err;
      });
    },
    async registerFile(name, path, o) {
      const size = (await sha256File(path)).size;
      const inProducer = o.producerRunId ? await findArtifact(tracking, o.producerRunId, o.sha256, size) : undefined;
      let source: string;
      let runId: string;
      if (inProducer && o.producerRunId) {
        [source, runId] = [`runs:/${o.producerRunId}/${inProducer}`, o.producerRunId];
      } else {
        const [copy] = await tracking.logArtifact(o.stageRunId, path, 'model');
        [source, runId] = [`runs:/${o.stageRunId}/${copy?.path ?? `model/${basename(path)}`}`, o.stageRunId];
      }
      const created = await http.call<{ model_version: { version: string } }>('POST', 'model-versions/create', {
        name, source, run_id: runId, ...(o.description ? { description: o.description } : {}),
      });
      const mv = await versionOf(name, created.model_version.version);
      // The server pins the bytes it found at `source`; they must be the ones this stage hashed.
      if (mv.blob.hash !== o.sha256) {
        throw new SlipwayError('DATA_CORRUPTION', `${name} version ${mv.version} on ${server} holds sha256 ${mv.blob.hash}, not the ${o.sha256} of ${path}: ${source} changed while it was registered.`);
      }
      return mv;
    },
    async recordBlessing(name, version, input) {
      // The verdict is the pipeline's word on the server as it is locally; the server's alias policies decide what it allows.
      await http.json('POST', `/api/v1/models/${enc(name)}/versions/${enc(version)}/blessings`, {
        alias: input.target, passed: input.passed, rules: input.rules,
        ...(input.baselineVersion !== undefined && input.baselineVersion !== null ? { baseline_version: String(input.baselineVersion) } : {}),
        ...(input.runId ? { run_id: input.runId } : {}),
      });
    },
    async setAlias(name, alias, version) {
      await http.call('POST', 'registered-models/alias', { name, alias, version });
    },
    async promote(name, version, alias, options) {
      // The server applies its own alias policies (its slipway.yaml and approver roles), not the pipeline's.
      await http.json('POST', `/api/v1/models/${enc(name)}/versions/${enc(version)}/promote`, { alias, ...(options.reason ? { reason: options.reason } : {}) });
    },
    async loadModel(ref) {
      if (!ref.startsWith('models:/')) return { model: readModelFromOnnx(await readFile(ref).catch(() => { throw notFound(`Model file ${ref} does not exist.`); })), version: undefined, ref };
      const version = await resolve(ref);
      const bytes = await versionBytes(http, tracking, version, ref);
      return { model: readModelFromOnnx(bytes), version, ref } satisfies LoadedModel;
    },
  };

  async function resolve(ref: string): Promise<ModelVersion> {
    const uri = parseModelUri(ref);
    if (uri.kind === 'alias') return (await http.json<{ model_version: ModelVersion }>('GET', `/api/v1/models/${enc(uri.name)}/aliases/${enc(uri.alias)}`)).model_version;
    if (uri.kind === 'version') return versionOf(uri.name, uri.version);
    const candidates = (await versionsOf(uri.name)).filter((v) => uri.kind === 'latest' || v.current_stage === uri.stage);
    const newest = candidates.sort((a, b) => Number(b.version) - Number(a.version))[0];
    if (!newest) throw notFound(`No version of model '${uri.name}' matches ${ref}.`);
    return newest;
  }
}

/** The pinned bytes of a version (one .onnx file, or the one .onnx file of a folder version), verified by hash. */
async function versionBytes(http: MlflowHttp, tracking: TrackingClient, v: ModelVersion, ref: string): Promise<Buffer> {
  let path = basename(v.source.replace(/\/+$/, ''));
  let expected: string | undefined = v.blob.hash;
  if (v.blob.kind === 'directory') {
    // Which file in the folder is the model: the run's artifacts under the source say (the version pinned the same tree).
    const at = parseRunArtifactUri(v.source);
    const files = at ? (await listFiles(tracking, at.runId, at.path)).filter((f) => f.path.endsWith('.onnx')) : [];
    if (!at || files.length !== 1) throw invalid(`${ref} is a folder version whose .onnx file cannot be found through the server (source ${v.source}); expected exactly one .onnx file in its run's artifacts.`);
    path = (files[0] as { path: string }).path.slice(at.path === '' ? 0 : at.path.length + 1);
    expected = undefined;
  }
  const res = await http.send('GET', '/model-versions/get-artifact', { query: { name: v.name, version: v.version, path } });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (expected && sha256Bytes(bytes).hash !== expected) {
    throw new SlipwayError('DATA_CORRUPTION', `${ref} (${v.name} version ${v.version}) arrived from the server with other bytes than its sha256 ${expected}.`);
  }
  return bytes;
}

/** The path of the run's artifact with exactly these bytes: candidates by size, then hashed. */
async function findArtifact(tracking: TrackingClient, runId: string, sha256: string, size: number): Promise<string | undefined> {
  const files = await listFiles(tracking, runId, '').catch(absent);
  for (const f of files ?? []) {
    if (f.file_size !== size) continue;
    const { stream } = await tracking.openArtifact(runId, f.path);
    const hash = createHash('sha256');
    for await (const chunk of stream) hash.update(chunk as Buffer);
    if (hash.digest('hex') === sha256) return f.path;
  }
  return undefined;
}

async function listFiles(tracking: TrackingClient, runId: string, path: string): Promise<{ path: string; file_size?: number }[]> {
  const out: { path: string; file_size?: number }[] = [];
  for (const e of await tracking.listArtifacts(runId, path)) {
    if (e.is_dir) out.push(...(await listFiles(tracking, runId, e.path)));
    else out.push(e);
  }
  return out;
}

function absent(err: unknown): undefined {
  if (err instanceof SlipwayError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
  throw err;
}
