/**
 * One definition per native route: method, path, permission, zod schemas for its path parameters,
 * query, body and answer, and the handler. The server registers routes from these definitions and
 * the OpenAPI document is generated from the same ones, so the two cannot drift apart.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { invalid } from '../../errors.js';
import type { Store } from '../../store/index.js';
import type { Permission, Principal, ServerContext } from '../types.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Everything prefixed to native paths. */
export const API_PREFIX = '/api/v1';

export interface NativeCall<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Principal;
  /** The server's store acting as the caller (audit entries name them). */
  readonly store: Store;
  readonly ctx: ServerContext;
  readonly reply: FastifyReply;
}

/** Error statuses a route may answer besides 400 (bad input, always possible) and 401/403 (auth, always possible). */
export type ErrorStatus = 404 | 409;

/** What a handler may return for a response schema: its output, with arrays and objects read-only (services return read-only values). */
export type Answer<T> = T extends readonly (infer U)[] ? readonly Answer<U>[] : T extends object ? { readonly [K in keyof T]: Answer<T[K]> } : T;

export interface RouteDefinition<P, Q, B, S extends z.ZodType> {
  readonly method: HttpMethod;
  /** Below `/api/v1`, in OpenAPI's form: `/models/{name}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  /** The resource group in the document (`models`, `deployments`, …). */
  readonly tag: string;
  readonly permission: Permission;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** @default 200 */
  readonly status?: 200 | 201;
  readonly response: S;
  /** @default 'application/json' */
  readonly contentType?: 'application/json' | 'text/plain';
  readonly errors?: readonly ErrorStatus[];
  readonly handler: (call: NativeCall<P, Q, B>) => Promise<Answer<z.output<S>>>;
}

/** A route with its types erased, as lists hold them. */
export type NativeRoute = Omit<RouteDefinition<unknown, unknown, unknown, z.ZodType>, 'handler'> & {
  readonly handler: (call: NativeCall<unknown, unknown, unknown>) => Promise<unknown>;
};

/** Checks a definition's handler against its schemas, then erases the types. */
export function route<P = undefined, Q = undefined, B = undefined, S extends z.ZodType = z.ZodType>(definition: RouteDefinition<P, Q, B, S>): NativeRoute {
  return definition as unknown as NativeRoute;
}

export function registerNativeRoutes(app: FastifyInstance, ctx: ServerContext, routes: readonly NativeRoute[]): void {
  for (const r of routes) {
    app.route({
      method: r.method,
      url: API_PREFIX + fastifyPath(r.path),
      config: { permission: r.permission },
      handler: async (request, reply) => {
        const params = r.params ? parseInput(r.params, request.params ?? {}, 'path parameter') : undefined;
        // A route without query parameters still refuses unknown ones: a typo is never silently ignored.
        const query = parseInput(r.query ?? NO_QUERY, request.query ?? {}, 'query parameter');
        const body = r.body ? parseInput(r.body, request.body ?? {}, 'body field') : undefined;
        const principal = request.principal;
        const answer = await r.handler({ params, query, body, principal, store: ctx.storeFor(principal), ctx, reply });
        if (reply.sent) return reply;
        void reply.code(r.status ?? 200);
        if (r.contentType === 'text/plain') return reply.type('text/plain; charset=utf-8').send(answer);
        return reply.type('application/json').send(JSON.stringify(answer, finiteNumbers));
      },
    });
  }
}

const NO_QUERY = z.strictObject({});

/** `/models/{name}` → `/models/:name`. */
export const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** NaN and infinities are not JSON: written as the strings MLflow's JSON uses, as the CLI does. */
function finiteNumbers(_key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

type Where = 'path parameter' | 'query parameter' | 'body field';

/** Parses with `schema`, or fails with a 400 that names the field and what is wrong with it. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where: Where): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalid(result.error.issues.slice(0, 3).map((i) => describeIssue(i, where)).join('; '));
}

function describeIssue(issue: z.core.$ZodIssue, where: Where): string {
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `${fieldName(issue.path)}.` : '';
    return `Unknown ${where}${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${prefix}${k}'`).join(', ')}`;
  }
  if (issue.path.length === 0) return `Invalid request ${where === 'body field' ? 'body' : where}: ${issue.message}`;
  const name = fieldName(issue.path);
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `Missing ${where} '${name}'`;
  return `Invalid ${where} '${name}': ${issue.message}`;
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
