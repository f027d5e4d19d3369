import {
  checkStage, createRegisteredModel, deleteRegisteredModel, deleteRegisteredModelTag, getRegisteredModel, renameRegisteredModel,
  searchRegisteredModelsPage, setRegisteredModelTag, updateRegisteredModel,
} from '../../registry/index.js';
import type { MlflowCall, MlflowRoute } from './mlflow-router.js';
import { isProtectedStage, requireApprover } from './registry-governance.js';
import { modelVersionJson, registeredModelJson } from './registry-json.js';
import { readTags } from './registry-params.js';
import { encodePageToken, readSearchOptions } from './registry-search-params.js';
import { optionalString, optionalStringArray, requiredString } from './request-params.js';

/** registered-models/*: create, rename, update, delete, get, search, get-latest-versions, set-tag, delete-tag. */

const wrap = (m: Parameters<typeof registeredModelJson>[0]) => ({ registered_model: registeredModelJson(m) });

async function getLatestVersions({ params, store }: MlflowCall): Promise<object> {
  const model = await getRegisteredModel(store, requiredString(params, 'name'));
  const stages = optionalStringArray(params, 'stages') ?? [];
  const wanted = new Set(stages.map(checkStage));
  const versions = model.latest_versions.filter((v) => wanted.size === 0 || wanted.has(v.current_stage));
  return versions.length ? { model_versions: versions.map(modelVersionJson) } : {};
}

export const registeredModelRoutes: readonly MlflowRoute[] = [
  {
    method: 'POST', path: 'registered-models/create', permission: 'edit',
    async handler({ params, store }) {
      const tags = readTags(params);
      const description = optionalString(params, 'description');
      return wrap(await createRegisteredModel(store, requiredString(params, 'name'), { ...(tags ? { tags } : {}), ...(description !== undefined ? { description } : {}) }));
    },
  },
  {
    method: 'POST', path: 'registered-models/rename', permission: 'edit',
    async handler({ params, store }) {
      return wrap(await renameRegisteredModel(store, requiredString(params, 'name'), requiredString(params, 'new_name')));
    },
  },
  {
    method: 'PATCH', path: 'registered-models/update', permission: 'edit',
    // MLflow stores the request's description as sent, so leaving it out clears it.
    async handler({ params, store }) {
      return wrap(await updateRegisteredModel(store, requiredString(params, 'name'), optionalString(params, 'description') ?? ''));
    },
  },
  {
    method: 'DELETE', path: 'registered-models/delete', permission: 'edit',
    async handler(call) {
      const name = requiredString(call.params, 'name');
      const model = await getRegisteredModel(call.store, name);
      // Deleting the model takes its protected aliases and Production stage with it.
      const held = model.aliases.filter((a) => call.ctx.isProtectedAlias(a.alias)).map((a) => `@${a.alias}`);
      if (model.latest_versions.some((v) => isProtectedStage(call, v.current_stage))) held.push('stage Production');
      if (held.length) requireApprover(call, `delete model ${name}, which holds ${held.join(', ')}`);
      await deleteRegisteredModel(call.store, name);
      return {};
    },
  },
  {
    method: 'GET', path: 'registered-models/get', permission: 'read',
    async handler({ params, store }) {
      return wrap(await getRegisteredModel(store, requiredString(params, 'name')));
    },
  },
  {
    method: 'GET', path: 'registered-models/search', permission: 'read',
    async handler({ params, store }) {
      const options = readSearchOptions(params, 'models');
      const page = await searchRegisteredModelsPage(store, options);
      return {
        ...(page.items.length ? { registered_models: page.items.map(registeredModelJson) } : {}),
        ...(page.hasMore ? { next_page_token: encodePageToken((options.offset ?? 0) + page.items.length) } : {}),
      };
    },
  },
  { method: 'POST', path: 'registered-models/get-latest-versions', permission: 'read', handler: getLatestVersions },
  { method: 'GET', path: 'registered-models/get-latest-versions', permission: 'read', handler: getLatestVersions },
  {
    method: 'POST', path: 'registered-models/set-tag', permission: 'edit',
    async handler({ params, store }) {
      await setRegisteredModelTag(store, requiredString(params, 'name'), requiredString(params, 'key'), optionalString(params, 'value') ?? '');
      return {};
    },
  },
  {
    method: 'DELETE', path: 'registered-models/delete-tag', permission: 'edit',
    async handler({ params, store }) {
      const name = requiredString(params, 'name');
      const key = requiredString(params, 'key');
      // MLflow answers {} for a tag that is not there; the model must exist though.
      const model = await getRegisteredModel(store, name);
      if (model.tags.some((t) => t.key === key)) await deleteRegisteredModelTag(store, name, key);
      return {};
    },
  },
];
