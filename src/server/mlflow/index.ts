import type { MlflowRoute } from './mlflow-router.js';
import { registryRoutes } from './registry-routes.js';
import { trackingRoutes } from './tracking-routes.js';

/** Every MLflow REST route Slipway answers (the artifact proxy is registered apart: it streams). */
export const mlflowRoutes: readonly MlflowRoute[] = [...trackingRoutes, ...registryRoutes];
