import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { binary, createArtifactServer, type ArtifactServer } from './mlflow-artifacts-fixture.js';
import { createModelVersion, createRegisteredModel } from '../../src/registry/index.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`/get-artifact and /model-versions/get-artifact (${backend.name})`, () => {
    let s: ArtifactServer;
    const weights = binary(4096);
    beforeAll(async () => {
      s = await createArtifactServer(backend);
      await s.upload('model/MLmodel', 'flavors:\n  onnx: {}\n', 'text/plain');
      await s.upload('model/data/model.onnx', weights);
      await s.upload('metrics.csv', 'a,b\n1,2\n', 'text/csv');
      await createRegisteredModel(s.ts.store, 'clf');
      await createModelVersion(s.ts.store, 'clf', { source: `runs:/${s.runId}/model` });
    });
    afterAll(async () => s.dispose());

    it('serves a run file by run_id (or the legacy run_uuid) and path', async () => {
      const r = await s.raw('GET', `/get-artifact?run_id=${s.runId}&path=model/data/model.onnx`);
      expect(r.status).toBe(200);
      expect(r.bytes.equals(weights)).toBe(true);
      expect(r.headers).toMatchObject({ 'content-type': 'application/octet-stream', 'content-length': '4096', 'x-content-type-options': 'nosniff' });
      const csv = await s.raw('GET', `/get-artifact?run_uuid=${s.runId}&path=metrics.csv`);
      expect([csv.bytes.toString(), csv.headers['content-type'], csv.headers['content-disposition']]).toEqual(['a,b\n1,2\n', 'text/plain', "attachment; filename=\"metrics.csv\"; filename*=UTF-8''metrics.csv"]);
    });

    it('answers get-artifact errors as MLflow error bodies', async () => {
      const noPath = await s.raw('GET', `/get-artifact?run_id=${s.runId}`);
      expect([noPath.status, noPath.json()]).toEqual([400, { error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'path'. See the API docs for more information about request parameters." }]);
      const noFile = await s.raw('GET', `/get-artifact?run_id=${s.runId}&path=nope.txt`);
      expect([noFile.status, noFile.json().error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
      const noRun = await s.raw('GET', `/get-artifact?run_id=${'0'.repeat(32)}&path=metrics.csv`);
      expect([noRun.status, noRun.json()]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run with id=${'0'.repeat(32)} not found` }]);
      const folder = await s.raw('GET', `/get-artifact?run_id=${s.runId}&path=model`);
      expect([folder.status, folder.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    });

    it('serves a model version file from the bytes pinned at registration', async () => {
      const mlmodel = await s.raw('GET', '/model-versions/get-artifact?name=clf&version=1&path=MLmodel');
      expect([mlmodel.status, mlmodel.bytes.toString(), mlmodel.headers['content-type']]).toEqual([200, 'flavors:\n  onnx: {}\n', 'text/plain']);
      // Overwriting the run's file later does not change what version 1 serves.
      await s.upload('model/data/model.onnx', 'retrained');
      const onnx = await s.raw('GET', '/model-versions/get-artifact?name=clf&version=1&path=data/model.onnx');
      expect(onnx.bytes.equals(weights)).toBe(true);
      expect((await s.raw('GET', `/get-artifact?run_id=${s.runId}&path=model/data/model.onnx`)).bytes.toString()).toBe('retrained');
    });

    it('serves a version registered from a single file by its name', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'slipway-mv-'));
      try {
        await writeFile(join(dir, 'model.onnx'), weights);
        await createModelVersion(s.ts.store, 'clf', { source: join(dir, 'model.onnx') });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      const r = await s.raw('GET', '/model-versions/get-artifact?name=clf&version=2&path=model.onnx');
      expect(r.bytes.equals(weights)).toBe(true);
      const other = await s.raw('GET', '/model-versions/get-artifact?name=clf&version=2&path=MLmodel');
      expect([other.status, other.json().message]).toEqual([404, "No artifact at 'MLmodel' in model version clf/2: it is the single file 'model.onnx'."]);
    });

    it('answers model-versions/get-artifact errors as MLflow error bodies', async () => {
      const ask = async (query: string) => {
        const r = await s.raw('GET', `/model-versions/get-artifact?${query}`);
        return [r.status, r.json().error_code, r.json().message];
      };
      expect(await ask('name=clf&version=1&path=nope')).toEqual([404, 'RESOURCE_DOES_NOT_EXIST', "No artifact at 'nope' in model version clf/1."]);
      expect(await ask('name=clf&version=1&path=data')).toEqual([400, 'INVALID_PARAMETER_VALUE', "'data' in model version clf/1 is a folder, not a file."]);
      expect(await ask('name=clf&version=9&path=MLmodel')).toEqual([404, 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=clf, version=9) not found']);
      expect((await ask('name=clf&version=x&path=MLmodel')).slice(0, 2)).toEqual([400, 'INVALID_PARAMETER_VALUE']);
      expect((await ask('version=1&path=MLmodel')).slice(0, 2)).toEqual([400, 'INVALID_PARAMETER_VALUE']);
      expect((await ask('name=clf&version=1&path=..%2fx')).slice(0, 2)).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    });
  });
}
