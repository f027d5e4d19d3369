import { alreadyExists, SlipwayError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import {
  createExperiment, deleteExperiment, type Experiment, getExperiment, getExperimentByName, renameExperiment, restoreExperiment,
  setExperimentTag,
} from '../../tracking/index.js';
import type { MlflowRoute } from './mlflow-router.js';
import { optionalString, requiredString } from './request-params.js';
import { experimentJson } from './tracking-json.js';
import { experimentIdParam, experimentNotFound, keyValueList } from './tracking-params.js';

/**
 * experiments/create, get, get-by-name, delete, restore, update, set-experiment-tag (experiments/search
 * is in search-routes.ts). Deleted experiments are found by get and get-by-name, as in MLflow.
 */

/**
 * MLflow refuses a name held by a deleted experiment, and users are left wondering why. Slipway keeps
 * the rule (a client's set_experiment finds the deleted one by name and must not get a different one)
 * but says which experiment holds the name and how to free it: restore it, or rename it, which
 * Slipway allows for deleted experiments.
 */
async function nameTakenError(store: Store, name: string, err: unknown): Promise<unknown> {
  if (!(err instanceof SlipwayError) || err.code !== 'RESOURCE_ALREADY_EXISTS') return err;
  const holder = await getExperimentByName(store, name).catch(() => undefined);
  if (holder?.lifecycle_stage !== 'deleted') return err;
  return alreadyExists(
    `Experiment '${name}' already exists in the deleted state (experiment_id=${holder.experiment_id}). ` +
      'Restore it (experiments/restore), or rename it (experiments/update) to use the name for a new experiment.',
  );
}

/** The experiment, which must exist in `stage` (MLflow looks deleted ones up for restore, active ones for delete). */
async function experimentIn(store: Store, id: string, stage: Experiment['lifecycle_stage']): Promise<Experiment> {
  const experiment = await getExperiment(store, id);
  if (experiment.lifecycle_stage !== stage) throw experimentNotFound(id);
  return experiment;
}

export const experimentRoutes: readonly MlflowRoute[] = [
  {
    method: 'POST', path: 'experiments/create', permission: 'edit',
    async handler({ params, store }) {
      const name = requiredString(params, 'name');
      // Accepted for compatibility and not used: this server keeps every experiment's artifacts behind
      // its own proxy (mlflow-artifacts:/<experiment_id>), so clients never write elsewhere.
      optionalString(params, 'artifact_location');
      const tags = keyValueList(params, 'tags');
      try {
        const experiment = await createExperiment(store, name, { tags });
        return { experiment_id: experiment.experiment_id };
      } catch (err) {
        throw await nameTakenError(store, name, err);
      }
    },
  },
  {
    method: 'GET', path: 'experiments/get', permission: 'read',
    async handler({ params, store }) {
      return { experiment: experimentJson(await getExperiment(store, experimentIdParam(params))) };
    },
  },
  {
    method: 'GET', path: 'experiments/get-by-name', permission: 'read',
    async handler({ params, store }) {
      return { experiment: experimentJson(await getExperimentByName(store, requiredString(params, 'experiment_name'))) };
    },
  },
  {
    method: 'POST', path: 'experiments/delete', permission: 'edit',
    async handler({ params, store }) {
      const id = experimentIdParam(params);
      await experimentIn(store, id, 'active');
      await deleteExperiment(store, id);
      return {};
    },
  },
  {
    method: 'POST', path: 'experiments/restore', permission: 'edit',
    async handler({ params, store }) {
      const id = experimentIdParam(params);
      await experimentIn(store, id, 'deleted');
      await restoreExperiment(store, id);
      return {};
    },
  },
  {
    method: 'POST', path: 'experiments/update', permission: 'edit',
    async handler({ params, store }) {
      const id = experimentIdParam(params);
      const newName = requiredString(params, 'new_name');
      try {
        await renameExperiment(store, id, newName);
      } catch (err) {
        throw await nameTakenError(store, newName, err);
      }
      return {};
    },
  },
  {
    method: 'POST', path: 'experiments/set-experiment-tag', permission: 'edit',
    async handler({ params, store }) {
      const id = experimentIdParam(params);
      const key = requiredString(params, 'key');
      await setExperimentTag(store, id, key, optionalString(params, 'value') ?? '');
      return {};
    },
  },
];
