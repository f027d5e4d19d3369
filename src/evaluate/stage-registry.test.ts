import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type TestBackend } from '../../test/backends.js';
import { createTestStore, expectCode, type TestStore } from '../../test/helpers/test-store.js';
import { startTrackingServer } from '../../test/helpers/tracking-server.js';
import type { StageRunContext } from '../pipeline/index.js';
import { listBlessings } from '../registry/index.js';
import { sha256Bytes } from '../store/index.js';
import { localTrackingClient, remoteTrackingClient, type TrackingClient } from '../tracking/index.js';
import { writeModelOnnx } from '../train/index.js';
import { logisticBinary, ridgeRegression } from '../train/onnx/test-fixtures.js';
import { stageRegistry, type StageRegistry } from './stage-registry.js';

/**
 * The registry the register and gate stages use, over the local store and over a listening server:
 * the same registrations, look-ups, gate verdicts and refusals either way.
 */
interface Harness {
  readonly kind: 'local' | 'remote';
  readonly tracking: TrackingClient;
  /** Where the registry lives (the server's store for the remote one). */
  readonly ts: TestStore;
  close(): Promise<void>;
}

const sqlite = BACKENDS[0] as TestBackend;
const HARNESSES: readonly [Harness['kind'], () => Promise<Harness>][] = [
  ['local', async () => {
    const ts = await createTestStore(sqlite);
    return { kind: 'local', tracking: localTrackingClient(ts.store), ts, close: () => ts.dispose() };
  }],
  ['remote', async () => {
    const server = await startTrackingServer(sqlite);
    return { kind: 'remote', tracking: remoteTrackingClient({ url: server.url, user: 'alice', maxRetries: 0 }), ts: server.ts, close: () => server.close() };
  }],
];

for (const [kind, open] of HARNESSES) {
  describe(`stage registry: ${kind}`, () => {
    let h: Harness;
    let registry: StageRegistry;
    let dir: string;
    let modelA: string;
    let modelB: string;
    beforeAll(async () => {
      h = await open();
      // Only the tracking client and the store are read to choose the registry.
      registry = stageRegistry({ tracking: h.tracking, store: h.ts.store } as unknown as StageRunContext);
      dir = await mkdtemp(join(tmpdir(), 'slipway-stage-registry-'));
      [modelA, modelB] = [join(dir, 'a', 'model.onnx'), join(dir, 'b', 'model.onnx')];
      for (const sub of ['a', 'b']) await mkdir(join(dir, sub));
      await writeModelOnnx(logisticBinary(), modelA);
      await writeModelOnnx(ridgeRegression(), modelB);
    });
    afterAll(async () => {
      await h.close();
      await rm(dir, { recursive: true, force: true });
    });
    const hashOf = (path: string) => sha256Bytes(readFileSync(path)).hash;

    it('registers a file once per content, with the training run as its lineage', async () => {
      expect(registry.description).toBe(h.tracking.description);
      expect(await registry.findVersionByHash('churn', hashOf(modelA))).toBeUndefined();
      await registry.ensureModel('churn');
      await registry.ensureModel('churn');
      const train = await h.tracking.createRun({ runName: 'train' });
      await h.tracking.logArtifact(train.info.run_id, modelA, 'model');
      const stage = await h.tracking.createRun({ runName: 'register' });
      const v1 = await registry.registerFile('churn', modelA, { sha256: hashOf(modelA), producerRunId: train.info.run_id, stageRunId: stage.info.run_id, description: 'first' });
      expect(v1).toMatchObject({ name: 'churn', version: '1', run_id: train.info.run_id, description: 'first', blob: { kind: 'file', hash: hashOf(modelA) } });
      // Through a server the version is registered from the training run's copy of these bytes, as MLflow registers runs:/ URIs.
      expect(v1.source).toBe(h.kind === 'remote' ? `runs:/${train.info.run_id}/model/model.onnx` : modelA);
      expect((await registry.findVersionByHash('churn', hashOf(modelA)))?.version).toBe('1');

      // No run holds these bytes: a server gets them as an artifact of the registering stage's run.
      const v2 = await registry.registerFile('churn', modelB, { sha256: hashOf(modelB), stageRunId: stage.info.run_id });
      expect(v2).toMatchObject({ version: '2', blob: { hash: hashOf(modelB) } });
      if (h.kind === 'remote') {
        expect([v2.source, v2.run_id]).toEqual([`runs:/${stage.info.run_id}/model/model.onnx`, stage.info.run_id]);
        expect((await h.tracking.listArtifacts(stage.info.run_id, 'model')).map((a) => a.path)).toEqual(['model/model.onnx']);
      } else {
        expect([v2.source, v2.run_id]).toEqual([modelB, '']);
      }
    });

    it('loads models by alias, version, latest, and says when none matches', async () => {
      await registry.setAlias('churn', 'staging', '1', 'test');
      const staged = await registry.loadModel('models:/churn@staging');
      expect([staged.version?.version, staged.model.task, staged.ref]).toEqual(['1', 'binary', 'models:/churn@staging']);
      expect((await registry.loadModel('models:/churn/2')).model.task).toBe('regression');
      expect((await registry.loadModel('models:/churn/latest')).version?.version).toBe('2');
      expect((await registry.loadModel(modelB)).version).toBeUndefined();
      await expectCode(registry.loadModel('models:/churn@production'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(registry.loadModel('models:/churn/9'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(registry.loadModel('models:/nobody/1'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(registry.loadModel(join(dir, 'missing.onnx')), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('records gate verdicts in the registry it tracks on, and promotes only through the alias policy', async () => {
      const refused = await expectCode(registry.promote('churn', '1', 'production', { reason: 'try', policy: {} }), 'PERMISSION_DENIED');
      expect(refused.message).toMatch(/^Cannot promote churn version 1 to @production: it holds no passed gate for @production/);
      const stage = await h.tracking.createRun({ runName: 'register' });
      const rules = [{ metric: 'accuracy', status: 'passed', candidate: 0.9, baseline: 0.8, checks: [] }];
      await registry.recordBlessing('churn', '1', { target: 'production', baselineVersion: null, passed: false, rules: [], runId: stage.info.run_id });
      // The latest verdict for the alias counts: a failed gate does not bless.
      await expectCode(registry.promote('churn', '1', 'production', { reason: 'try', policy: {} }), 'PERMISSION_DENIED');
      await registry.recordBlessing('churn', '1', { target: 'production', baselineVersion: '2', passed: true, rules, runId: stage.info.run_id });
      await registry.promote('churn', '1', 'production', { reason: 'gate passed', policy: {} });
      expect((await registry.loadModel('models:/churn@production')).version?.version).toBe('1');
      // Recorded where the versions are: the server's store for a remote registry, under the caller's name.
      const recorded = await listBlessings(h.ts.store, 'churn');
      expect(recorded.map((b) => [b.version, b.target, b.passed, b.baseline_version, b.rules, b.run_id, b.actor])).toEqual([
        ['1', 'production', false, null, [], stage.info.run_id, 'alice'],
        ['1', 'production', true, '2', rules, stage.info.run_id, 'alice'],
      ]);

      const missing = await expectCode(registry.recordBlessing('churn', '9', { target: 'production', passed: true, rules: [] }), 'RESOURCE_DOES_NOT_EXIST');
      expect(missing.message).toMatch(/^Model Version \(name=churn, version=9\) not found/);
      expect(await listBlessings(h.ts.store, 'churn')).toHaveLength(2);
    });
  });
}
