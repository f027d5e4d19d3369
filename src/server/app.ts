import Fastify, { type FastifyInstance } from 'fastify';
import { createJsonLogger, type JsonLogger } from '../serve/index.js';
import type { Store } from '../store/index.js';
import { VERSION } from '../version.js';
import { installAuth, type AuthOptions } from './auth/index.js';
import { installHttpMetrics } from './http-metrics.js';
import { mlflowRoutes } from './mlflow/index.js';
import { registerMlflowRoutes } from './mlflow/mlflow-router.js';
import { MlflowApiError, toMlflowError } from './mlflow/mlflow-errors.js';
import { registerArtifactProxy } from './mlflow/artifact-proxy.js';
import { registerNativeApi } from './native/index.js';
import type { AliasPolicy } from '../registry/index.js';
import type { Role, ServerContext } from './types.js';
import { startWebhookDispatcher, type WebhookDispatcherOptions } from './webhooks/index.js';

export interface ServerAppOptions {
  readonly store: Store;
  /** @default { required: false } */
  readonly auth?: AuthOptions;
  /** Lifecycle events and 5xx errors. @default JSON lines on stderr at info */
  readonly log?: JsonLogger;
  /** One JSON log line per request. @default false */
  readonly accessLog?: boolean;
  /** Largest JSON body accepted (artifact uploads stream and are not bound by it). @default 16 MiB */
  readonly bodyLimit?: number;
  /**
   * slipway.yaml's `registry.aliases` policies; an alias named here is protected: only approvers move it,
   * and only when its policy is met. @default {} (no alias protected)
   */
  readonly aliasPolicies?: Readonly<Record<string, AliasPolicy>>;
  /** Roles besides admin that may approve and move protected aliases. @default [] */
  readonly approverRoles?: readonly Role[];
  /** Deliver registry webhooks from this process (options: poll interval, timeouts, retries). @default true */
  readonly webhooks?: boolean | WebhookDispatcherOptions;
}

/**
 * The control-plane server: MLflow's tracking and registry REST API (also under `/ajax-api/`),
 * Slipway's native API, auth, Prometheus metrics. Built, not started, so tests call it with inject().
 */
export async function createServerApp(options: ServerAppOptions): Promise<FastifyInstance> {
  const log = options.log ?? createJsonLogger();
  const store = options.store;
  const policies = options.aliasPolicies ?? {};
  const approvers = new Set(options.approverRoles ?? []);
  const ctx: ServerContext = {
    store, log,
    storeFor: (principal) => (principal.name === store.actor ? store : { ...store, actor: principal.name }),
    aliasPolicy: (alias) => policies[alias] ?? {},
    isProtectedAlias: (alias) => Object.hasOwn(policies, alias),
    canApprove: (principal) => principal.role === 'admin' || approvers.has(principal.role),
  };
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024, genReqId: requestId, return503OnClosing: true });

  // MLflow treats an empty JSON body as {} and old clients double-encode JSON as a string.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new MlflowApiError('MALFORMED_REQUEST', 'The request body is not valid JSON.'), undefined);
    }
  });

  app.setErrorHandler(async (err, request, reply) => {
    const { status, body } = toMlflowError(err);
    if (status >= 500) log.error('request failed', { requestId: request.id, method: request.method, url: request.url, err });
    return reply.status(status).type('application/json').send(JSON.stringify(body));
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.status(404).type('application/json').send(JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}` })),
  );
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  if (options.accessLog) {
    app.addHook('onResponse', async (request, reply) => {
      log.info('request', {
        requestId: request.id, method: request.method, route: request.routeOptions.url, status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100, user: request.principal?.name,
      });
    });
  }

  installAuth(app, ctx, options.auth ?? { required: false });
  installHttpMetrics(app);

  app.get('/health', async (_request, reply) => reply.type('text/plain').send('OK'));
  app.get('/version', async (_request, reply) => reply.type('text/plain').send(VERSION));
  registerMlflowRoutes(app, ctx, mlflowRoutes);
  registerArtifactProxy(app, ctx);
  registerNativeApi(app, ctx);
  if (options.webhooks !== false) {
    const dispatcher = startWebhookDispatcher(ctx, typeof options.webhooks === 'object' ? options.webhooks : {});
    app.addHook('onClose', async () => dispatcher.close());
  }
  return app;
}

let counter = 0;
/** The caller's x-request-id when it sends a sane one, else a fresh one. */
function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given)) return given;
  counter = (counter + 1) % 1e9;
  return `${Date.now().toString(36)}-${counter.toString(36)}`;
}
