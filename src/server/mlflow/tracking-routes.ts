import { artifactsListRoute } from './artifacts-list-route.js';
import { experimentRoutes } from './experiment-routes.js';
import { logRoutes } from './log-routes.js';
import type { MlflowRoute } from './mlflow-router.js';
import { runRoutes } from './run-routes.js';
import { searchRoutes } from './search-routes.js';

/** MLflow's tracking routes: experiments, runs, params, metrics, tags, log-batch, search, artifacts/list. */
export const trackingRoutes: readonly MlflowRoute[] = [...experimentRoutes, ...runRoutes, ...logRoutes, ...searchRoutes, artifactsListRoute];
