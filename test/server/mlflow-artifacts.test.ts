import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { binary, createArtifactServer, PROXY, type ArtifactServer } from './mlflow-artifacts-fixture.js';
import { createRun, deleteRun, listAllArtifacts } from '../../src/tracking/index.js';
import { createExperiment } from '../../src/tracking/index.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`MLflow artifact proxy (${backend.name})`, () => {
    let s: ArtifactServer;
    beforeAll(async () => {
      // A tiny JSON body limit: uploads must not be bound by it.
      s = await createArtifactServer(backend, { bodyLimit: 1024 });
    });
    afterAll(async () => s.dispose());

    it('round-trips a binary file byte for byte, bigger than the JSON body limit', async () => {
      const bytes = binary(300_000);
      const put = await s.upload('data/blob.bin', bytes);
      expect(put.status).toBe(200);
      expect(put.json()).toEqual({});
      const got = await s.raw('GET', `${s.root}/data/blob.bin`);
      expect(got.status).toBe(200);
      expect(got.bytes.equals(bytes)).toBe(true);
      expect(got.headers).toMatchObject({
        'content-type': 'application/octet-stream',
        'content-length': '300000',
        'content-disposition': 'attachment; filename="blob.bin"; filename*=UTF-8\'\'blob.bin',
        'x-content-type-options': 'nosniff',
      });
    });

    it('stores a JSON file as its bytes, whatever the Content-Type says', async () => {
      const text = '{ "not": "reformatted" ,\n "n": 1.50 }';
      expect((await s.upload('conf/params.json', text, 'application/json')).status).toBe(200);
      const got = await s.raw('GET', `${s.root}/conf/params.json`);
      expect(got.bytes.toString('utf8')).toBe(text);
      expect(got.headers['content-type']).toBe('text/plain');
      // And without any Content-Type, and with an empty body.
      expect((await s.raw('PUT', `${s.root}/conf/raw`, 'x')).status).toBe(200);
      expect((await s.raw('PUT', `${s.root}/conf/empty.txt`, '')).status).toBe(200);
      const empty = await s.raw('GET', `${s.root}/conf/empty.txt`);
      expect([empty.status, empty.bytes.length, empty.headers['content-length']]).toEqual([200, 0, '0']);
    });

    it('lists folders and files with names relative to the listed folder, as MLflow does', async () => {
      await s.upload('model/MLmodel', 'flavors: {}\n', 'text/plain');
      await s.upload('model/data/weights.bin', binary(10));
      await s.upload('model/data/deeper/x.txt', 'x', 'text/plain');
      expect((await s.list('model')).json()).toEqual({
        files: [
          { path: 'MLmodel', is_dir: false, file_size: 12 },
          { path: 'data', is_dir: true },
        ],
      });
      expect((await s.list('model/data')).json()).toEqual({
        files: [
          { path: 'deeper', is_dir: true },
          { path: 'weights.bin', is_dir: false, file_size: 10 },
        ],
      });
      const root = (await s.list()).json();
      expect(root.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['conf', 'data', 'model']));
      // The web UI's prefix serves the same.
      const ajax = await s.raw('GET', `/ajax-api/2.0/mlflow-artifacts/artifacts?path=0/${s.runId}/artifacts/model`);
      expect(ajax.json()).toEqual((await s.list('model')).json());
    });

    it('lists nothing ({}) for a file, a missing folder, a missing run and paths above a run', async () => {
      expect((await s.list('model/MLmodel')).json()).toEqual({});
      expect((await s.list('no/such/folder')).json()).toEqual({});
      expect((await s.raw('GET', `${PROXY}?path=0/${'f'.repeat(32)}/artifacts`)).json()).toEqual({});
      expect((await s.raw('GET', PROXY)).json()).toEqual({});
      expect((await s.raw('GET', `${PROXY}?path=0`)).json()).toEqual({});
      expect((await s.raw('GET', `${PROXY}?path=0/${s.runId}`)).json()).toEqual({ files: [{ path: 'artifacts', is_dir: true }] });
    });

    it('overwrites a file in place', async () => {
      await s.upload('over/w.txt', 'first version', 'text/plain');
      await s.upload('over/w.txt', 'second', 'text/plain');
      expect((await s.raw('GET', `${s.root}/over/w.txt`)).bytes.toString()).toBe('second');
      expect((await s.list('over')).json()).toEqual({ files: [{ path: 'w.txt', is_dir: false, file_size: 6 }] });
    });

    it('deletes a file or a folder; deleting what is not there succeeds as on MLflow', async () => {
      await s.upload('del/a.txt', 'a', 'text/plain');
      await s.upload('del/sub/b.txt', 'b', 'text/plain');
      await s.upload('del/sub/c.txt', 'c', 'text/plain');
      expect((await s.raw('DELETE', `${s.root}/del/a.txt`)).json()).toEqual({});
      expect((await s.list('del')).json()).toEqual({ files: [{ path: 'sub', is_dir: true }] });
      expect((await s.raw('DELETE', `${s.root}/del/sub`)).status).toBe(200);
      expect((await s.list('del')).json()).toEqual({});
      expect((await s.raw('GET', `${s.root}/del/sub/b.txt`)).status).toBe(404);
      const again = await s.raw('DELETE', `${s.root}/del/sub`);
      expect([again.status, again.json()]).toEqual([200, {}]);
    });

    it('deletes every artifact when the run root itself is deleted', async () => {
      const run = await createRun(s.ts.store, { experimentId: '0' });
      const root = `${PROXY}/0/${run.info.run_id}/artifacts`;
      await s.raw('PUT', `${root}/a.txt`, 'a');
      await s.raw('PUT', `${root}/d/b.txt`, 'b');
      expect((await s.raw('DELETE', root)).status).toBe(200);
      expect(await listAllArtifacts(s.ts.store, run.info.run_id)).toEqual([]);
    });

    it('answers 404 RESOURCE_DOES_NOT_EXIST for a missing file, run, or a run of another experiment', async () => {
      const missing = await s.raw('GET', `${s.root}/no/such.bin`);
      expect(missing.status).toBe(404);
      expect(missing.json()).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `No artifact at 'no/such.bin' in run ${s.runId}.` });
      const noRun = await s.raw('GET', `${PROXY}/0/${'a'.repeat(32)}/artifacts/x`);
      expect([noRun.status, noRun.json().error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
      const exp = await createExperiment(s.ts.store, `other-${backend.name}`);
      const wrong = await s.raw('GET', `${PROXY}/${exp.experiment_id}/${s.runId}/artifacts/model/MLmodel`);
      expect(wrong.status).toBe(404);
      expect(wrong.json().message).toBe(`Run ${s.runId} is not in experiment ${exp.experiment_id} (it is in experiment 0).`);
      const put = await s.raw('PUT', `${PROXY}/${exp.experiment_id}/${s.runId}/artifacts/x.txt`, 'x');
      expect(put.status).toBe(404);
    });

    it('refuses paths outside a run, the run root as a file, and folders as files', async () => {
      const loose = await s.raw('PUT', `${PROXY}/some/loose/file.txt`, 'x');
      expect(loose.status).toBe(400);
      expect(loose.json()).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "No run artifact at 'some/loose/file.txt': Slipway keeps artifacts in runs, addressed as <experiment_id>/<run_id>/artifacts/<path> (the run's artifact_uri is mlflow-artifacts:/<experiment_id>/<run_id>/artifacts).",
      });
      expect((await s.raw('GET', `${PROXY}/some/loose/file.txt`)).status).toBe(404);
      expect((await s.raw('DELETE', `${PROXY}/some/loose/file.txt`)).status).toBe(400);
      const rootPut = await s.raw('PUT', s.root, 'x');
      expect([rootPut.status, rootPut.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
      const folder = await s.raw('GET', `${s.root}/model`);
      expect(folder.status).toBe(400);
      expect(folder.json().message).toBe(`Artifact 'model' of run ${s.runId} is a folder, not a file.`);
    });

    it('refuses uploads to a deleted run but still serves its files', async () => {
      const run = await createRun(s.ts.store, { experimentId: '0' });
      const root = `${PROXY}/0/${run.info.run_id}/artifacts`;
      await s.raw('PUT', `${root}/kept.txt`, 'kept');
      await deleteRun(s.ts.store, run.info.run_id);
      const put = await s.raw('PUT', `${root}/new.txt`, 'x');
      expect(put.status).toBe(400);
      expect(put.json().message).toBe(`The run ${run.info.run_id} must be in the 'active' state. Current state is deleted.`);
      expect((await s.raw('DELETE', `${root}/kept.txt`)).status).toBe(400);
      expect((await s.raw('GET', `${root}/kept.txt`)).bytes.toString()).toBe('kept');
    });

    it('stores names with spaces, percent signs and non-ASCII characters as the client meant them', async () => {
      const name = 'plots/ünï cødé 100%.png';
      const put = await s.raw('PUT', `${s.root}/${encodeURI(name)}`, binary(5));
      expect(put.status).toBe(200);
      expect((await s.list('plots')).json()).toEqual({ files: [{ path: 'ünï cødé 100%.png', is_dir: false, file_size: 5 }] });
      const got = await s.raw('GET', `${s.root}/${encodeURI(name)}`);
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toBe('image/png');
      expect(got.headers['content-disposition']).toBe("attachment; filename=\"_n_ c_d_ 100%.png\"; filename*=UTF-8''%C3%BCn%C3%AF%20c%C3%B8d%C3%A9%20100%25.png");
    });
  });
}
