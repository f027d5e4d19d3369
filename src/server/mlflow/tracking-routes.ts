import type { MlflowRoute } from './mlflow-router.js';

/** MLflow's tracking routes: experiments, runs, params, metrics, tags, log-batch, search, artifacts/list. */
export const trackingRoutes: readonly MlflowRoute[] = [];
