import { invalid, notFound, SlipwayError } from '../../errors.js';
import { type Approval, type Blessing, type ModelTransition, type ModelVersion, parseModelUri, type RegisteredModel } from '../../registry/index.js';
import { sha256Bytes } from '../../store/index.js';
import type { MlflowHttp } from '../../tracking/index.js';
import { allPages, enc } from './native-json.js';
import type { OpsClient } from './ops-client.js';

export type RegistryOps = Pick<
  OpsClient,
  'listModels' | 'getModel' | 'getVersion' | 'registerVersion' | 'setAlias' | 'deleteAlias' | 'approve' | 'promote' | 'modelCard' | 'listBlessings'
  | 'modelHistory' | 'resolveModel' | 'modelBytes'
>;

/** As the server decides: no URI scheme (or file:) is a path on the caller's disk. */
const isLocalPath = (source: string) => !/^[a-z][a-z0-9+.-]*:/i.test(source) || /^file:/i.test(source);

/**
 * The registry on a server: its native API (`/api/v1/models/...`) for reads, approvals and
 * promotion, which answer in the registry's own values, and MLflow's registry routes for what the
 * native API leaves to them (creating models and versions, setting and removing aliases).
 */
export function remoteRegistryOps(http: MlflowHttp): RegistryOps {
  const model = (name: string) => `/api/v1/models/${enc(name)}`;
  const versionPath = (name: string, version: string) => `${model(name)}/versions/${enc(version)}`;
  const getVersion = async (name: string, version: string) => {
    const answer = await http.json<{ model_version: ModelVersion; approvals: Approval[] }>('GET', versionPath(name, version));
    return { model_version: answer.model_version, approvals: answer.approvals };
  };
  const getModel = async (name: string) => {
    const answer = await http.json<{ registered_model: RegisteredModel; model_versions: ModelVersion[] }>('GET', model(name));
    return { registered_model: answer.registered_model, model_versions: answer.model_versions };
  };
  const byAlias = async (name: string, alias: string) =>
    (await http.json<{ model_version: ModelVersion }>('GET', `${model(name)}/aliases/${enc(alias)}`)).model_version;

  return {
    listModels: () => allPages<RegisteredModel>(http, '/api/v1/models', 'registered_models'),
    getModel,
    getVersion,
    async registerVersion(name, o) {
      if (isLocalPath(o.source)) {
        throw invalid(
          `--source ${o.source} is a path on this machine; the tracking server ${http.url} registers only what it holds. ` +
            'Log the file to a run first (slipway artifacts put RUN_ID FILE) and register runs:/RUN_ID/FILE, or unset SLIPWAY_TRACKING_URI to register it in the local store.',
        );
      }
      const exists = await http.call('GET', 'registered-models/get', { name }).then(() => true, absent);
      if (!exists) {
        await http.call('POST', 'registered-models/create', { name }).catch((e: unknown) => {
          if ((e as SlipwayError).code !== 'RESOURCE_ALREADY_EXISTS') throw e;
        });
      }
      const created = await http.call<{ model_version: { version: string } }>('POST', 'model-versions/create', {
        name, source: o.source, ...(o.runId ? { run_id: o.runId } : {}), ...(o.description ? { description: o.description } : {}),
        ...(o.tags?.length ? { tags: o.tags } : {}),
      });
      return (await getVersion(name, created.model_version.version)).model_version;
    },
    async setAlias(name, alias, version, reason) {
      await http.call('POST', 'registered-models/alias', { name, alias, version, ...(reason ? { reason } : {}) });
      return byAlias(name, alias);
    },
    async deleteAlias(name, alias, reason) {
      // MLflow answers {} for an alias that is not set; the local store calls that not found, and so does this.
      await byAlias(name, alias);
      await http.call('DELETE', 'registered-models/alias', { name, alias, ...(reason ? { reason } : {}) });
    },
    async approve(name, version, o) {
      const body = { alias: o.target, decision: o.decision, ...(o.comment ? { comment: o.comment } : {}) };
      return (await http.json<{ approval: Approval }>('POST', `${versionPath(name, version)}/approvals`, body)).approval;
    },
    async promote(name, version, alias, o) {
      const body = { alias, ...(o.reason ? { reason: o.reason } : {}) };
      return (await http.json<{ model_version: ModelVersion }>('POST', `${versionPath(name, version)}/promote`, body)).model_version;
    },
    async modelCard(name, version) {
      return (await http.json<{ markdown: string }>('GET', `${versionPath(name, version)}/card`)).markdown;
    },
    async listBlessings(name, version) {
      return (await http.json<{ blessings: Blessing[] }>('GET', `${model(name)}/blessings`, version === undefined ? {} : { version })).blessings;
    },
    async modelHistory(name, alias) {
      return (await http.json<{ history: ModelTransition[] }>('GET', `${model(name)}/history`, alias ? { alias } : {})).history;
    },
    async resolveModel(uri) {
      const parsed = parseModelUri(uri);
      if (parsed.kind === 'version') return (await getVersion(parsed.name, parsed.version)).model_version;
      if (parsed.kind === 'alias') return byAlias(parsed.name, parsed.alias);
      const { model_versions: versions } = await getModel(parsed.name);
      const newest = versions
        .filter((v) => parsed.kind === 'latest' || v.current_stage === parsed.stage)
        .sort((a, b) => Number(b.version) - Number(a.version))[0];
      if (!newest) throw notFound(`No version of model '${parsed.name}' matches ${uri}.`);
      return newest;
    },
    async modelBytes(v) {
      if (v.blob.kind !== 'file') throw invalid(`${v.name} version ${v.version} is a folder, not a single model file.`);
      // A single-file version answers to its file's name: the last part of its source.
      const path = v.source.replace(/\/+$/, '').split('/').pop() ?? '';
      const res = await http.send('GET', '/model-versions/get-artifact', { query: { name: v.name, version: v.version, path } });
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (sha256Bytes(bytes).hash !== v.blob.hash) {
        throw new SlipwayError('DATA_CORRUPTION', `${v.name} version ${v.version} arrived from ${http.url} with other bytes than its sha256 ${v.blob.hash}; nothing was used.`);
      }
      return bytes;
    },
  };
}

function absent(err: unknown): false {
  if (err instanceof SlipwayError && err.code === 'RESOURCE_DOES_NOT_EXIST') return false;
  throw err;
}
