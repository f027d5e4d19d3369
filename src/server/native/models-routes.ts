/** Registered models, versions with their lineage, gate results, approvals, model cards and alias history. */
import { z } from 'zod';
import {
  getModelVersion, getRegisteredModel, getVersionByAlias, listApprovals, listBlessings, listRegisteredModels, modelCard, modelHistory,
  searchModelVersions,
} from '../../registry/index.js';
import { NameParam, VersionParam } from './common-schemas.js';
import { versionLineage } from './lineage.js';
import { route, type NativeRoute } from './native-route.js';
import { nextPageToken, offsetPage, pageQuery } from './paging.js';
import { Approval, Blessing, Lineage, ModelTransition, ModelVersion, RegisteredModel } from './registry-schemas.js';

const tag = 'models';
const ModelPath = z.strictObject({ name: NameParam });
const VersionPath = z.strictObject({ name: NameParam, version: VersionParam });

export const modelsRoutes: readonly NativeRoute[] = [
  route({
    method: 'GET', path: '/models', operationId: 'listModels', tag, permission: 'read',
    summary: 'Registered models, by name, with their aliases and latest versions',
    query: z.strictObject({ name_contains: z.string().max(256).optional().describe('Case-insensitive part of the name.'), ...pageQuery }),
    response: z.object({ registered_models: z.array(RegisteredModel), next_page_token: nextPageToken }),
    handler: async ({ store, query }) => {
      const all = await listRegisteredModels(store, query.name_contains ? { nameContains: query.name_contains } : {});
      const page = offsetPage(all, query);
      return { registered_models: page.items, next_page_token: page.next_page_token };
    },
  }),
  route({
    method: 'GET', path: '/models/{name}', operationId: 'getModel', tag, permission: 'read', errors: [404],
    summary: 'One model with every version (newest first) and its aliases',
    params: ModelPath,
    response: z.object({ registered_model: RegisteredModel, model_versions: z.array(ModelVersion) }),
    handler: async ({ store, params }) => {
      const registered_model = await getRegisteredModel(store, params.name);
      return { registered_model, model_versions: await searchModelVersions(store, { name: params.name }) };
    },
  }),
  route({
    method: 'GET', path: '/models/{name}/versions/{version}', operationId: 'getModelVersion', tag, permission: 'read', errors: [404],
    summary: 'A version with its lineage, gate results (blessings), approvals and alias history',
    description: 'Lineage: the run that produced the version, its pipeline run, the code commit, the data it read by sha256, its params and the metrics of its pipeline.',
    params: VersionPath,
    response: z.object({
      model_version: ModelVersion, lineage: Lineage, blessings: z.array(Blessing), approvals: z.array(Approval),
      history: z.array(ModelTransition).describe('Alias and stage moves this version gained or lost, oldest first.'),
    }),
    handler: async ({ store, params }) => {
      const mv = await getModelVersion(store, params.name, params.version);
      const [lineage, blessings, approvals, history] = await Promise.all([
        versionLineage(store, mv), listBlessings(store, mv.name, mv.version), listApprovals(store, mv.name, mv.version), modelHistory(store, mv.name),
      ]);
      const held = history.filter((h) => h.version === mv.version || h.previous_version === mv.version);
      return { model_version: mv, lineage, blessings, approvals, history: held };
    },
  }),
  route({
    method: 'GET', path: '/models/{name}/versions/{version}/card', operationId: 'getModelCard', tag, permission: 'read', errors: [404],
    summary: "The version's model card (Markdown): lineage, metrics, fairness, gates, approvals, alias history",
    params: VersionPath,
    response: z.object({ name: z.string(), version: z.string(), markdown: z.string() }),
    handler: async ({ store, params }) => {
      const markdown = await modelCard(store, params.name, params.version);
      return { name: params.name, version: params.version, markdown };
    },
  }),
  route({
    method: 'GET', path: '/models/{name}/history', operationId: 'getModelHistory', tag, permission: 'read', errors: [404],
    summary: 'Which version held which alias or stage, from when, who moved it and why (oldest first)',
    params: ModelPath,
    query: z.strictObject({ alias: z.string().min(1).max(255).optional().describe('Only this alias or stage.') }),
    response: z.object({ history: z.array(ModelTransition) }),
    handler: async ({ store, params, query }) => {
      await getRegisteredModel(store, params.name);
      return { history: await modelHistory(store, params.name, query.alias ? { target: query.alias } : {}) };
    },
  }),
  route({
    method: 'GET', path: '/models/{name}/blessings', operationId: 'listBlessings', tag, permission: 'read', errors: [404],
    summary: "Gate verdicts recorded on a model's versions",
    params: ModelPath,
    query: z.strictObject({ version: VersionParam.optional().describe('Only this version.') }),
    response: z.object({ blessings: z.array(Blessing) }),
    handler: async ({ store, params, query }) => {
      await getRegisteredModel(store, params.name);
      return { blessings: await listBlessings(store, params.name, query.version) };
    },
  }),
  route({
    method: 'GET', path: '/models/{name}/aliases/{alias}', operationId: 'getModelVersionByAlias', tag, permission: 'read', errors: [404],
    summary: 'The version an alias points at',
    params: z.strictObject({ name: NameParam, alias: z.string().min(1).max(255) }),
    response: z.object({ model_version: ModelVersion }),
    handler: async ({ store, params }) => ({ model_version: await getVersionByAlias(store, params.name, params.alias) }),
  }),
];
