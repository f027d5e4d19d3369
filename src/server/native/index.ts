import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { VERSION } from '../../version.js';
import type { ServerContext } from '../types.js';
import { approvalsRoutes } from './approvals-routes.js';
import { auditRoutes } from './audit-routes.js';
import { blessingsRoutes } from './blessings-routes.js';
import { deploymentsRoutes } from './deployments-routes.js';
import { modelsRoutes } from './models-routes.js';
import { monitorsRoutes } from './monitors-routes.js';
import { registerNativeRoutes, route, type NativeRoute } from './native-route.js';
import { openApiDocument } from './openapi.js';
import { pipelinesRoutes } from './pipelines-routes.js';
import { webhooksRoutes } from './webhooks-routes.js';

export type { NativeRoute } from './native-route.js';
export { API_PREFIX } from './native-route.js';
export { openApiDocument } from './openapi.js';

/** Every native route but the document itself. */
export const NATIVE_ROUTES: readonly NativeRoute[] = [
  ...pipelinesRoutes, ...modelsRoutes, ...blessingsRoutes, ...approvalsRoutes, ...deploymentsRoutes, ...monitorsRoutes, ...auditRoutes, ...webhooksRoutes,
];

/** The OpenAPI document describes itself too, so "every route is in the document" has no exception. */
const openApiRoute = (document: () => unknown) => route({
  method: 'GET', path: '/openapi.json', operationId: 'getOpenApiDocument', tag: 'meta', permission: 'read',
  summary: 'This document: the native API as OpenAPI 3.1',
  response: z.record(z.string(), z.unknown()).describe('An OpenAPI 3.1 document.'),
  handler: async () => document() as Record<string, unknown>,
});

/** Every native route, the document's own included, and the OpenAPI document describing them. */
export function nativeApi(): { routes: NativeRoute[]; document: Record<string, unknown> } {
  const built: { document?: Record<string, unknown> } = {};
  const routes = [...NATIVE_ROUTES, openApiRoute(() => built.document)];
  built.document = openApiDocument(routes, { version: VERSION });
  return { routes, document: built.document };
}

/** Slipway's native REST API under `/api/v1/`, with its OpenAPI document at `/api/v1/openapi.json`. */
export function registerNativeApi(app: FastifyInstance, ctx: ServerContext): void {
  registerNativeRoutes(app, ctx, nativeApi().routes);
}
