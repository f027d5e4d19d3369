import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { createArtifactServer, PROXY, type ArtifactServer } from './mlflow-artifacts-fixture.js';
import { createToken } from '../../src/auth/index.js';
import { routePermissions } from '../../src/server/auth/index.js';
import { proxyTarget, safeArtifactPath } from '../../src/server/mlflow/artifact-paths.js';
import { listAllArtifacts } from '../../src/tracking/index.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite') ?? (BACKENDS[0] as (typeof BACKENDS)[number]);

describe('artifact paths', () => {
  it('normalises safe paths', () => {
    expect(safeArtifactPath('')).toBe('');
    expect(safeArtifactPath('a/b/')).toBe('a/b');
    expect(safeArtifactPath('a//./b')).toBe('a/b');
    expect(safeArtifactPath('a%20b/c%2Fd')).toBe('a b/c/d');
    expect(safeArtifactPath('100%')).toBe('100%');
    expect(safeArtifactPath('x%ZZ%e9')).toBe('x%ZZ%e9');
    expect(safeArtifactPath('...hidden/..x')).toBe('...hidden/..x');
  });

  it.each([
    ['..', "'..' segment"], ['a/../b', "'..' segment"], ['%2e%2e/x', "'..' segment"], ['a%2f..%2fb', "'..' segment"],
    ['%252e%252e%252fetc', "'..' segment"], ['%25252e%25252e/x', "'..' segment"], ['/etc/passwd', 'absolute'], ['%2fetc%2fpasswd', 'absolute'],
    ['a\\b', 'backslash'], ['..%5c..%5cwin.ini', 'backslash'], ['a%00b', 'NUL byte'], ['C:/Windows', 'drive letter'],
    ['c%3a%5cx', 'backslash'], ['a%23b', "'#'"],
  ])('refuses %s (%s)', (raw, why) => {
    expect(() => safeArtifactPath(raw)).toThrow(why);
    try {
      safeArtifactPath(raw);
    } catch (err) {
      expect((err as { errorCode: string }).errorCode).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('refuses paths encoded more than ten times over', () => {
    let p = '..';
    for (let i = 0; i < 11; i++) p = encodeURIComponent(p).replace(/\./g, '%2E');
    expect(() => safeArtifactPath(p)).toThrow('percent-encoded more than 10 times');
  });

  it('recognises a run folder only in the experiment/run/artifacts form', () => {
    const run = 'ab'.repeat(16);
    expect(proxyTarget(`12/${run}/artifacts/model/MLmodel`)).toEqual({ kind: 'run', experimentId: '12', runId: run, path: 'model/MLmodel' });
    expect(proxyTarget(`0/${run}/artifacts`)).toEqual({ kind: 'run', experimentId: '0', runId: run, path: '' });
    expect(proxyTarget(`x/${run}/artifacts/a`).kind).toBe('other');
    expect(proxyTarget(`0/${run.toUpperCase()}/artifacts/a`).kind).toBe('other');
    expect(proxyTarget(`0/${run}/outputs/a`)).toEqual({ kind: 'other', segments: ['0', run, 'outputs', 'a'] });
  });
});

describe('artifact proxy security', () => {
  let s: ArtifactServer;
  beforeAll(async () => {
    s = await createArtifactServer(sqlite);
    await s.upload('safe.txt', 'safe');
  });
  afterAll(async () => s.dispose());

  // inject() resolves literal '../', '%2e%2e/' and '\\' the way a browser would; the socket test sends those raw.
  const attempts = ['..%2f..%2f..%2fetc%2fpasswd', '%252e%252e%252f%252e%252e%252fx', '..%5c..%5cx', 'a%5cb.txt', 'a%00.txt', 'x/%2e%2e%2f%2e%2e%2f%2e%2e%2fy'];

  it.each(attempts)('refuses PUT, GET and DELETE under a run for %s', async (attempt) => {
    for (const method of ['PUT', 'GET', 'DELETE'] as const) {
      const r = await s.raw(method, `${s.root}/${attempt}`, method === 'PUT' ? 'evil' : undefined);
      expect([method, r.status, r.json().error_code]).toEqual([method, 400, 'INVALID_PARAMETER_VALUE']);
    }
    expect((await s.raw('GET', `${PROXY}?path=${encodeURIComponent(`0/${s.runId}/artifacts/${attempt}`)}`)).status).toBe(400);
    expect((await s.raw('GET', `/get-artifact?run_id=${s.runId}&path=${encodeURIComponent(attempt)}`)).status).toBe(400);
    const mpu = await s.raw('POST', `/api/2.0/mlflow-artifacts/mpu/create/0/${s.runId}/artifacts/${attempt}`, '{"path":"/tmp/f","num_parts":1}', { 'content-type': 'application/json' });
    expect(mpu.status).toBe(400);
  });

  it('refuses a path escaping the proxy root itself, and a client file name that is not one', async () => {
    expect((await s.raw('PUT', `${PROXY}//etc/passwd`, 'x')).status).toBe(400);
    expect((await s.raw('PUT', `${PROXY}/%252e%252e/x`, 'x')).status).toBe(400);
    expect((await s.raw('GET', `${PROXY}?path=/etc`)).status).toBe(400);
    const mpu = await s.raw('POST', `/api/2.0/mlflow-artifacts/mpu/create/0/${s.runId}/artifacts`, '{"path":"/tmp/..","num_parts":1}', { 'content-type': 'application/json' });
    expect([mpu.status, mpu.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    // Nothing was written by any attempt.
    expect((await listAllArtifacts(s.ts.store, s.runId)).map((a) => a.path)).toEqual(['safe.txt']);
    // An absolute path after the run folder is only a doubled slash, inside the run: MLflow's proxy joins it the same way.
    expect((await s.raw('PUT', `${s.root}/%2fetc%2fpasswd`, 'x')).status).toBe(200);
    expect((await listAllArtifacts(s.ts.store, s.runId)).map((a) => a.path)).toEqual(['etc/passwd', 'safe.txt']);
  });

  it('declares read for downloads and listings, edit for writes; only multipart part uploads are public', () => {
    const mine = routePermissions(s.app).filter((r) => /mlflow-artifacts|get-artifact/.test(r.url) && r.method !== 'HEAD');
    const table = Object.fromEntries(mine.map((r) => [`${r.method} ${r.url}`, r.permission ?? 'public']));
    for (const prefix of ['/api/2.0/mlflow-artifacts/', '/ajax-api/2.0/mlflow-artifacts/']) {
      expect(table).toMatchObject({
        [`GET ${prefix}artifacts`]: 'read',
        [`GET ${prefix}artifacts/*`]: 'read',
        [`PUT ${prefix}artifacts/*`]: 'edit',
        [`DELETE ${prefix}artifacts/*`]: 'edit',
        [`POST ${prefix}mpu/create/*`]: 'edit',
        [`POST ${prefix}mpu/complete/*`]: 'edit',
        [`POST ${prefix}mpu/abort/*`]: 'edit',
        [`PUT ${prefix}mpu/part/:uploadId/:partNumber`]: 'public',
      });
    }
    expect(table).toMatchObject({ 'GET /get-artifact': 'read', 'GET /model-versions/get-artifact': 'read' });
    expect(Object.values(table).filter((p) => p === 'public')).toHaveLength(2);
  });
});

describe('artifact proxy with auth required', () => {
  let s: ArtifactServer;
  let viewer: string;
  let editor: string;
  beforeAll(async () => {
    s = await createArtifactServer(sqlite, { auth: { required: true } });
    viewer = (await createToken(s.ts.store, { name: 'vera', role: 'viewer' })).token;
    editor = (await createToken(s.ts.store, { name: 'ed', role: 'editor' })).token;
  });
  afterAll(async () => s.dispose());

  it('lets a viewer download and list but not upload or delete; an editor does both', async () => {
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    expect((await s.raw('PUT', `${s.root}/f.txt`, 'x')).status).toBe(401);
    expect((await s.raw('PUT', `${s.root}/f.txt`, 'x', as(viewer))).status).toBe(403);
    expect((await s.raw('PUT', `${s.root}/f.txt`, 'hello', as(editor))).status).toBe(200);
    expect((await s.raw('GET', `${s.root}/f.txt`)).status).toBe(401);
    expect((await s.raw('GET', `${s.root}/f.txt`, undefined, as(viewer))).bytes.toString()).toBe('hello');
    expect((await s.raw('GET', `${PROXY}?path=0/${s.runId}/artifacts`, undefined, as(viewer))).json()).toEqual({ files: [{ path: 'f.txt', is_dir: false, file_size: 5 }] });
    expect((await s.raw('DELETE', `${s.root}/f.txt`, undefined, as(viewer))).status).toBe(403);
    expect((await s.raw('DELETE', `${s.root}/f.txt`, undefined, as(editor))).status).toBe(200);
  });
});
