import { SlipwayError } from '../../errors.js';
import { deleteAlias, getModelVersion, getRegisteredModel, getVersionByAlias, promote, setAlias } from '../../registry/index.js';
import { MlflowApiError } from './mlflow-errors.js';
import type { MlflowRoute } from './mlflow-router.js';
import { requireApprover } from './registry-governance.js';
import { modelVersionJson } from './registry-json.js';
import { checkMlflowAlias, requiredVersion } from './registry-params.js';
import { optionalString, requiredString } from './request-params.js';

/**
 * registered-models/alias: POST sets, DELETE removes, GET reads. A protected alias is set only by an
 * approver and only through its policy (promote: a passed gate, an approval), and removed only by an
 * approver; every other alias behaves as in MLflow. POST and DELETE take an optional `reason` (not in
 * MLflow's API; Slipway's CLI sends it) for the model's history and the audit log.
 */
export const aliasRoutes: readonly MlflowRoute[] = [
  {
    method: 'POST', path: 'registered-models/alias', permission: 'edit',
    async handler(call) {
      const { params, store, ctx } = call;
      const name = requiredString(params, 'name');
      const alias = checkMlflowAlias(requiredString(params, 'alias'));
      const version = requiredVersion(params, name);
      const reason = optionalString(params, 'reason');
      if (!ctx.isProtectedAlias(alias)) {
        await setAlias(store, name, alias, version, reason ? { reason } : {});
        return {};
      }
      requireApprover(call, `set the alias @${alias} of ${name}`);
      await getModelVersion(store, name, version); // an unknown version is 404, not a policy refusal
      await promote(store, name, version, alias, { policy: ctx.aliasPolicy(alias), reason: reason || `set through the MLflow API by ${call.principal.name}` });
      return {};
    },
  },
  {
    method: 'DELETE', path: 'registered-models/alias', permission: 'edit',
    async handler(call) {
      const { params, store, ctx } = call;
      const name = requiredString(params, 'name');
      const alias = checkMlflowAlias(requiredString(params, 'alias'));
      if (ctx.isProtectedAlias(alias)) requireApprover(call, `remove the alias @${alias} of ${name}`);
      // MLflow answers {} when the alias is not set; the model must exist though.
      const reason = optionalString(params, 'reason');
      const model = await getRegisteredModel(store, name);
      if (model.aliases.some((a) => a.alias === alias)) await deleteAlias(store, name, alias, reason ? { reason } : {});
      return {};
    },
  },
  {
    method: 'GET', path: 'registered-models/alias', permission: 'read',
    async handler({ params, store }) {
      const name = requiredString(params, 'name');
      const alias = checkMlflowAlias(requiredString(params, 'alias'));
      try {
        return { model_version: modelVersionJson(await getVersionByAlias(store, name, alias)) };
      } catch (err) {
        // MLflow reports an alias that is not set (on any model name) as a bad parameter, not a missing resource.
        if (err instanceof SlipwayError && err.code === 'RESOURCE_DOES_NOT_EXIST') {
          throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Registered model alias ${alias} not found.`);
        }
        throw err;
      }
    },
  },
];
