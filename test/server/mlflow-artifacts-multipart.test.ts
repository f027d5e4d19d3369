import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { binary, createArtifactServer, type ArtifactServer } from './mlflow-artifacts-fixture.js';
import { createToken } from '../../src/auth/index.js';
import { MULTIPART_UNSUPPORTED } from '../../src/server/mlflow/multipart-routes.js';
import { PART_URL_TTL_MS } from '../../src/server/mlflow/multipart-upload.js';
import { createRun, deleteRun, listAllArtifacts } from '../../src/tracking/index.js';

const MPU = '/api/2.0/mlflow-artifacts/mpu';
const JSON_HEADERS = { 'content-type': 'application/json' };

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`multipart uploads through the artifact proxy (${backend.name})`, () => {
    let s: ArtifactServer;
    let clock = 1_700_000_000_000;
    beforeAll(async () => {
      s = await createArtifactServer(backend, { now: () => clock });
    });
    afterAll(async () => s.dispose());

    const post = (action: string, folder: string, body: object, headers: Record<string, string> = {}) =>
      s.raw('POST', `${MPU}/${action}/${folder}`, JSON.stringify(body), { ...JSON_HEADERS, ...headers });
    const runFolder = (sub?: string) => `0/${s.runId}/artifacts${sub ? `/${sub}` : ''}`;
    /** PUTs a part to the URL `create` handed out, as MLflow's client does (no credentials). */
    const putPart = (url: string, bytes: Buffer | string) => s.raw('PUT', new URL(url).pathname, bytes, { 'content-type': 'application/octet-stream' });

    it('creates, takes parts in any order, completes into the artifact, and cleans up', async () => {
      const bytes = binary(250_000);
      const chunks = [bytes.subarray(0, 100_000), bytes.subarray(100_000, 200_000), bytes.subarray(200_000)];
      const created = await post('create', runFolder('big'), { path: '/home/me/data/big.bin', num_parts: 3 });
      expect(created.status).toBe(200);
      const { upload_id: uploadId, credentials } = created.json() as { upload_id: string; credentials: { url: string; part_number: number }[] };
      expect(uploadId).toMatch(/^[0-9a-f]{64}$/);
      expect(credentials).toEqual([1, 2, 3].map((n) => ({ url: `http://localhost:80${MPU}/part/${uploadId}/${n}`, part_number: n })));

      const etags: string[] = [];
      for (const i of [2, 0, 1]) {
        const r = await putPart(credentials[i]?.url ?? '', chunks[i] ?? '');
        expect(r.status).toBe(200);
        etags[i] = String(r.headers.etag);
      }
      expect(etags.every((e) => /^"[0-9a-f]{64}"$/.test(e))).toBe(true);
      const parts = etags.map((etag, i) => ({ part_number: i + 1, etag, url: credentials[i]?.url }));
      const done = await post('complete', runFolder('big'), { path: '/home/me/data/big.bin', upload_id: uploadId, parts: [...parts].reverse() });
      expect([done.status, done.json()]).toEqual([200, {}]);

      const got = await s.raw('GET', `${s.root}/big/big.bin`);
      expect(got.bytes.equals(bytes)).toBe(true);
      expect((await s.list('big')).json()).toEqual({ files: [{ path: 'big.bin', is_dir: false, file_size: 250_000 }] });
      // The session and the part blobs are gone; a retried complete finds no upload.
      for (const hash of [uploadId, ...etags.map((e) => e.slice(1, -1))]) expect(await s.ts.store.objects.has(hash)).toBe(false);
      const again = await post('complete', runFolder('big'), { path: '/home/me/data/big.bin', upload_id: uploadId, parts });
      expect([again.status, again.json().error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    });

    it('puts the file at the run root when no folder is given, named from a Windows path too', async () => {
      const created = (await post('create', runFolder(), { path: 'C:\\Users\\me\\w.bin', num_parts: 1 })).json();
      const etag = String((await putPart(created.credentials[0].url, 'whole')).headers.etag);
      await post('complete', runFolder(), { path: 'C:\\Users\\me\\w.bin', upload_id: created.upload_id, parts: [{ part_number: '1', etag }] });
      expect((await s.raw('GET', `${s.root}/w.bin`)).bytes.toString()).toBe('whole');
    });

    it('completes an upload of no parts into an empty file', async () => {
      const created = (await post('create', runFolder('e'), { path: 'empty.bin', num_parts: 0 })).json();
      expect(created.credentials).toEqual([]);
      expect((await post('complete', runFolder('e'), { path: 'empty.bin', upload_id: created.upload_id, parts: [] })).status).toBe(200);
      expect((await s.raw('GET', `${s.root}/e/empty.bin`)).bytes.length).toBe(0);
    });

    it('refuses bad part numbers, incomplete part lists and ETags that are not the parts', async () => {
      const a = (await post('create', runFolder('x'), { path: 'x.bin', num_parts: 2 })).json();
      const b = (await post('create', runFolder('x'), { path: 'x.bin', num_parts: 2 })).json();
      for (const n of ['0', '3', 'one']) {
        const r = await s.raw('PUT', `${MPU}/part/${a.upload_id}/${n}`, 'x');
        expect([n, r.status, r.json().error_code]).toEqual([n, 400, 'INVALID_PARAMETER_VALUE']);
      }
      const a1 = String((await putPart(a.credentials[0].url, 'a1')).headers.etag);
      const a2 = String((await putPart(a.credentials[1].url, 'a2')).headers.etag);
      const b1 = String((await putPart(b.credentials[0].url, 'b1')).headers.etag);
      const complete = async (id: string, parts: object[]) => {
        const r = await post('complete', runFolder('x'), { path: 'x.bin', upload_id: id, parts });
        return [r.status, r.json().message];
      };
      expect(await complete(a.upload_id, [{ part_number: 1, etag: a1 }])).toEqual([400, `Upload ${a.upload_id} has 2 parts: complete it with parts numbered 1..2, each once (got 1).`]);
      expect(await complete(a.upload_id, [{ part_number: 1, etag: a1 }, { part_number: 1, etag: a1 }])).toEqual([400, `Upload ${a.upload_id} has 2 parts: complete it with parts numbered 1..2, each once (got 1, 1).`]);
      expect(await complete(a.upload_id, [{ part_number: 1, etag: a1 }, { part_number: 2, etag: '"abc"' }])).toEqual([400, `Part 2 of upload ${a.upload_id} has an unknown ETag "\\"abc\\"": upload it again.`]);
      // Another upload's part, or any other stored blob, is refused by its header, and nothing is written.
      expect(await complete(a.upload_id, [{ part_number: 1, etag: b1 }, { part_number: 2, etag: a2 }])).toEqual([400, `The ETag given for part 1 of upload ${a.upload_id} names a blob that is not that part: upload it again.`]);
      const other = await s.ts.store.objects.put('some other blob');
      expect(await complete(a.upload_id, [{ part_number: 1, etag: a1 }, { part_number: 2, etag: other.hash }])).toEqual([400, `The ETag given for part 2 of upload ${a.upload_id} names a blob that is not that part: upload it again.`]);
      expect((await listAllArtifacts(s.ts.store, s.runId)).some((f) => f.path === 'x/x.bin')).toBe(false);
      // The upload is still there to complete properly.
      expect(await complete(a.upload_id, [{ part_number: 2, etag: a2 }, { part_number: 1, etag: a1 }])).toEqual([200, undefined]);
      expect((await s.raw('GET', `${s.root}/x/x.bin`)).bytes.toString()).toBe('a1a2');
    });

    it('refuses completing at another path, unknown uploads, and blobs posing as upload ids', async () => {
      const a = (await post('create', runFolder('p'), { path: 'p.bin', num_parts: 1 })).json();
      const elsewhere = await post('complete', runFolder('q'), { path: 'p.bin', upload_id: a.upload_id, parts: [] });
      expect([elsewhere.status, elsewhere.json().message]).toEqual([400, `Multipart upload ${a.upload_id} is for 'p/p.bin' of run ${s.runId}, not 'q/p.bin' of run ${s.runId}.`]);
      const unknown = await s.raw('PUT', `${MPU}/part/${'e'.repeat(64)}/1`, 'x');
      expect([unknown.status, unknown.json().message]).toEqual([404, `No multipart upload ${'e'.repeat(64)}: it does not exist, or was completed or aborted.`]);
      await s.upload('not-a-session.bin', binary(10_000));
      const [file] = (await listAllArtifacts(s.ts.store, s.runId)).filter((f) => f.path === 'not-a-session.bin');
      expect((await s.raw('PUT', `${MPU}/part/${file?.hash}/1`, 'x')).status).toBe(404);
      const small = await s.ts.store.objects.put('{"kind":"something else"}');
      expect((await s.raw('PUT', `${MPU}/part/${small.hash}/1`, 'x')).status).toBe(404);
      expect((await s.raw('PUT', `${MPU}/part/not-hex/1`, 'x')).status).toBe(404);
    });

    it('aborts: the session and the parts received are deleted; aborting again succeeds', async () => {
      const a = (await post('create', runFolder('ab'), { path: 'ab.bin', num_parts: 2 })).json();
      const etag = String((await putPart(a.credentials[0].url, 'part one')).headers.etag).slice(1, -1);
      expect(await s.ts.store.objects.has(etag)).toBe(true);
      expect((await post('abort', runFolder('ab'), { path: 'ab.bin', upload_id: a.upload_id })).json()).toEqual({});
      expect(await s.ts.store.objects.has(etag)).toBe(false);
      expect(await s.ts.store.objects.has(a.upload_id)).toBe(false);
      expect((await putPart(a.credentials[1].url, 'late')).status).toBe(404);
      const again = await post('abort', runFolder('ab'), { path: 'ab.bin', upload_id: a.upload_id });
      expect([again.status, again.json()]).toEqual([200, {}]);
    });

    it('refuses part uploads after the part URLs expire', async () => {
      const a = (await post('create', runFolder('t'), { path: 't.bin', num_parts: 1 })).json();
      clock += PART_URL_TTL_MS + 1;
      const late = await putPart(a.credentials[0].url, 'x');
      expect([late.status, late.json().message]).toEqual([404, `Multipart upload ${a.upload_id} expired; start a new one.`]);
    });

    it('checks num_parts, the run, and the client path', async () => {
      for (const n of [-1, 10_001, 'many']) {
        const r = await post('create', runFolder(), { path: 'f.bin', num_parts: n });
        expect([r.status, r.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
      }
      const missingPath = await post('create', runFolder(), { num_parts: 1 });
      expect(missingPath.json().message).toBe("Missing value for required parameter 'path'. See the API docs for more information about request parameters.");
      expect((await post('create', `0/${'c'.repeat(32)}/artifacts`, { path: 'f.bin', num_parts: 1 })).status).toBe(404);
      const run = await createRun(s.ts.store, { experimentId: '0' });
      const folder = `0/${run.info.run_id}/artifacts`;
      const a = (await post('create', folder, { path: 'f.bin', num_parts: 1 })).json();
      const etag = String((await putPart(a.credentials[0].url, 'f')).headers.etag);
      await deleteRun(s.ts.store, run.info.run_id);
      const done = await post('complete', folder, { path: 'f.bin', upload_id: a.upload_id, parts: [{ part_number: 1, etag }] });
      expect([done.status, done.json().message]).toEqual([400, `The run ${run.info.run_id} must be in the 'active' state. Current state is deleted.`]);
      expect((await post('create', folder, { path: 'f.bin', num_parts: 1 })).status).toBe(400);
    });

    it("answers MLflow 2.10's run-less paths with MLflow's own 'not supported', so that client falls back to a PUT", async () => {
      for (const url of [`${MPU}/create/model`, `${MPU}/create`, '/ajax-api/2.0/mlflow-artifacts/mpu/create/model/data', `${MPU}/complete/model`, `${MPU}/abort`]) {
        const r = await s.raw('POST', url, JSON.stringify({ path: '/tmp/model.pkl', num_parts: 5, upload_id: 'u', parts: [] }), JSON_HEADERS);
        expect([url, r.status, r.json().error_code]).toEqual([url, 501, 'NOT_IMPLEMENTED']);
        expect(r.json().message.startsWith(MULTIPART_UNSUPPORTED)).toBe(true);
      }
    });
  });
}

describe.skipIf(!BACKENDS[0]?.available)('multipart uploads with auth required', () => {
  let s: ArtifactServer;
  beforeAll(async () => {
    s = await createArtifactServer(BACKENDS[0] as (typeof BACKENDS)[number], { auth: { required: true } });
  });
  afterAll(async () => s.dispose());

  it('needs edit to create and complete, but takes parts at their URL without credentials', async () => {
    const body = JSON.stringify({ path: 'a.bin', num_parts: 1 });
    const folder = `${MPU}/create/0/${s.runId}/artifacts`;
    expect((await s.raw('POST', folder, body, JSON_HEADERS)).status).toBe(401);
    const viewer = (await createToken(s.ts.store, { name: 'vic', role: 'viewer' })).token;
    expect((await s.raw('POST', folder, body, { ...JSON_HEADERS, authorization: `Bearer ${viewer}` })).status).toBe(403);
    const editor = { ...JSON_HEADERS, authorization: `Bearer ${(await createToken(s.ts.store, { name: 'eve', role: 'editor' })).token}` };
    const created = (await s.raw('POST', folder, body, editor)).json();
    const part = await s.raw('PUT', new URL(created.credentials[0].url).pathname, 'no credentials needed');
    expect(part.status).toBe(200);
    const parts = [{ part_number: 1, etag: String(part.headers.etag) }];
    const complete = JSON.stringify({ path: 'a.bin', upload_id: created.upload_id, parts });
    expect((await s.raw('POST', `${MPU}/complete/0/${s.runId}/artifacts`, complete, JSON_HEADERS)).status).toBe(401);
    expect((await s.raw('POST', `${MPU}/complete/0/${s.runId}/artifacts`, complete, editor)).status).toBe(200);
    expect((await s.raw('GET', `${s.root}/a.bin`, undefined, { authorization: `Bearer ${viewer}` })).bytes.toString()).toBe('no credentials needed');
  });
});
