import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, type TestBackend } from '../../../test/backends.js';
import { createTestStore, expectCode, type TestStore } from '../../../test/helpers/test-store.js';
import { startTrackingServer, type TrackingServer } from '../../../test/helpers/tracking-server.js';
import { sha256Bytes } from '../../store/index.js';
import { localTrackingClient } from './local-tracking-client.js';
import { remoteTrackingClient } from './remote-tracking-client.js';
import type { TrackingClient } from './tracking-client.js';

/**
 * One suite for both tracking clients, on every backend: what `slipway run` and the CLI see must not
 * depend on whether runs are kept in the local store or on a server. The remote client talks real
 * HTTP to `slipway server` listening on a loopback port.
 */
interface Harness {
  readonly client: TrackingClient;
  /** The store the runs end up in (the server's, for the remote client). */
  readonly ts: TestStore;
  close(): Promise<void>;
}

const CLIENTS: readonly { name: 'local' | 'remote'; open(backend: TestBackend): Promise<Harness> }[] = [
  {
    name: 'local',
    async open(backend) {
      const ts = await createTestStore(backend);
      return { client: localTrackingClient(ts.store), ts, close: () => ts.dispose() };
    },
  },
  {
    name: 'remote',
    async open(backend) {
      const server: TrackingServer = await startTrackingServer(backend);
      return { client: remoteTrackingClient({ url: server.url, user: 'alice', maxRetries: 0 }), ts: server.ts, close: () => server.close() };
    },
  },
];

const text = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

for (const backend of BACKENDS) {
  for (const kind of CLIENTS) {
    describe.skipIf(!backend.available)(`tracking client: ${kind.name} on ${backend.name}`, () => {
      let h: Harness;
      let t: TrackingClient;
      let dir: string;
      beforeAll(async () => {
        h = await kind.open(backend);
        t = h.client;
      });
      afterAll(async () => h.close());
      beforeEach(async () => {
        dir = await mkdtemp(join(tmpdir(), 'slipway-client-'));
        return () => rm(dir, { recursive: true, force: true });
      });

      it('says where it tracks', () => {
        expect(t.target.kind).toBe(kind.name);
        expect(t.description).toMatch(kind.name === 'local' ? /^the local store$/ : /^the tracking server http:\/\/127\.0\.0\.1:\d+$/);
      });

      it('creates, finds, lists, deletes and restores experiments', async () => {
        await expectCode(t.getExperimentByName('churn'), 'RESOURCE_DOES_NOT_EXIST');
        const e = await t.createExperiment('churn', { tags: [{ key: 'team', value: 'growth' }] });
        expect(e).toMatchObject({ name: 'churn', lifecycle_stage: 'active', artifact_location: `mlflow-artifacts:/${e.experiment_id}`, tags: [{ key: 'team', value: 'growth' }] });
        expect(await t.getExperimentByName('churn')).toEqual(e);
        expect(await t.getExperiment(e.experiment_id)).toEqual(e);
        await expectCode(t.createExperiment('churn'), 'RESOURCE_ALREADY_EXISTS');
        const second = await t.createExperiment('churn-2');
        expect((await t.listExperiments()).map((x) => x.name)).toEqual(['Default', 'churn', 'churn-2']);
        await t.deleteExperiment(second.experiment_id);
        expect((await t.listExperiments()).map((x) => x.name)).toEqual(['Default', 'churn']);
        expect((await t.listExperiments({ viewType: 'DELETED_ONLY' })).map((x) => x.name)).toEqual(['churn-2']);
        await t.restoreExperiment(second.experiment_id);
        expect((await t.listExperiments({ viewType: 'ALL' })).map((x) => [x.name, x.lifecycle_stage])).toEqual([['Default', 'active'], ['churn', 'active'], ['churn-2', 'active']]);
        await expectCode(t.getExperiment('999'), 'RESOURCE_DOES_NOT_EXIST');
      });

      it('creates a run with its parent, commit, name and tags, and finishes it', async () => {
        const exp = await t.createExperiment('runs-1');
        const parent = await t.createRun({ experimentId: exp.experiment_id, runName: 'pipeline' });
        const child = await t.createRun({
          experimentId: exp.experiment_id, runName: 'train', parentRunId: parent.info.run_id, sourceGitCommit: 'a'.repeat(40),
          tags: [{ key: 'slipway.stage', value: 'train' }],
        });
        expect(child.info).toMatchObject({
          run_name: 'train', experiment_id: exp.experiment_id, user_id: 'alice', status: 'RUNNING', lifecycle_stage: 'active',
          parent_run_id: parent.info.run_id, source_git_commit: 'a'.repeat(40),
          artifact_uri: `mlflow-artifacts:/${exp.experiment_id}/${child.info.run_id}/artifacts`,
        });
        const tag = (k: string) => child.data.tags.find((x) => x.key === k)?.value;
        expect([tag('slipway.stage'), tag('mlflow.runName'), tag('mlflow.parentRunId')]).toEqual(['train', 'train', parent.info.run_id]);
        const second = await t.createRun({ experimentId: exp.experiment_id, runName: 'evaluate', parentRunId: parent.info.run_id });
        expect((await t.listChildRuns(parent.info.run_id)).map((r) => r.run_name)).toEqual(['train', 'evaluate']);
        expect(await t.listChildRuns(second.info.run_id)).toEqual([]);
        const info = await t.updateRun(child.info.run_id, { status: 'FINISHED' });
        expect(info.status).toBe('FINISHED');
        expect(info.end_time).toBeGreaterThanOrEqual(child.info.start_time);
        expect((await t.getRun(child.info.run_id)).info.status).toBe('FINISHED');
        await expectCode(t.getRun('0'.repeat(32)), 'RESOURCE_DOES_NOT_EXIST');
        await expectCode(t.createRun({ experimentId: '999' }), 'RESOURCE_DOES_NOT_EXIST');
      });

      it('logs a batch atomically: a changed param refuses the whole batch', async () => {
        const run = await t.createRun();
        const id = run.info.run_id;
        await t.logBatch(id, {
          params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 'owner', value: 'me' }],
          metrics: [{ key: 'acc', value: 0.5, step: 1 }, { key: 'acc', value: 0.75, step: 2 }, { key: 'loss', value: Number.NaN }],
        });
        const err = await expectCode(t.logBatch(id, { params: [{ key: 'lr', value: '0.2' }], metrics: [{ key: 'acc', value: 0.1, step: 9 }] }), 'INVALID_PARAMETER_VALUE');
        expect(err.message).toMatch(/^Changing param values is not allowed\. Param/);
        if (kind.name === 'remote') expect(err.message).toMatch(/\(POST \/api\/2\.0\/mlflow\/runs\/log-batch on http:\/\/127\.0\.0\.1:\d+\)$/);
        await t.setTag(id, 'note', 'second');
        const got = await t.getRun(id);
        expect(got.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
        const metrics = Object.fromEntries(got.data.metrics.map((m) => [m.key, [m.value, m.step]]));
        expect(metrics).toEqual({ acc: [0.75, 2], loss: [Number.NaN, 0] });
        expect(got.data.tags.filter((x) => !x.key.startsWith('mlflow.'))).toEqual([{ key: 'note', value: 'second' }, { key: 'owner', value: 'me' }]);
        expect((await t.getMetricHistory(id, 'acc')).map((m) => [m.step, m.value])).toEqual([[1, 0.5], [2, 0.75]]);
        expect((await t.getMetricHistory(id, 'acc', { offset: 1, maxResults: 1 })).map((m) => m.value)).toEqual([0.75]);
      });

      it('records inputs by digest and finds the runs that used some data', async () => {
        const a = await t.createRun({ runName: 'reader' });
        const b = await t.createRun({ runName: 'writer' });
        const digest = sha256Bytes('rows').hash;
        await t.logInputs(a.info.run_id, [{ name: 'data/in.csv', digest, context: 'input', source: 'data/in.csv', size: 4 }]);
        await t.logInputs(b.info.run_id, [{ name: 'data/in.csv', digest, context: 'output', source: 'data/in.csv', size: 4 }]);
        await t.logInputs(b.info.run_id, []);
        const datasets = (await t.getRun(a.info.run_id)).inputs.datasets;
        // MLflow's DatasetInput has no size field: through a server the size is not kept.
        expect(datasets).toEqual([{ name: 'data/in.csv', digest, context: 'input', source: 'data/in.csv', ...(kind.name === 'local' ? { size: 4 } : {}) }]);
        expect(await t.runsUsingData(digest)).toEqual([
          { run_id: a.info.run_id, name: 'data/in.csv', context: 'input' },
          { run_id: b.info.run_id, name: 'data/in.csv', context: 'output' },
        ]);
        expect(await t.runsUsingData(sha256Bytes('other').hash)).toEqual([]);
        await expectCode(t.logInputs(a.info.run_id, [{ name: 'x', digest: 'not-hex', context: 'input', source: 'x' }]), 'INVALID_PARAMETER_VALUE');
      });

      it('searches runs with a filter, an order and pages', async () => {
        const exp = await t.createExperiment('search-1');
        for (const [name, acc] of [['a', 0.1], ['b', 0.9], ['c', 0.5]] as const) {
          const r = await t.createRun({ experimentId: exp.experiment_id, runName: name });
          await t.logBatch(r.info.run_id, { metrics: [{ key: 'acc', value: acc }] });
        }
        const first = await t.searchRuns({ experimentIds: [exp.experiment_id], filter: 'metrics.acc > 0.2', orderBy: ['metrics.acc DESC'], maxResults: 1 });
        expect(first.runs.map((r) => r.info.run_name)).toEqual(['b']);
        expect(first.next_page_token).toEqual(expect.any(String));
        const next = await t.searchRuns({ experimentIds: [exp.experiment_id], filter: 'metrics.acc > 0.2', orderBy: ['metrics.acc DESC'], maxResults: 1, pageToken: first.next_page_token ?? '' });
        expect(next.runs.map((r) => r.info.run_name)).toEqual(['c']);
        const err = await expectCode(t.searchRuns({ experimentIds: [exp.experiment_id], filter: 'metrics.acc >' }), 'INVALID_PARAMETER_VALUE');
        expect(err.message).toContain('metrics.acc');
      });

      it('puts, lists, opens and downloads artifacts, files and folders', async () => {
        const run = await t.createRun();
        const id = run.info.run_id;
        expect(await t.putArtifact(id, 'logs/stage.log', 'line 1\n')).toEqual({ path: 'logs/stage.log', is_dir: false, file_size: 7, hash: sha256Bytes('line 1\n').hash });
        await t.putArtifact(id, 'bytes.bin', new Uint8Array([1, 2, 3]));
        await t.putArtifact(id, 'streamed.txt', Readable.from([Buffer.from('a'), Buffer.from('b')]));
        await t.putArtifact(id, 'logs/empty.log', '');
        await mkdir(join(dir, 'model', 'sub'), { recursive: true });
        await writeFile(join(dir, 'model', 'model.onnx'), 'onnx');
        await writeFile(join(dir, 'model', 'sub', 'meta.json'), '{}');
        await writeFile(join(dir, 'single.txt'), 'one');
        expect((await t.logArtifact(id, join(dir, 'model'), 'out')).map((a) => [a.path, a.file_size])).toEqual([['out/model/model.onnx', 4], ['out/model/sub/meta.json', 2]]);
        expect(await t.logArtifact(id, join(dir, 'single.txt'))).toEqual([{ path: 'single.txt', is_dir: false, file_size: 3, hash: sha256Bytes('one').hash }]);

        const root = await t.listArtifacts(id);
        expect(root.map((a) => [a.path, a.is_dir, a.file_size])).toEqual([
          ['bytes.bin', false, 3], ['logs', true, undefined], ['out', true, undefined], ['single.txt', false, 3], ['streamed.txt', false, 2],
        ]);
        expect((await t.listArtifacts(id, 'out/model')).map((a) => a.path)).toEqual(['out/model/model.onnx', 'out/model/sub']);
        expect((await t.listArtifacts(id, 'logs')).map((a) => [a.path, a.file_size])).toEqual([['logs/empty.log', 0], ['logs/stage.log', 7]]);
        expect(await t.listArtifacts(id, 'nothing/here')).toEqual([]);

        const opened = await t.openArtifact(id, 'logs/stage.log');
        expect([await text(opened.stream), opened.size]).toEqual(['line 1\n', 7]);
        await expectCode(t.openArtifact(id, 'logs/missing.log'), 'RESOURCE_DOES_NOT_EXIST');

        expect(await t.downloadArtifact(id, 'out/model', join(dir, 'copy'))).toEqual({ kind: 'directory', files: 2 });
        expect(readFileSync(join(dir, 'copy', 'sub', 'meta.json'), 'utf8')).toBe('{}');
        expect(await t.downloadArtifact(id, 'streamed.txt', join(dir, 'got.txt'))).toEqual({ kind: 'file', files: 1 });
        expect(readFileSync(join(dir, 'got.txt'), 'utf8')).toBe('ab');
        await expectCode(t.downloadArtifact(id, 'absent.txt', join(dir, 'absent.txt')), 'RESOURCE_DOES_NOT_EXIST');
        expect(existsSync(join(dir, 'absent.txt'))).toBe(false);

        await expectCode(t.putArtifact(id, '../escape.txt', 'x'), 'INVALID_PARAMETER_VALUE');
        await expectCode(t.putArtifact(id, '', 'x'), 'INVALID_PARAMETER_VALUE');
        await expectCode(t.logArtifact(id, join(dir, 'no-such-file')), 'RESOURCE_DOES_NOT_EXIST');
        await expectCode(t.putArtifact('f'.repeat(32), 'a.txt', 'x'), 'RESOURCE_DOES_NOT_EXIST');
      });
    });
  }
}
