/**
 * A store with a registered model `iris` in two versions that predict differently (v1 and v2 are
 * trained on different rules), and the rows and expected predictions of each, for deployment tests.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromColumns } from '../../src/data/index.js';
import { createModelVersion, createRegisteredModel } from '../../src/registry/index.js';
import { syntheticRows } from '../../src/serve/test-helpers.js';
import { exportOnnx, predict, type Predictions, trainModel, type TrainedModel } from '../../src/train/index.js';
import type { TestBackend } from '../backends.js';
import { createTestStore, type TestStore } from '../helpers/test-store.js';

export interface DeploymentFixture {
  readonly t: TestStore;
  readonly rows: { x1: number[]; x2: number[]; color: string[] };
  readonly models: { readonly '1': TrainedModel; readonly '2': TrainedModel };
  readonly expected: { readonly '1': Predictions; readonly '2': Predictions };
  /** Writes a smoke file for `version` and returns its path. */
  smokeFile(version: '1' | '2', lie?: boolean): Promise<string>;
  dispose(): Promise<void>;
}

export async function deploymentFixture(backend: TestBackend): Promise<DeploymentFixture> {
  const t = await createTestStore(backend);
  const dir = await mkdtemp(join(tmpdir(), 'slipway-deploy-'));
  const train = syntheticRows(150, 7);
  const rule1 = train.x1.map((a, i) => (a + (train.color[i] === 'red' ? 3 : 0) > 6 ? 'high' : (train.x2[i] as number) > 0 ? 'mid' : 'low'));
  const rule2 = train.x2.map((b, i) => (b > 1 ? 'high' : (train.x1[i] as number) > 5 ? 'mid' : 'low'));
  const m1 = trainModel(tableFromColumns({ ...train, y: rule1 }), { target: 'y', algorithm: 'logistic' });
  const m2 = trainModel(tableFromColumns({ ...train, y: rule2 }), { target: 'y', algorithm: 'logistic' });
  await createRegisteredModel(t.store, 'iris');
  for (const [i, m] of [m1, m2].entries()) {
    const path = join(dir, `v${i + 1}.onnx`);
    await writeFile(path, exportOnnx(m));
    await createModelVersion(t.store, 'iris', { source: path });
  }
  const rows = syntheticRows(40, 99);
  const table = tableFromColumns(rows);
  const expected = { '1': predict(m1, table), '2': predict(m2, table) };
  return {
    t, rows, models: { '1': m1, '2': m2 }, expected,
    async smokeFile(version, lie = false) {
      const labels = [...(expected[version].labels ?? [])];
      if (lie) labels[3] = labels[3] === 'high' ? 'low' : 'high';
      const path = join(dir, `smoke-v${version}${lie ? '-lie' : ''}.json`);
      await writeFile(path, JSON.stringify({ inputs: rows, expected: labels }));
      return path;
    },
    async dispose() {
      await t.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
