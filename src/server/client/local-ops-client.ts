import { listAudit } from '../../audit/index.js';
import { invalid, type SlipwayError } from '../../errors.js';
import { listAlerts, listMonitorRuns } from '../../monitor/index.js';
import {
  approveVersion, createModelVersion, createRegisteredModel, deleteAlias, getModelVersion, getRegisteredModel, hasRegisteredModel, listApprovals,
  listBlessings, listRegisteredModels, modelCard, modelHistory, promote, resolveModelUri, searchModelVersions, setAlias,
} from '../../registry/index.js';
import { deploy, deploymentHistory, getDeployment, listDeployments, promoteCandidate, rollbackDeployment } from '../../serve/index.js';
import type { Store } from '../../store/index.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, redeliver, updateWebhook } from '../webhooks/index.js';
import type { OpsClient } from './ops-client.js';

/** The operations over this machine's store: the service functions, bound to `store`. */
export function localOpsClient(store: Store): OpsClient {
  const reasonOf = (reason: string | undefined) => (reason ? { reason } : {});
  return {
    description: 'the local store',
    remote: false,
    listModels: () => listRegisteredModels(store),
    async getModel(name) {
      const registered_model = await getRegisteredModel(store, name);
      return { registered_model, model_versions: await searchModelVersions(store, { name }) };
    },
    async getVersion(name, version) {
      const model_version = await getModelVersion(store, name, version);
      return { model_version, approvals: await listApprovals(store, name, version) };
    },
    async registerVersion(name, o) {
      if (!(await hasRegisteredModel(store, name))) {
        // Another process may create it between the look-up and here: that is fine.
        await createRegisteredModel(store, name).catch((e: unknown) => {
          if ((e as SlipwayError).code !== 'RESOURCE_ALREADY_EXISTS') throw e;
        });
      }
      return createModelVersion(store, name, {
        source: o.source, tags: o.tags ?? [], ...(o.runId ? { runId: o.runId } : {}), ...(o.description ? { description: o.description } : {}),
      });
    },
    setAlias: (name, alias, version, reason) => setAlias(store, name, alias, version, { reason }),
    async deleteAlias(name, alias, reason) {
      await deleteAlias(store, name, alias, { reason });
    },
    approve: (name, version, o) => approveVersion(store, name, version, o),
    promote: (name, version, alias, o) => promote(store, name, version, alias, o),
    modelCard: (name, version) => modelCard(store, name, version),
    listBlessings: (name, version) => listBlessings(store, name, version),
    async modelHistory(name, alias) {
      await getRegisteredModel(store, name);
      return modelHistory(store, name, alias ? { target: alias } : {});
    },
    resolveModel: (uri) => resolveModelUri(store, uri),
    async modelBytes(version) {
      if (version.blob.kind !== 'file') throw invalid(`${version.name} version ${version.version} is a folder, not a single model file.`);
      return store.objects.get(version.blob.hash);
    },
    listAudit: (f) => listAudit(store.db, {
      limit: f.limit, ...(f.subject ? { subject: f.subject } : {}), ...(f.subjectType ? { subjectType: f.subjectType } : {}),
      ...(f.actor ? { actor: f.actor } : {}), ...(f.action ? { action: f.action } : {}),
    }),
    async deploy(name, options) {
      const { deployment, smoke } = await deploy(store, name, options);
      return { deployment, smoke };
    },
    rollback: (name, reason) => rollbackDeployment(store, name, reasonOf(reason)),
    promoteCandidate: (name, reason) => promoteCandidate(store, name, reasonOf(reason)),
    listDeployments: () => listDeployments(store),
    async getDeployment(name) {
      return { deployment: await getDeployment(store, name), history: await deploymentHistory(store, name) };
    },
    listMonitorRuns: (monitor, limit) => listMonitorRuns(store, monitor, { limit }),
    listAlerts: (f) => listAlerts(store, { ...(f.monitor ? { monitor: f.monitor } : {}), ...(f.state ? { state: f.state } : {}) }),
    createWebhook: (options) => createWebhook(store, options),
    listWebhooks: () => listWebhooks(store),
    updateWebhook: (id, changes) => updateWebhook(store, id, changes),
    async deleteWebhook(id) {
      await deleteWebhook(store, id);
    },
    listDeliveries: (id, o) => listDeliveries(store, id, { limit: o.limit, ...(o.status ? { status: o.status } : {}) }),
    redeliver: (id, deliveryId) => redeliver(store, id, deliveryId),
  };
}
