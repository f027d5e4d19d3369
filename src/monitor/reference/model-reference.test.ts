import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, outcomes, type Project, stageOf } from '../../../test/pipeline/project.js';
import { expectCode } from '../../../test/helpers/test-store.js';
import { buildReference, columnLength, readTable, serializeProfile, type Table, valueAt } from '../../data/index.js';
import { registerEvaluateStages } from '../../evaluate/index.js';
import { createModelVersion, getModelVersion } from '../../registry/index.js';
import type { Store } from '../../store/index.js';
import { createRun, logInputs, putArtifact } from '../../tracking/index.js';
import { registerTrainStage } from '../../train/index.js';
import { getModelReference } from './model-reference.js';
import { registrationEvaluation, registrationMetrics } from './registration-metrics.js';

const PIPELINE = `
name: ref
stages:
  train:
    uses: train
    with: {data: train.csv, target: income, algorithm: logistic, exclude: [id], seed: 5, params: {max_iter: 50}}
  evaluate:
    uses: evaluate
    with: {model: model/model.onnx, data: test.csv, target: income, out: metrics/eval.json}
  register:
    uses: register
    with: {name: income, model: model/model.onnx}
`;

/** Deterministic rows: age drives income; a timestamp column, which trainers ignore, and an id the stage excludes. */
function csv(rows: number, offset = 0): string {
  const lines = ['id,age,hours,job,signup,income'];
  for (let i = offset; i < offset + rows; i++) {
    const age = 18 + ((i * 37) % 60);
    const job = ['clerk', 'nurse', 'pilot', 'chef'][(i * 7) % 4];
    lines.push(`r${i},${age},${((i * 13) % 40) + 0.5},${job},2020-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z,${age + ((i * 11) % 17) > 50 ? '>50K' : '<=50K'}`);
  }
  return `${lines.join('\n')}\n`;
}

const values = (t: Table) => Object.fromEntries(t.columns.map((c) => [c.name, Array.from({ length: columnLength(c) }, (_, i) => valueAt(c, i))]));

// More rows than the 50,000-row bound, so the stored sample is a seeded subset, not the whole file.
const ROWS = 50_100;

describe('reference data stored by the train stage', () => {
  let p: Project;
  let store: Store;
  let trainRunId: string;
  beforeAll(async () => {
    registerTrainStage();
    registerEvaluateStages();
    p = await createProject({ 'slipway.yaml': PIPELINE, 'train.csv': csv(ROWS), 'test.csv': csv(400, ROWS) });
    const report = await p.run();
    expect(outcomes(report)).toEqual({ train: 'ran', evaluate: 'ran', register: 'ran' });
    trainRunId = stageOf(report, 'train').runId as string;
    store = await p.store();
  }, 120_000);
  afterAll(async () => {
    await p?.dispose();
  });

  it('is the profile of every training row and a seeded 50,000-row sample of the features and target', async () => {
    const ref = await getModelReference(store, 'income', 1);
    expect(ref.runId).toBe(trainRunId);
    expect((await getModelVersion(store, 'income', 1)).run_id).toBe(trainRunId);
    const table = await readTable(join(p.dir, 'train.csv'));
    const columns = ['age', 'hours', 'job', 'income'];
    const expected = buildReference(table, { seed: 5, columns });
    expect(ref.profile.rowCount).toBe(ROWS);
    expect(serializeProfile(ref.profile)).toBe(serializeProfile(expected.profile));
    expect(ref.sample.rowCount).toBe(50_000);
    expect(ref.sample.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['age:integer', 'hours:float', 'job:string', 'income:string']);
    expect(values(ref.sample)).toEqual(values(expected.sample));
    // The stage's seed chose the rows: another seed would have chosen others.
    expect(values(ref.sample)).not.toEqual(values(buildReference(table, { seed: 6, columns }).sample));
  });

  it('is found through the bytes when the version points at a run without one (a run-cache restore)', async () => {
    const restored = await createRun(store);
    const model = readFileSync(join(p.dir, 'model/model.onnx'));
    const v2 = await createModelVersion(store, 'income', { source: join(p.dir, 'model/model.onnx'), runId: restored.info.run_id });
    expect(v2.blob.hash).toBe((await getModelVersion(store, 'income', 1)).blob.hash);
    expect(model.length).toBe(v2.blob.size);
    expect((await getModelReference(store, 'income', v2.version)).runId).toBe(trainRunId);
  });

  it('says what to do when a version has no reference', async () => {
    await p.write('other/model.onnx', 'not the trained bytes');
    const v = await createModelVersion(store, 'income', { source: join(p.dir, 'other/model.onnx') });
    const err = await expectCode(getModelReference(store, 'income', v.version), 'RESOURCE_DOES_NOT_EXIST');
    expect(err.message).toBe(
      `Model version income/${v.version} has no reference data (training profile and sample): it was registered without a training run. ` +
        'Train it with a `uses: train` pipeline stage, which stores one, or store one on its run with writeReference(store, runId, buildReference(trainingTable, { seed })).',
    );
    const bare = await createRun(store);
    const w = await createModelVersion(store, 'income', { source: join(p.dir, 'other/model.onnx'), runId: bare.info.run_id });
    expect((await expectCode(getModelReference(store, 'income', w.version), 'RESOURCE_DOES_NOT_EXIST')).message).toContain(`its run ${bare.info.run_id} stored none`);
    await expectCode(getModelReference(store, 'income', 99), 'RESOURCE_DOES_NOT_EXIST');
    expect(await registrationMetrics(store, 'income', v.version)).toBeUndefined();
  });

  it('gives the metrics of the evaluation current at registration', async () => {
    const atRegistration = JSON.parse(p.read('metrics/eval.json')) as Record<string, number>;
    expect(atRegistration.accuracy).toBeGreaterThan(0.5);
    expect(await registrationMetrics(store, 'income', 1)).toEqual(atRegistration);

    // A later evaluation of the same bytes does not rewrite version 1's history, but is current for a version registered after it.
    const later = await createRun(store);
    const hash = (await getModelVersion(store, 'income', 1)).blob.hash;
    await logInputs(store, later.info.run_id, [{ name: 'model/model.onnx', digest: hash, context: 'input', source: 'model/model.onnx' }]);
    await putArtifact(store, later.info.run_id, 'evaluation/report.json', JSON.stringify({ metrics: { accuracy: 0.5, roc_auc: null } }));
    // A run that read the bytes but wrote no report (a gate, say) is not an evaluation.
    const gate = await createRun(store);
    await logInputs(store, gate.info.run_id, [{ name: 'model/model.onnx', digest: hash, context: 'input', source: 'model/model.onnx' }]);
    expect(await registrationMetrics(store, 'income', 1)).toEqual(atRegistration);
    const v = await createModelVersion(store, 'income', { source: join(p.dir, 'model/model.onnx') });
    expect(await registrationMetrics(store, 'income', v.version)).toEqual({ accuracy: 0.5 });
    expect((await registrationEvaluation(store, 'income', v.version))?.runId).toBe(later.info.run_id);
  });
});
