import { invalid } from '../../errors.js';
import { RUN_ID_PATTERN } from '../../store/index.js';
import { createRun, deleteRun, getRun, requireActiveRun, RUN_STATUSES, restoreRun, updateRun } from '../../tracking/index.js';
import type { MlflowRoute } from './mlflow-router.js';
import { optionalInt, optionalString } from './request-params.js';
import { runInfoJson, runJson } from './tracking-json.js';
import { experimentIdParam, keyValueList, optionalEnum, runIdParam } from './tracking-params.js';

/** runs/create, update, delete, restore, get. Logging to runs is in log-routes.ts, search in search-routes.ts. */

const tagValue = (tags: readonly { key: string; value: string }[], key: string) => tags.find((t) => t.key === key)?.value;

export const runRoutes: readonly MlflowRoute[] = [
  {
    method: 'POST', path: 'runs/create', permission: 'edit',
    async handler({ params, store, principal }) {
      // MLflow's default experiment when none is named.
      const experimentId = optionalString(params, 'experiment_id') ? experimentIdParam(params) : '0';
      const runName = optionalString(params, 'run_name') || undefined;
      const startTime = optionalInt(params, 'start_time');
      const tags = keyValueList(params, 'tags');
      const nameTag = tagValue(tags, 'mlflow.runName');
      if (runName && nameTag && runName !== nameTag) {
        throw invalid(
          "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values " +
            `(run_name='${runName}', mlflow.runName='${nameTag}').`,
        );
      }
      // Nested runs (mlflow.parentRunId) and the commit the client saw become Slipway's lineage columns.
      const parent = tagValue(tags, 'mlflow.parentRunId');
      const commit = tagValue(tags, 'mlflow.source.git.commit');
      const run = await createRun(store, {
        experimentId,
        tags,
        userId: optionalString(params, 'user_id') || principal.name,
        ...(runName ? { runName } : {}),
        ...(startTime !== undefined ? { startTime } : {}),
        ...(parent && RUN_ID_PATTERN.test(parent) ? { parentRunId: parent } : {}),
        ...(commit ? { sourceGitCommit: commit } : {}),
      });
      // MLflow answers a new run without its (empty) inputs.
      const { info, data } = runJson(run);
      return { run: { info, data } };
    },
  },
  {
    method: 'POST', path: 'runs/update', permission: 'edit',
    async handler({ params, store }) {
      const runId = runIdParam(params);
      const status = optionalEnum(params, 'status', RUN_STATUSES);
      const endTime = optionalInt(params, 'end_time');
      // MLflow leaves the name alone when run_name is empty.
      const runName = optionalString(params, 'run_name') || undefined;
      const update = {
        ...(status ? { status } : {}),
        ...(endTime !== undefined ? { endTime } : {}),
        ...(runName ? { runName } : {}),
      };
      // Nothing to change still answers the run's info, and still only for an active run, as MLflow.
      const info = Object.keys(update).length > 0 ? await updateRun(store, runId, update) : await requireActiveRun(store, runId);
      return { run_info: runInfoJson(info) };
    },
  },
  {
    method: 'POST', path: 'runs/delete', permission: 'edit',
    async handler({ params, store }) {
      await deleteRun(store, runIdParam(params));
      return {};
    },
  },
  {
    method: 'POST', path: 'runs/restore', permission: 'edit',
    async handler({ params, store }) {
      await restoreRun(store, runIdParam(params));
      return {};
    },
  },
  {
    method: 'GET', path: 'runs/get', permission: 'read',
    async handler({ params, store }) {
      return { run: runJson(await getRun(store, runIdParam(params))) };
    },
  },
];
