import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../types.js';

/** MLflow's artifact proxy (`/api/2.0/mlflow-artifacts/...`), `/get-artifact` and `/model-versions/get-artifact`. */
export function registerArtifactProxy(_app: FastifyInstance, _ctx: ServerContext): void {}
