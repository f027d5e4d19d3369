import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerValidateStage } from '../../src/data/index.js';
import { registerEvaluateStages } from '../../src/evaluate/index.js';
import { getVersionByAlias, listBlessings, searchModelVersions } from '../../src/registry/index.js';
import { registerTrainStage } from '../../src/train/index.js';
import { createProject, outcomes, type Project, stageOf } from './project.js';

const ADULT = readFileSync(new URL('../../examples/adult-income/raw/adult-census-income.csv', import.meta.url), 'utf8').trimEnd().split('\n');
const PIPELINE = `
name: loop
registry:
  aliases:
    production: {require_approval: false}
stages:
  train:
    uses: train
    with:
      data: train.csv
      target: income
      algorithm: gbdt
      params:
        max_iter: \${max_iter}
      out: model/model.onnx
    params: [max_iter]
  evaluate:
    uses: evaluate
    with: {model: model/model.onnx, data: test.csv, sensitive: [sex], out: metrics/eval.json}
  gate:
    uses: gate
    with:
      name: income
      model: model/model.onnx
      data: test.csv
      rules: [{metric: accuracy, threshold: 0.8, min_absolute_change: 0.001}]
  register:
    uses: register
    with: {name: income, model: model/model.onnx, gate: gate/result.json, alias: staging, promote_to: production}
`;

let p: Project | undefined;
beforeAll(() => {
  registerValidateStage();
  registerTrainStage();
  registerEvaluateStages();
});
afterEach(async () => {
  await p?.dispose();
  p = undefined;
});

describe('uses: train | evaluate | gate | register', () => {
  it('ships a model that passes the gate, and never one that is worse than production', async () => {
    p = await createProject({
      'slipway.yaml': PIPELINE, 'params.yaml': 'max_iter: 60\n',
      'train.csv': `${[ADULT[0], ...ADULT.slice(1, 5001)].join('\n')}\n`,
      'test.csv': `${[ADULT[0], ...ADULT.slice(5001, 7001)].join('\n')}\n`,
    });
    const first = await p.run();
    expect(outcomes(first)).toEqual({ train: 'ran', evaluate: 'ran', gate: 'ran', register: 'ran' });
    const store = await p.store();
    const v1 = await getVersionByAlias(store, 'income', 'production');
    expect(v1.version).toBe('1');
    expect(v1.aliases).toEqual(['production', 'staging']);
    expect(v1.run_id).toBe(stageOf(first, 'train').runId);
    const eval1 = JSON.parse(p.read('metrics/eval.json')) as Record<string, number>;
    expect(eval1.accuracy).toBeGreaterThan(0.82);
    expect(eval1['fairness.sex.demographic_parity_ratio']).toBeGreaterThan(0);
    expect((await listBlessings(store, 'income', 1)).map((b) => [b.target, b.passed, b.baseline_version])).toEqual([['production', true, null]]);

    // Nothing changed: the gate re-checks (production may have moved) and compares the model with itself as no baseline.
    const again = await p.run();
    expect(outcomes(again)).toEqual({ train: 'skipped', evaluate: 'skipped', gate: 'ran', register: 'skipped' });

    // A worse model: the gate fails against v1 on the same rows and nothing is registered.
    await p.write('params.yaml', 'max_iter: 3\n');
    const worse = await p.run();
    expect(outcomes(worse)).toEqual({ train: 'ran', evaluate: 'ran', gate: 'failed', register: 'not-run' });
    expect(stageOf(worse, 'gate').error).toMatch(/^gate against models:\/income@production \(version 1\) failed: accuracy = 0\.\d+ does not meet the threshold ≥ 0\.8; accuracy = 0\.\d+ does not meet min_absolute_change: ≥ baseline 0\.\d+ \+ 0\.001/);
    expect((await searchModelVersions(store, { name: 'income' })).map((v) => v.version)).toEqual(['1']);
    expect((await getVersionByAlias(store, 'income', 'production')).version).toBe('1');
  }, 60_000);
});
