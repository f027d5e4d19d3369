import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { createTestStore, type TestStore } from '../../../test/helpers/test-store.js';
import { listAudit } from '../../audit/index.js';
import { createToken, revokeToken, type CreatedToken } from '../../auth/index.js';
import { createJsonLogger } from '../../serve/index.js';
import { createServerApp } from '../app.js';
import { routePermissions, type AuthOptions } from './index.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite') ?? (BACKENDS[0] as (typeof BACKENDS)[number]);
const T0 = 1_700_000_000_000;
const quiet = createJsonLogger({ level: 'error', stream: { write: () => true } });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface Probe {
  readonly app: FastifyInstance;
  readonly ts: TestStore;
  clock: number;
  call(method: 'GET' | 'POST', url: string, authorization?: string, payload?: string): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }>;
  dispose(): Promise<void>;
}

/** The real server app plus one probe route per permission (and a public one) that answer with the caller. */
async function probeServer(auth: AuthOptions): Promise<Probe> {
  const probe = { clock: T0 } as Probe;
  const ts = await createTestStore(sqlite, { actor: 'alice', now: () => probe.clock });
  const app = await createServerApp({ store: ts.store, log: quiet, auth, bodyLimit: 1024, webhooks: false });
  const who = async (request: { principal: unknown }) => ({ principal: request.principal });
  app.get('/probe/read', { config: { permission: 'read' } }, who);
  app.post('/probe/edit', { config: { permission: 'edit' } }, who);
  app.post('/probe/admin', { config: { permission: 'admin' } }, who);
  app.get('/probe/public', who);
  await app.ready();
  return Object.assign(probe, {
    app, ts,
    async call(method: 'GET' | 'POST', url: string, authorization?: string, payload?: string) {
      const res = await app.inject({
        method, url, headers: { ...(authorization ? { authorization } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(payload !== undefined ? { payload } : {}),
      });
      return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown>, headers: res.headers };
    },
    async dispose() {
      await app.close();
      await ts.dispose();
    },
  });
}

const denials = async (p: Probe) => (await listAudit(p.ts.store.db, { action: 'auth.denied' })).map((e) => ({ actor: e.actor, subject: e.subject_id, reason: e.reason, after: e.after }));

describe('installAuth with auth required', () => {
  let p: Probe;
  let viewer: CreatedToken;
  let editor: CreatedToken;
  let admin: CreatedToken;
  beforeAll(async () => {
    p = await probeServer({ required: true, deniedAuditPerMinute: 1000 });
    viewer = await createToken(p.ts.store, { name: 'vera', role: 'viewer' });
    editor = await createToken(p.ts.store, { name: 'ed', role: 'editor' });
    admin = await createToken(p.ts.store, { name: 'ada', role: 'admin' });
  });
  afterAll(async () => p?.dispose());

  it('answers a call without credentials 401 UNAUTHENTICATED with a challenge, and audits it', async () => {
    const r = await p.call('GET', '/probe/read');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      error_code: 'UNAUTHENTICATED',
      message: "Authentication required: send 'Authorization: Bearer <token>' (MLFLOW_TRACKING_TOKEN) or basic auth with the token as password (MLFLOW_TRACKING_PASSWORD). An admin creates tokens with 'slipway tokens create'.",
    });
    expect(r.headers['www-authenticate']).toEqual(['Basic realm="slipway", charset="UTF-8"', 'Bearer realm="slipway"']);
    expect(r.headers['x-request-id']).toEqual(expect.any(String));
    expect((await denials(p))[0]).toEqual({ actor: 'anonymous', subject: 'GET /probe/read', reason: 'no credentials', after: { status: 401, source: '127.0.0.1' } });
  });

  it('lets each role through to what it may do and answers the rest 403 PERMISSION_DENIED', async () => {
    const bearer = (k: CreatedToken) => `Bearer ${k.token}`;
    expect(await p.call('GET', '/probe/read', bearer(viewer))).toMatchObject({ status: 200, body: { principal: { name: 'vera', role: 'viewer', tokenId: viewer.id } } });
    const refused = await p.call('POST', '/probe/edit', bearer(viewer), '{}');
    expect(refused).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'Permission denied: POST /probe/edit needs role editor or admin; vera has role viewer.' } });
    expect(refused.headers['www-authenticate']).toBeUndefined();
    expect((await denials(p))[0]).toEqual({ actor: 'vera', subject: 'POST /probe/edit', reason: 'role viewer lacks edit', after: { status: 403, source: '127.0.0.1', token_id: viewer.id } });

    expect((await p.call('POST', '/probe/edit', bearer(editor), '{}')).status).toBe(200);
    expect(await p.call('POST', '/probe/admin', bearer(editor), '{}')).toMatchObject({
      status: 403, body: { message: 'Permission denied: POST /probe/admin needs role admin; ed has role editor.' },
    });
    for (const url of ['/probe/edit', '/probe/admin']) expect((await p.call('POST', url, bearer(admin), '{}')).status).toBe(200);
    expect((await p.call('GET', '/probe/read', bearer(admin))).status).toBe(200);
  });

  it("accepts MLflow's basic auth with the token as password, acting as the token's name whatever the user name", async () => {
    expect(await p.call('GET', '/probe/read', basic('mallory', editor.token))).toMatchObject({ status: 200, body: { principal: { name: 'ed', role: 'editor' } } });
    expect(await p.call('GET', '/probe/read', basic(editor.token, ''))).toMatchObject({ status: 200, body: { principal: { name: 'ed' } } });
    expect((await p.call('GET', '/probe/read', basic('ed', 'wrong'))).body).toEqual({ error_code: 'UNAUTHENTICATED', message: 'The token is not valid.' });
  });

  it('refuses malformed headers, unknown, revoked and expired tokens with 401, naming real tokens in the audit', async () => {
    expect((await p.call('GET', '/probe/read', 'Digest x')).body).toEqual({
      error_code: 'UNAUTHENTICATED', message: "The Authorization header is not understood: unsupported scheme 'Digest': use Bearer or Basic.",
    });
    expect(await p.call('GET', '/probe/read', `Bearer slw_${'x'.repeat(43)}`)).toMatchObject({ status: 401, body: { message: 'The token is not valid.' } });

    const gone = await createToken(p.ts.store, { name: 'gone', role: 'admin' });
    expect((await p.call('GET', '/probe/read', `Bearer ${gone.token}`)).status).toBe(200);
    await revokeToken(p.ts.store, gone.id); // same process: refused at once, no cache delay
    expect(await p.call('GET', '/probe/read', `Bearer ${gone.token}`)).toMatchObject({
      status: 401, body: { error_code: 'UNAUTHENTICATED', message: `The token ${gone.id} was revoked; ask an admin for a new one.` },
    });
    expect((await denials(p))[0]).toEqual({ actor: 'gone', subject: 'GET /probe/read', reason: 'revoked token', after: { status: 401, source: '127.0.0.1', token_id: gone.id } });

    const brief = await createToken(p.ts.store, { name: 'brief', role: 'admin', expiresIn: 60_000 });
    p.clock += 60_000;
    expect((await p.call('GET', '/probe/read', `Bearer ${brief.token}`)).body).toEqual({
      error_code: 'UNAUTHENTICATED', message: `The token ${brief.id} expired at ${new Date(p.clock).toISOString()}; ask an admin for a new one.`,
    });
    expect((await denials(p))[0]).toMatchObject({ actor: 'brief', reason: 'expired token' });
  });

  it('lets anyone call public routes, naming a valid caller and ignoring a bad one', async () => {
    expect(await p.call('GET', '/probe/public')).toMatchObject({ status: 200, body: { principal: { name: 'anonymous', role: 'viewer' } } });
    expect(await p.call('GET', '/probe/public', `Bearer ${admin.token}`)).toMatchObject({ status: 200, body: { principal: { name: 'ada', role: 'admin' } } });
    expect(await p.call('GET', '/probe/public', 'Bearer nonsense')).toMatchObject({ status: 200, body: { principal: { name: 'anonymous' } } });
    for (const url of ['/health', '/version', '/metrics']) expect((await p.app.inject({ method: 'GET', url })).statusCode).toBe(200);
  });

  it('refuses before reading the body: 401 for a stranger, 413 only for a caller with a token', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(4096) });
    expect((await p.call('POST', '/probe/edit', undefined, big)).status).toBe(401);
    expect(await p.call('POST', '/probe/edit', `Bearer ${editor.token}`, big)).toMatchObject({ status: 413, body: { error_code: 'REQUEST_LIMIT_EXCEEDED' } });
  });

  it('answers a stranger before the announced body has arrived', async () => {
    const address = await p.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => {
        text += String(chunk);
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      // 1000 bytes announced (within the limit), 2 sent: a server that parsed bodies first would wait forever.
      socket.write('POST /probe/edit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"');
      setTimeout(() => reject(new Error(`no answer within 5 s; got ${JSON.stringify(text)}`)), 5000).unref();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('audits a flood of identical denials once per minute', async () => {
    const before = (await denials(p)).length;
    for (let i = 0; i < 30; i++) expect((await p.call('POST', '/probe/admin', undefined, '{}')).status).toBe(401);
    expect((await denials(p)).length - before).toBe(1);
    p.clock += 60_000;
    expect((await p.call('POST', '/probe/admin', undefined, '{}')).status).toBe(401);
    expect((await denials(p)).length - before).toBe(2);
  });

  it('keeps a table of every route and its permission, HEAD included', () => {
    const table = routePermissions(p.app);
    const find = (method: string, url: string) => table.find((r) => r.method === method && r.url === url);
    expect(find('GET', '/probe/read')).toEqual({ method: 'GET', url: '/probe/read', permission: 'read' });
    expect(find('HEAD', '/probe/read')).toEqual({ method: 'HEAD', url: '/probe/read', permission: 'read' });
    expect(find('POST', '/probe/admin')?.permission).toBe('admin');
    expect(find('GET', '/health')).toEqual({ method: 'GET', url: '/health', permission: undefined });
  });
});

describe('installAuth with auth off', () => {
  let p: Probe;
  beforeAll(async () => {
    p = await probeServer({ required: false });
  });
  afterAll(async () => p?.dispose());

  it("treats a caller without a valid token as the server's own user, as admin", async () => {
    expect(await p.call('POST', '/probe/admin', undefined, '{}')).toMatchObject({ status: 200, body: { principal: { name: 'alice', role: 'admin' } } });
    expect(await p.call('POST', '/probe/admin', 'Bearer nonsense', '{}')).toMatchObject({ status: 200, body: { principal: { name: 'alice', role: 'admin' } } });
    expect(await denials(p)).toEqual([]);
  });

  it("names a caller with a valid token, whose role still applies", async () => {
    const viewer = await createToken(p.ts.store, { name: 'vera', role: 'viewer' });
    expect(await p.call('GET', '/probe/read', basic('x', viewer.token))).toMatchObject({ status: 200, body: { principal: { name: 'vera', role: 'viewer', tokenId: viewer.id } } });
    expect(await p.call('POST', '/probe/edit', `Bearer ${viewer.token}`, '{}')).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
    expect(await denials(p)).toEqual([{ actor: 'vera', subject: 'POST /probe/edit', reason: 'role viewer lacks edit', after: { status: 403, source: '127.0.0.1', token_id: viewer.id } }]);
  });
});

describe('installAuth at start-up', () => {
  it('refuses a route declaring a permission it does not know', async () => {
    const ts = await createTestStore(sqlite);
    const app = await createServerApp({ store: ts.store, log: quiet, webhooks: false });
    try {
      expect(() => app.post('/typo', { config: { permission: 'write' as 'edit' } }, async () => ({}))).toThrow("route POST /typo declares unknown permission 'write'");
    } finally {
      await app.close();
      await ts.dispose();
    }
  });
});
