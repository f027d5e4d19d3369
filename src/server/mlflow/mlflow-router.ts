import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/index.js';
import type { Permission, Principal, ServerContext } from '../types.js';
import { readParams, type Params } from './request-params.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One call of an MLflow route: its parameters, who is calling, and the store acting as them. */
export interface MlflowCall {
  readonly params: Params;
  readonly principal: Principal;
  /** The server's store with `actor` set to the caller. */
  readonly store: Store;
  readonly ctx: ServerContext;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/**
 * A route of MLflow's REST API, by its path below `/api/2.0/mlflow/` (e.g. `runs/log-batch`). The
 * handler returns the response message; `{}` is MLflow's answer for the empty ones.
 */
export interface MlflowRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly permission: Permission;
  /** Overrides the server's body limit (MLflow caps `runs/log-batch` at 1 MB). */
  readonly bodyLimit?: number;
  /** The error for a body over `bodyLimit`, when the route answers it in its own words (MLflow's log-batch does). */
  readonly bodyTooLarge?: (request: FastifyRequest) => Error;
  readonly handler: (call: MlflowCall) => Promise<object>;
}

/** The prefixes MLflow serves its API under: the client's, and the web UI's. */
export const MLFLOW_PREFIXES = ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/'] as const;

export function registerMlflowRoutes(app: FastifyInstance, ctx: ServerContext, routes: readonly MlflowRoute[]): void {
  for (const route of routes) {
    for (const prefix of MLFLOW_PREFIXES) {
      app.route({
        method: route.method,
        url: prefix + route.path,
        config: { permission: route.permission },
        ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
        ...(route.bodyTooLarge ? { errorHandler: routeBodyTooLarge(route.bodyTooLarge) } : {}),
        handler: async (request, reply) => {
          const principal = request.principal;
          const body = await route.handler({ params: readParams(request), principal, store: ctx.storeFor(principal), ctx, request, reply });
          if (!reply.sent) void reply.type('application/json').send(JSON.stringify(body));
          return reply;
        },
      });
    }
  }
}

/** Rethrows to the app's error handler, with the body-limit error swapped for the route's own. */
function routeBodyTooLarge(make: (request: FastifyRequest) => Error) {
  return (err: Error & { code?: string }, request: FastifyRequest) => {
    throw err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? make(request) : err;
  };
}
