/**
 * The OpenAPI 3.1 document of the native API, generated from the route definitions the server
 * registers (their zod schemas, via z.toJSONSchema into JSON Schema 2020-12, which OpenAPI 3.1's
 * Schema Object is). Named schemas (`.meta({ id })`) become `components/schemas`.
 */
import { z } from 'zod';
import { ErrorBody } from './common-schemas.js';
import { API_PREFIX, type NativeRoute } from './native-route.js';

type Json = Record<string, unknown>;

const ERROR_RESPONSES = {
  BadRequest: 'A parameter or body field is missing or invalid (the message names it), or a check failed (INVALID_STATE).',
  Unauthenticated: 'No valid credentials, where the server requires them.',
  PermissionDenied: "The caller's role does not allow this, or a policy refused it (four-eyes rule, alias policy).",
  NotFound: 'The thing named does not exist.',
  Conflict: 'The request conflicts with the current state (e.g. a rollout already in progress).',
} as const;
const ERROR_STATUS: Readonly<Record<number, keyof typeof ERROR_RESPONSES>> = { 400: 'BadRequest', 401: 'Unauthenticated', 403: 'PermissionDenied', 404: 'NotFound', 409: 'Conflict' };

export interface OpenApiOptions {
  /** The server's version, as `info.version`. */
  readonly version: string;
}

export function openApiDocument(routes: readonly NativeRoute[], options: OpenApiOptions): Json {
  const components = new Map<string, unknown>();
  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): Json => hoist(z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json, components);
  toSchema(ErrorBody, 'output');

  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters = [...parametersOf(r.params, 'path', toSchema), ...parametersOf(r.query, 'query', toSchema)];
    const status = String(r.status ?? 200);
    const contentType = r.contentType ?? 'application/json';
    const responses: Json = { [status]: { description: status === '201' ? 'Created' : 'OK', content: { [contentType]: { schema: toSchema(r.response, 'output') } } } };
    for (const code of [400, 401, 403, ...(r.errors ?? [])]) responses[String(code)] = { $ref: `#/components/responses/${ERROR_STATUS[code]}` };
    const operation: Json = {
      operationId: r.operationId, summary: r.summary, ...(r.description ? { description: r.description } : {}), tags: [r.tag],
      'x-slipway-permission': r.permission,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input') } } } } : {}),
      responses,
    };
    const path = API_PREFIX + r.path;
    paths[path] = { ...paths[path], [r.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Slipway native API',
      version: options.version,
      description: 'What the dashboard and remote CLIs use: pipelines, models and lineage, approvals, promotions, deployments, monitors, alerts, audit, webhooks. '
        + 'Lists take `limit` and `page_token` and answer `next_page_token` while more remain. Errors are `{"error_code", "message"}`. '
        + 'Times are epoch milliseconds. Each operation names the least role it needs in `x-slipway-permission` (read: viewer, edit: editor, admin).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { basicAuth: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries([...components.entries()].sort(([a], [b]) => a.localeCompare(b))),
      responses: Object.fromEntries(Object.entries(ERROR_RESPONSES).map(([name, description]) => [name, {
        description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      }])),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (`slipway tokens`), as MLflow clients send MLFLOW_TRACKING_TOKEN.' },
        basicAuth: { type: 'http', scheme: 'basic', description: 'The API token as the password (MLFLOW_TRACKING_USERNAME / _PASSWORD).' },
      },
    },
  };
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query', toSchema: (s: z.ZodType, io: 'input') => Json): Json[] {
  if (!schema) return [];
  const object = toSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, Json>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name, in: where, required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}), schema: rest,
    };
  });
}

/** Moves `$defs` into the shared components (one definition per id) and points the refs there. */
function hoist(schema: Json, components: Map<string, unknown>): Json {
  const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  const { $schema: _dialect, $defs, ...rest } = rewritten;
  for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, unknown>)) {
    const known = components.get(id);
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(def)) throw new Error(`two different schemas are named '${id}'`);
    components.set(id, def);
  }
  return rest;
}
