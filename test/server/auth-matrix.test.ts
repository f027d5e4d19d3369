import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/index.js';
import { createToken, revokeToken } from '../../src/auth/index.js';
import { routePermissions, type RoutePermission } from '../../src/server/auth/index.js';
import { mlflowRoutes } from '../../src/server/mlflow/index.js';
import { MLFLOW_PREFIXES } from '../../src/server/mlflow/mlflow-router.js';
import { roleAllows, type Role } from '../../src/server/types.js';
import { BACKENDS } from '../backends.js';
import { createTestServer, type TestServer } from './server-fixture.js';

/**
 * Every route the server registers, whoever added it, against every kind of caller: the table comes
 * from installAuth's onRoute hook, so a route added later is in the matrix without editing this file.
 */

const sqlite = BACKENDS.find((b) => b.name === 'sqlite') ?? (BACKENDS[0] as (typeof BACKENDS)[number]);

/**
 * Routes anyone may call. A new route without a permission fails the test until it is added here,
 * so going public is always a decision someone made on purpose.
 */
const PUBLIC = new Set([
  '/health', '/version', '/metrics',
  // A multipart part's URL plays a presigned S3 URL's role: MLflow's client PUTs parts without credentials,
  // and the unguessable upload id, handed out by the authenticated mpu/create, is the credential.
  '/api/2.0/mlflow-artifacts/mpu/part/:uploadId/:partNumber', '/ajax-api/2.0/mlflow-artifacts/mpu/part/:uploadId/:partNumber',
]);

type Caller = 'nobody' | 'revoked' | Role;
const DENIED = new Set([401, 403]);

/** A URL that reaches the route: parameters become '1', a wildcard a nested file path. */
const concrete = (url: string) => url.replace(/:\w+(\([^)]*\))?/g, '1').replace(/\*$/, 'x/y.txt');

let s: TestServer;
let table: readonly RoutePermission[];
const secrets = new Map<Caller, string>();
beforeAll(async () => {
  s = await createTestServer(sqlite, { auth: { required: true, deniedAuditPerMinute: 1_000_000 } });
  table = routePermissions(s.app);
  for (const role of ['viewer', 'editor', 'admin'] as const) secrets.set(role, (await createToken(s.ts.store, { name: `${role}-bot`, role })).token);
  const revoked = await createToken(s.ts.store, { name: 'revoked-bot', role: 'admin' });
  await revokeToken(s.ts.store, revoked.id);
  secrets.set('revoked', revoked.token);
});
afterAll(async () => s?.dispose());

async function callAs(caller: Caller, route: RoutePermission): Promise<{ status: number; body: string }> {
  const secret = secrets.get(caller);
  const hasBody = !['GET', 'HEAD'].includes(route.method);
  const res = await s.app.inject({
    method: route.method as 'GET', url: concrete(route.url),
    headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(hasBody ? { 'content-type': 'application/json' } : {}) },
    ...(hasBody ? { payload: '{}' } : {}),
  });
  return { status: res.statusCode, body: res.body };
}

const guarded = () => table.filter((r) => r.permission !== undefined);

describe('auth matrix: every route × every kind of caller, auth required', () => {
  it('collects the whole route table: every MLflow route under both prefixes, and more than a trivial few', () => {
    expect(mlflowRoutes.length).toBeGreaterThanOrEqual(40);
    for (const route of mlflowRoutes) {
      for (const prefix of MLFLOW_PREFIXES) {
        expect(table, `${route.method} ${prefix}${route.path}`).toContainEqual({ method: route.method, url: prefix + route.path, permission: route.permission });
      }
    }
    expect(guarded().length).toBeGreaterThanOrEqual(100);
  });

  it('has no public route besides the ones named on purpose', () => {
    const open = table.filter((r) => r.permission === undefined && !PUBLIC.has(r.url)).map((r) => `${r.method} ${r.url}`);
    expect(open).toEqual([]);
  });

  it('lets anyone call the public routes: /health, /version, /metrics', async () => {
    for (const url of ['/health', '/version', '/metrics']) expect((await s.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    const refused = [];
    for (const route of table.filter((r) => r.permission === undefined)) {
      const { status } = await callAs('nobody', route);
      if (DENIED.has(status)) refused.push(`${route.method} ${route.url} → ${status}`);
    }
    expect(refused).toEqual([]);
  });

  const expected = (caller: Caller, route: RoutePermission): 401 | 403 | 'not denied' => {
    if (caller === 'nobody' || caller === 'revoked') return 401;
    return roleAllows(caller, route.permission ?? 'read') ? 'not denied' : 403;
  };

  for (const caller of ['nobody', 'revoked', 'viewer', 'editor', 'admin'] as const) {
    it(`answers ${caller} as its role allows on every guarded route`, async () => {
      const wrong: string[] = [];
      for (const route of guarded()) {
        const want = expected(caller, route);
        const { status, body } = await callAs(caller, route);
        const got = DENIED.has(status) ? status : 'not denied';
        if (got !== want) wrong.push(`${route.method} ${route.url} (${route.permission}): want ${want}, got ${status} ${body.slice(0, 120)}`);
        else if (typeof want === 'number' && route.method !== 'HEAD') {
          const code = (JSON.parse(body) as { error_code?: string }).error_code;
          if (code !== (want === 401 ? 'UNAUTHENTICATED' : 'PERMISSION_DENIED')) wrong.push(`${route.method} ${route.url}: error_code ${code}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('left an auth.denied audit entry for every kind of denial on every guarded route', async () => {
    const entries = await listAudit(s.ts.store.db, { action: 'auth.denied', limit: 100_000 });
    const seen = new Set(entries.map((e) => `${e.actor} ${e.reason} ${e.subject_id}`));
    const missing: string[] = [];
    for (const route of guarded()) {
      const subject = `${route.method} ${route.url}`;
      const want = [`anonymous no credentials ${subject}`, `revoked-bot revoked token ${subject}`];
      if (route.permission !== 'read') want.push(`viewer-bot role viewer lacks ${route.permission} ${subject}`);
      if (route.permission === 'admin') want.push(`editor-bot role editor lacks admin ${subject}`);
      missing.push(...want.filter((w) => !seen.has(w)));
    }
    expect(missing).toEqual([]);
    expect(entries.every((e) => e.subject_type === 'route' && (e.after as { source?: string }).source === '127.0.0.1')).toBe(true);
  });
});
