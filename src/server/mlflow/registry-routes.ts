import type { MlflowRoute } from './mlflow-router.js';

/** MLflow's model registry routes: registered models, model versions, aliases, stages, tags, search. */
export const registryRoutes: readonly MlflowRoute[] = [];
