import { aliasRoutes } from './alias-routes.js';
import type { MlflowRoute } from './mlflow-router.js';
import { modelVersionRoutes } from './model-version-routes.js';
import { registeredModelRoutes } from './registered-model-routes.js';

/** MLflow's model registry routes: registered models, model versions, aliases, stages, tags, search. */
export const registryRoutes: readonly MlflowRoute[] = [...registeredModelRoutes, ...modelVersionRoutes, ...aliasRoutes];
