import { Ajv2020 } from 'ajv/dist/2020.js';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../src/serve/index.js';
import { API_PREFIX, NATIVE_ROUTES, nativeApi, registerNativeApi } from '../../src/server/native/index.js';
import type { ServerContext } from '../../src/server/index.js';
import type { Store } from '../../src/store/index.js';
import { VERSION } from '../../src/version.js';
import { BACKENDS } from '../backends.js';
import { createNativeTestServer, type NativeTestServer, responseChecker } from './native-helpers.js';

type Json = Record<string, unknown>;
const sqlite = BACKENDS.find((b) => b.name === 'sqlite');
if (!sqlite) throw new Error('no sqlite backend');

/**
 * The OpenAPI 3.1 object model, for the parts of it the document uses (OpenAPI Specification 3.1.0,
 * sections 4.8.x): unknown fixed fields are errors, `x-` extensions are allowed everywhere. Schema
 * Objects are checked separately, against JSON Schema 2020-12's own meta-schema.
 */
const ext = { '^x-': {} };
const obj = (properties: Json, required: string[] = []) => ({ type: 'object', properties, required, patternProperties: ext, additionalProperties: false });
const ref = obj({ $ref: { type: 'string' }, summary: { type: 'string' }, description: { type: 'string' } }, ['$ref']);
const mediaTypes = { type: 'object', minProperties: 1, additionalProperties: obj({ schema: { type: ['object', 'boolean'] } }, ['schema']) };
const OPENAPI_31 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $defs: {
    parameter: obj({
      name: { type: 'string', minLength: 1 }, in: { enum: ['query', 'header', 'path', 'cookie'] }, description: { type: 'string' },
      required: { type: 'boolean' }, deprecated: { type: 'boolean' }, schema: { type: ['object', 'boolean'] },
    }, ['name', 'in', 'schema']),
    response: { oneOf: [ref, obj({ description: { type: 'string' }, content: mediaTypes, headers: { type: 'object' } }, ['description'])] },
    operation: obj({
      operationId: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' }, summary: { type: 'string' }, description: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } }, parameters: { type: 'array', items: { $ref: '#/$defs/parameter' } },
      requestBody: obj({ description: { type: 'string' }, required: { type: 'boolean' }, content: mediaTypes }, ['content']),
      responses: { type: 'object', minProperties: 1, propertyNames: { pattern: '^([1-5]\\d\\d|default)$' }, additionalProperties: { $ref: '#/$defs/response' } },
      security: { type: 'array' }, deprecated: { type: 'boolean' },
    }, ['responses']),
  },
  ...obj({
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: obj({
      title: { type: 'string' }, version: { type: 'string' }, description: { type: 'string' },
      license: obj({ name: { type: 'string' }, identifier: { type: 'string' }, url: { type: 'string' } }, ['name']),
    }, ['title', 'version']),
    jsonSchemaDialect: { type: 'string', format: 'uri' },
    servers: { type: 'array', items: obj({ url: { type: 'string' }, description: { type: 'string' } }, ['url']) },
    security: { type: 'array', items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
    tags: { type: 'array', items: obj({ name: { type: 'string' }, description: { type: 'string' } }, ['name']) },
    paths: {
      type: 'object', propertyNames: { pattern: '^/' },
      additionalProperties: obj(Object.fromEntries(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].map((m) => [m, { $ref: '#/$defs/operation' }]))),
    },
    components: obj({
      schemas: { type: 'object', additionalProperties: { type: ['object', 'boolean'] } },
      responses: { type: 'object', additionalProperties: { $ref: '#/$defs/response' } },
      securitySchemes: { type: 'object', additionalProperties: obj({ type: { enum: ['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'] }, scheme: { type: 'string' }, description: { type: 'string' } }, ['type']) },
    }),
  }, ['openapi', 'info']),
};

/** Every Schema Object in the document, with where it is. */
function schemasOf(doc: Json): [string, unknown][] {
  const out: [string, unknown][] = Object.entries((doc.components as Json).schemas as Json).map(([k, v]) => [`components.schemas.${k}`, v]);
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const p of (op.parameters ?? []) as Json[]) out.push([`${where} parameter ${String(p.name)}`, p.schema]);
      const body = op.requestBody as { content: Record<string, Json> } | undefined;
      if (body) for (const [type, media] of Object.entries(body.content)) out.push([`${where} body ${type}`, media.schema]);
      for (const [status, r] of Object.entries(op.responses as Record<string, { content?: Record<string, Json> }>)) {
        for (const [type, media] of Object.entries(r.content ?? {})) out.push([`${where} ${status} ${type}`, media.schema]);
      }
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  let s: NativeTestServer;
  let doc: Json;
  beforeAll(async () => {
    s = await createNativeTestServer(sqlite);
    doc = s.doc;
  });
  afterAll(async () => {
    await s.dispose();
  });

  it('lists every registered /api/v1 route, and nothing else', async () => {
    const app = Fastify();
    const registered: string[] = [];
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD') registered.push(`${m} ${r.url}`);
    });
    app.decorateRequest('principal', null as never);
    const store = { actor: 'x' } as Store;
    const ctx: ServerContext = {
      store, log: createJsonLogger({ level: 'error' }), storeFor: () => store, aliasPolicy: () => ({}), isProtectedAlias: () => false, canApprove: () => true,
    };
    registerNativeApi(app, ctx);
    await app.ready();
    await app.close();
    const documented = Object.entries(doc.paths as Record<string, Json>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(registered.filter((r) => r.includes(API_PREFIX)).sort()).toEqual(documented.sort());
    expect(registered.every((r) => r.split(' ')[1]?.startsWith(`${API_PREFIX}/`))).toBe(true);
    expect(documented).toHaveLength(NATIVE_ROUTES.length + 1);
    // And the real server serves each of them.
    const probe = await Promise.all(documented.map(async (d) => {
      const [method = '', url = ''] = d.split(' ');
      return [d, s.call(method as 'GET', url.replace(/:(\w+)/g, 'x'))] as const;
    }));
    for (const [d, answer] of probe) expect((await answer).body.error_code, d).not.toBe('ENDPOINT_NOT_FOUND');
  });

  it('is served at /api/v1/openapi.json, generated from the route definitions', async () => {
    const r = await s.call('GET', '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(JSON.parse(JSON.stringify(nativeApi().document)));
    expect(nativeApi().routes.map((x) => x.operationId)).toContain('getOpenApiDocument');
    expect(r.body.info.version).toBe(VERSION);
    const ops = Object.values(doc.paths as Record<string, Record<string, Json>>).flatMap((o) => Object.values(o));
    expect(ops.find((o) => o.operationId === 'getOpenApiDocument')?.['x-slipway-permission']).toBe('read');
  });

  it('is a valid OpenAPI 3.1 document whose schemas are valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    const valid = ajv.validate(OPENAPI_31, doc);
    expect(valid, ajv.errorsText(ajv.errors)).toBe(true);
    const meta = new Ajv2020({ allErrors: true });
    const schemas = schemasOf(doc);
    expect(schemas.length).toBeGreaterThan(100);
    for (const [where, schema] of schemas) expect(meta.validateSchema(schema as object), `${where}: ${meta.errorsText(meta.errors)}`).toBe(true);
    // Every $ref points at something that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] ?? '');
    for (const r of new Set(refs)) {
      const target = r.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
      expect(target, r).toBeDefined();
    }
  });

  it('documents each operation fully: unique ids, permissions, path parameters, error answers', () => {
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${path}`;
        expect(ids.has(op.operationId as string), where).toBe(false);
        ids.add(op.operationId as string);
        expect(['read', 'edit', 'admin'], where).toContain(op['x-slipway-permission']);
        const declared = ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'path').map((p) => p.name).sort();
        expect(declared, where).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
        expect(Object.keys(op.responses as Json), where).toEqual(expect.arrayContaining(['400', '401', '403']));
        if (method !== 'get' && method !== 'delete' && !/redeliver$/.test(path)) expect(op.requestBody, where).toBeDefined();
      }
    }
    expect(ids.size).toBe(NATIVE_ROUTES.length + 1);
    const writes = NATIVE_ROUTES.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${r.permission}`);
    expect(writes.filter((w) => w.endsWith(' read'))).toEqual([]);
    expect(NATIVE_ROUTES.filter((r) => r.path.startsWith('/webhooks')).every((r) => r.permission === 'admin')).toBe(true);
  });

  it("catches answers that do not match it (the check every native test's calls go through)", () => {
    const check = responseChecker(doc);
    expect(() => check('GET', '/api/v1/models', 200, 'application/json', { registered_models: [] })).not.toThrow();
    expect(() => check('GET', '/api/v1/models', 200, 'application/json', { registered_models: [{ name: 'x' }] })).toThrow(/must have required property/);
    expect(() => check('GET', '/api/v1/models', 200, 'application/json', { registered_models: [], extra: 1 })).toThrow(/must NOT have additional properties/);
    expect(() => check('GET', '/api/v1/models', 500, 'application/json', {})).toThrow(/does not document/);
    expect(() => check('GET', '/api/v1/models/x', 404, 'application/json', { error_code: 'RESOURCE_DOES_NOT_EXIST' })).toThrow(/message/);
  });
});
