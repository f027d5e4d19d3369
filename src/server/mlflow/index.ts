import type { MlflowRoute } from './mlflow-router.js';

/** Every MLflow REST route Slipway answers (the artifact proxy is registered apart: it streams). */
export const mlflowRoutes: readonly MlflowRoute[] = [];
