import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ANONYMOUS, createTokenVerifier, type TokenVerifierOptions, type Verification } from '../../auth/index.js';
import { roleAllows, type Permission, type Principal, type ServerContext } from '../types.js';
import { readCredentials } from './credentials.js';
import { createDenialAudit, type Denial } from './denial-audit.js';

export interface AuthOptions {
  /**
   * Whether every route needing a permission must carry a valid token. When false, callers without
   * one act as the server's own user with role admin; a valid token still names its caller and its
   * role still applies, so a request means the same with auth on or off.
   */
  readonly required: boolean;
  /**
   * Most `auth.denied` audit entries written per minute; identical denials (same source, actor, route,
   * reason) are written once a minute. See `createDenialAudit`.
   * @default 60
   */
  readonly deniedAuditPerMinute?: number;
  /** Cache and last-used settings of the token check. @default see TokenVerifierOptions */
  readonly tokens?: Omit<TokenVerifierOptions, 'onTouchError'>;
}

/** A route as registered, with the least role it needs (undefined: public). */
export interface RoutePermission {
  readonly method: string;
  readonly url: string;
  readonly permission: Permission | undefined;
}

const PERMISSIONS: readonly unknown[] = ['read', 'edit', 'admin'] satisfies Permission[];
const tables = new WeakMap<FastifyInstance, RoutePermission[]>();

/** Every route registered after `installAuth`, with its permission: for tests and documentation. */
export function routePermissions(app: FastifyInstance): readonly RoutePermission[] {
  return tables.get(app) ?? [];
}

/**
 * Authenticates and authorises every request in `onRequest`, before the body is read, so a caller
 * without a token cannot make the server read (or limit-check) a large body. Sets `request.principal`.
 * Refusals answer as MLflow does: 401 UNAUTHENTICATED with a `WWW-Authenticate` challenge, 403
 * PERMISSION_DENIED, each recorded (rate-limited) in the audit log as `auth.denied`.
 * Install it before any route, so its `onRoute` hook sees them all.
 */
export function installAuth(app: FastifyInstance, ctx: ServerContext, options: AuthOptions): void {
  const { required } = options;
  const local: Principal = { name: ctx.store.actor, role: 'admin' };
  const anonymous: Principal = { name: ANONYMOUS, role: 'viewer' };
  const verifier = createTokenVerifier(ctx.store, {
    ...options.tokens,
    onTouchError: (err) => ctx.log.warn('could not record when a token was last used', { err }),
  });
  const denials = createDenialAudit(ctx.store, ctx.log, options.deniedAuditPerMinute ?? 60);

  const table: RoutePermission[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route) => {
    const permission: unknown = route.config?.permission;
    // A misspelt permission would quietly refuse everyone or, in other hands, allow everyone: fail at start-up.
    if (permission !== undefined && !PERMISSIONS.includes(permission)) {
      throw new Error(`route ${String(route.method)} ${route.url} declares unknown permission '${String(permission)}'`);
    }
    for (const method of [route.method].flat()) table.push({ method, url: route.url, permission: permission as Permission | undefined });
  });

  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request, reply) => {
    const permission = request.routeOptions.config?.permission;
    const credentials = readCredentials(request.headers.authorization);
    const checked: Verification | undefined = credentials.kind === 'token' ? await verifier.verify(credentials.secret) : undefined;
    if (checked?.ok) {
      request.principal = { name: checked.token.name, role: checked.token.role, tokenId: checked.token.id };
    } else if (!required) {
      request.principal = local;
    } else if (permission === undefined) {
      request.principal = anonymous;
    } else {
      const [reason, message] = checked
        ? refusal(checked)
        : credentials.kind === 'malformed'
          ? ['malformed credentials', `The Authorization header is not understood: ${credentials.detail}.`]
          : ['no credentials', "Authentication required: send 'Authorization: Bearer <token>' (MLFLOW_TRACKING_TOKEN) or basic auth with the token as password (MLFLOW_TRACKING_PASSWORD). An admin creates tokens with 'slipway tokens create'."];
      const token = checked && 'token' in checked ? checked.token : undefined;
      return deny(request, reply, { status: 401, reason, actor: token?.name ?? ANONYMOUS, ...(token ? { tokenId: token.id } : {}) }, message);
    }
    if (permission !== undefined && !roleAllows(request.principal.role, permission)) {
      const { name, role, tokenId } = request.principal;
      const needs = permission === 'admin' ? 'admin' : 'editor or admin';
      const message = `Permission denied: ${request.method} ${request.routeOptions.url} needs role ${needs}; ${name} has role ${role}.`;
      return deny(request, reply, { status: 403, reason: `role ${role} lacks ${permission}`, actor: name, ...(tokenId ? { tokenId } : {}) }, message);
    }
  });

  app.addHook('onClose', async () => {
    await verifier.flush();
    denials.close();
  });

  async function deny(request: FastifyRequest, reply: FastifyReply, d: Pick<Denial, 'status' | 'reason' | 'actor' | 'tokenId'>, message: string) {
    await denials.record({ ...d, method: request.method, route: request.routeOptions.url ?? request.url, source: request.ip });
    if (d.status === 401) void reply.header('www-authenticate', ['Basic realm="slipway", charset="UTF-8"', 'Bearer realm="slipway"']);
    const body = { error_code: d.status === 401 ? 'UNAUTHENTICATED' : 'PERMISSION_DENIED', message };
    return reply.status(d.status).type('application/json').send(JSON.stringify(body));
  }
}

function refusal(v: Exclude<Verification, { ok: true }>): [reason: string, message: string] {
  if (v.reason === 'unknown') return ['unknown token', 'The token is not valid.'];
  if (v.reason === 'revoked') return ['revoked token', `The token ${v.token.id} was revoked; ask an admin for a new one.`];
  const at = new Date(v.token.expires_time ?? 0).toISOString();
  return ['expired token', `The token ${v.token.id} expired at ${at}; ask an admin for a new one.`];
}
