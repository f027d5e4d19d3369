import { notFound } from '../../errors.js';
import {
  checkStage, createModelVersion, deleteModelVersion, deleteModelVersionTag, getModelVersion, hasRegisteredModel, resolveModelUri,
  searchModelVersionsPage, setModelVersionTag, transitionStage, updateModelVersion,
} from '../../registry/index.js';
import { MlflowApiError } from './mlflow-errors.js';
import type { MlflowRoute } from './mlflow-router.js';
import { modelVersionDownloadUri } from './model-version-download.js';
import { isProtectedStage, protectedHoldings, requireApprover, requireProductionPolicy } from './registry-governance.js';
import { modelVersionJson } from './registry-json.js';
import { readTags, requiredVersion } from './registry-params.js';
import { encodePageToken, readSearchOptions } from './registry-search-params.js';
import { optionalBool, optionalString, requiredString } from './request-params.js';

/** model-versions/*: create, update, transition-stage, delete, get, search, get-download-uri, set-tag, delete-tag. */

const wrap = (v: Parameters<typeof modelVersionJson>[0]) => ({ model_version: modelVersionJson(v) });

/** A source on the server's own disk: no scheme, or file:. The server never reads its file system for a client. */
const isLocalSource = (source: string) => !/^[a-z][a-z0-9+.-]*:/i.test(source) || /^file:/i.test(source);

export const modelVersionRoutes: readonly MlflowRoute[] = [
  {
    method: 'POST', path: 'model-versions/create', permission: 'edit',
    async handler({ params, store }) {
      const name = requiredString(params, 'name');
      const source = requiredString(params, 'source');
      const runId = optionalString(params, 'run_id') || undefined;
      const description = optionalString(params, 'description');
      const tags = readTags(params);
      if (isLocalSource(source)) {
        throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid model version source: '${source}'. The server does not register files from its own disk: `
          + 'log the model to a run and register runs:/<run_id>/<path> or its mlflow-artifacts:/ URI.');
      }
      // As MLflow, an unknown model is reported before anything about the source.
      if (!(await hasRegisteredModel(store, name))) throw notFound(`Registered Model with name=${name} not found`);
      // A models:/ source (MLflow's copy_model_version) registers the very bytes of the version it names.
      const from = /^models:/i.test(source) ? await resolveModelUri(store, source) : undefined;
      const v = await createModelVersion(store, name, {
        source, ...(runId ? { runId } : {}), ...(description !== undefined ? { description } : {}), ...(tags ? { tags } : {}), ...(from ? { from } : {}),
      });
      return wrap(v);
    },
  },
  {
    method: 'PATCH', path: 'model-versions/update', permission: 'edit',
    async handler({ params, store }) {
      const name = requiredString(params, 'name');
      return wrap(await updateModelVersion(store, name, requiredVersion(params, name), optionalString(params, 'description') ?? ''));
    },
  },
  {
    method: 'POST', path: 'model-versions/transition-stage', permission: 'edit',
    async handler(call) {
      const { params, store } = call;
      const name = requiredString(params, 'name');
      const version = requiredVersion(params, name);
      const stage = checkStage(requiredString(params, 'stage'));
      const archiveExisting = optionalBool(params, 'archive_existing_versions') ?? false;
      if (archiveExisting && stage !== 'Staging' && stage !== 'Production') {
        throw new MlflowApiError('INVALID_PARAMETER_VALUE', `archive_existing_versions applies only to the stages Staging and Production, not ${stage}.`);
      }
      const current = await getModelVersion(store, name, version);
      if (isProtectedStage(call, stage) || isProtectedStage(call, current.current_stage)) {
        requireApprover(call, `move ${name} version ${version} from stage ${current.current_stage} to ${stage}`);
      }
      if (isProtectedStage(call, stage)) await requireProductionPolicy(call, name, version);
      return wrap(await transitionStage(store, name, version, stage, { archiveExisting }));
    },
  },
  {
    method: 'DELETE', path: 'model-versions/delete', permission: 'edit',
    async handler(call) {
      const name = requiredString(call.params, 'name');
      const version = requiredVersion(call.params, name);
      const held = protectedHoldings(call, await getModelVersion(call.store, name, version));
      if (held.length) requireApprover(call, `delete ${name} version ${version}, which holds ${held.join(', ')}`);
      await deleteModelVersion(call.store, name, version);
      return {};
    },
  },
  {
    method: 'GET', path: 'model-versions/get', permission: 'read',
    async handler({ params, store }) {
      const name = requiredString(params, 'name');
      return wrap(await getModelVersion(store, name, requiredVersion(params, name)));
    },
  },
  {
    method: 'GET', path: 'model-versions/search', permission: 'read',
    async handler({ params, store }) {
      const options = readSearchOptions(params, 'versions');
      const page = await searchModelVersionsPage(store, options);
      return {
        ...(page.items.length ? { model_versions: page.items.map(modelVersionJson) } : {}),
        ...(page.hasMore ? { next_page_token: encodePageToken((options.offset ?? 0) + page.items.length) } : {}),
      };
    },
  },
  {
    method: 'GET', path: 'model-versions/get-download-uri', permission: 'read',
    async handler({ params, store }) {
      const name = requiredString(params, 'name');
      const v = await getModelVersion(store, name, requiredVersion(params, name));
      return { artifact_uri: await modelVersionDownloadUri(store, v) };
    },
  },
  {
    method: 'POST', path: 'model-versions/set-tag', permission: 'edit',
    async handler({ params, store }) {
      const name = requiredString(params, 'name');
      const version = requiredVersion(params, name);
      await setModelVersionTag(store, name, version, requiredString(params, 'key'), optionalString(params, 'value') ?? '');
      return {};
    },
  },
  {
    method: 'DELETE', path: 'model-versions/delete-tag', permission: 'edit',
    async handler({ params, store }) {
      const name = requiredString(params, 'name');
      const version = requiredVersion(params, name);
      const key = requiredString(params, 'key');
      // MLflow answers {} for a tag that is not there; the version must exist though.
      const v = await getModelVersion(store, name, version);
      if (v.tags.some((t) => t.key === key)) await deleteModelVersionTag(store, name, version, key);
      return {};
    },
  },
];
