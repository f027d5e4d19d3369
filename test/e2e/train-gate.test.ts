import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/index.js';
import { loadOnnx, predict, readModelFromOnnx, splitTrainTest, trainModel } from '../../src/train/index.js';
import { runCli } from '../helpers/run-cli.js';

const ADULT = join(import.meta.dirname, '..', '..', 'examples', 'adult-income', 'raw', 'adult-census-income.csv');
const BIKE = join(import.meta.dirname, '..', '..', 'examples', 'bike-sharing', 'raw', 'bike-sharing-hourly.csv');
let dir: string;
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const cli = (args: string[], user = 'alice') => runCli(args, { SLIPWAY_HOME: join(dir, 'home'), SLIPWAY_USER: user });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-train-gate-'));
  const lines = readFileSync(ADULT, 'utf8').trimEnd().split('\n');
  // A fixed, small split keeps the test fast: 6,000 rows to train, 2,000 to evaluate.
  await writeFile(join(dir, 'train.csv'), `${[lines[0], ...lines.slice(1, 6001)].join('\n')}\n`);
  await writeFile(join(dir, 'test.csv'), `${[lines[0], ...lines.slice(6001, 8001)].join('\n')}\n`);
  await writeFile(join(dir, 'gate.yaml'), 'gate:\n  rules:\n    - {metric: accuracy, threshold: 0.8, min_absolute_change: 0.005}\n    - {metric: log_loss, greater_is_better: false, threshold: 0.5}\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('train → ONNX', () => {
  it('writes a byte-identical file for the same data, params and seed', async () => {
    const a = join(dir, 'a.onnx');
    const b = join(dir, 'b.onnx');
    for (const out of [a, b]) {
      const r = await cli(['train', '--data', join(dir, 'train.csv'), '--target', 'income', '--algorithm', 'gbdt', '--param', 'max_iter=40', '--seed', '3', '--out', out, '--json']);
      expect(r.code).toBe(0);
      expect(r.json()).toMatchObject({ algorithm: 'gbdt', task: 'binary', target: 'income', classes: ['<=50K', '>50K'] });
    }
    expect(sha(a)).toBe(sha(b));
    const c = join(dir, 'c.onnx');
    await cli(['train', '--data', join(dir, 'train.csv'), '--target', 'income', '--algorithm', 'gbdt', '--param', 'max_iter=40', '--seed', '4', '--out', c]);
    expect(sha(c)).not.toBe(sha(a));
  });

  it('onnxruntime-node predicts what the TypeScript model predicts (1e-5), for every algorithm', async () => {
    const adult = await readTable(ADULT);
    const { train, test } = splitTrainTest(adult, 0.2, 11);
    const bike = await readTable(BIKE);
    const split = splitTrainTest(bike, 0.2, 11);
    const cases = [
      { model: trainModel(train, { target: 'income', algorithm: 'gbdt', params: { max_iter: 30 } }), data: test },
      { model: trainModel(train, { target: 'income', algorithm: 'logistic' }), data: test },
      { model: trainModel(train, { target: 'marital_status', algorithm: 'gbdt', params: { max_iter: 10 } }), data: test },
      { model: trainModel(split.train, { target: 'cnt', algorithm: 'gbdt', exclude: ['casual', 'registered', 'instant'], params: { max_iter: 30 } }), data: split.test },
      { model: trainModel(split.train, { target: 'cnt', algorithm: 'linear', exclude: ['casual', 'registered', 'instant'] }), data: split.test },
    ];
    for (const { model, data } of cases) {
      const { exportOnnx } = await import('../../src/train/index.js');
      const bytes = exportOnnx(model);
      expect(readModelFromOnnx(bytes)).toEqual(JSON.parse(JSON.stringify(model)));
      const session = await loadOnnx(bytes);
      const fromOrt = await session.run(data);
      await session.close();
      const ours = predict(model, data);
      if (model.task === 'regression') {
        // ONNX computes in float32: the error scales with the size of the sums, so it is judged relative
        // to the prediction range (bike counts reach ~1,000), i.e. 1e-5 of the target's scale.
        const [x, y] = [ours.values as Float64Array, fromOrt.values as Float64Array];
        const scale = Math.max(1, ...Array.from(x, Math.abs));
        let worst = 0;
        for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
        expect(worst / scale, `${model.algorithm} regression`).toBeLessThanOrEqual(1e-5);
      } else {
        const [p, q] = [ours.probabilities as Float64Array, fromOrt.probabilities as Float64Array];
        let worst = 0;
        for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs((p[i] as number) - (q[i] as number)));
        expect(worst).toBeLessThanOrEqual(1e-5);
        expect(fromOrt.labels).toEqual(ours.labels);
      }
    }
  }, 120_000);

  it('answers bad inputs with exit 2 and a clear message', async () => {
    const r = await cli(['train', '--data', join(dir, 'train.csv'), '--target', 'incme', '--algorithm', 'gbdt', '--out', join(dir, 'x.onnx')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("target column 'incme' does not exist");
    const alg = await cli(['train', '--data', join(dir, 'train.csv'), '--target', 'income', '--algorithm', 'svm', '--out', join(dir, 'x.onnx')]);
    expect(alg.code).toBe(2);
    expect(alg.stderr).toContain('--algorithm must be linear, logistic or gbdt');
  });
});

describe('evaluate and gate', () => {
  it('evaluates with fairness, gates against production on the same rows, and never lets a worse model through', async () => {
    const logit = join(dir, 'logit.onnx');
    const gbdt = join(dir, 'gbdt.onnx');
    await cli(['train', '--data', join(dir, 'train.csv'), '--target', 'income', '--algorithm', 'logistic', '--out', logit]);
    await cli(['train', '--data', join(dir, 'train.csv'), '--target', 'income', '--algorithm', 'gbdt', '--out', gbdt]);
    const ev = await cli(['evaluate', '--model', gbdt, '--data', join(dir, 'test.csv'), '--sensitive', 'sex', '--json']);
    expect(ev.code).toBe(0);
    const report = ev.json<{ rows: number; metrics: Record<string, number> }>();
    expect(report.rows).toBe(2000);
    expect(report.metrics.accuracy).toBeGreaterThan(0.83);
    expect(report.metrics['fairness.sex.demographic_parity_ratio']).toBeGreaterThan(0);

    await cli(['models', 'register', 'income', '--source', logit]);
    await cli(['models', 'register', 'income', '--source', gbdt]);
    // No baseline yet: the change rule is skipped, value rules apply.
    const first = await cli(['gate', '--candidate', 'models:/income/1', '--data', join(dir, 'test.csv'), '--rules', join(dir, 'gate.yaml'), '--json']);
    expect(first.code).toBe(0);
    const firstOut = first.json<{ passed: boolean; baseline: null; rules: { metric: string; status: string }[] }>();
    expect(firstOut.baseline).toBeNull();
    expect(firstOut.rules.map((r) => r.status)).toEqual(['passed', 'passed']);
    expect((await cli(['models', 'promote', 'income', '1', '--to', 'production'])).code).toBe(0);

    const better = await cli(['gate', '--candidate', 'models:/income/2', '--data', join(dir, 'test.csv'), '--rules', join(dir, 'gate.yaml'), '--json']);
    expect(better.code).toBe(0);
    expect(better.json<{ baseline: { version: string } }>().baseline.version).toBe('1');
    expect((await cli(['models', 'promote', 'income', '2', '--to', 'production'])).code).toBe(0);

    // v1 is now worse than what is in production: the gate fails, and promotion is refused.
    const worse = await cli(['gate', '--candidate', 'models:/income/1', '--data', join(dir, 'test.csv'), '--rules', join(dir, 'gate.yaml')]);
    expect(worse.code).toBe(1);
    expect(worse.stderr).toContain('gate failed: accuracy');
    const refused = await cli(['models', 'promote', 'income', '1', '--to', 'production']);
    expect(refused.code).toBe(1);

    // A missing metric fails; a fairness rule can gate too.
    await writeFile(join(dir, 'fair.yaml'), 'rules:\n  - {metric: fairness.sex.demographic_parity_ratio, threshold: 0.99}\n  - {metric: no_such_metric, threshold: 1}\n');
    const fair = await cli(['gate', '--candidate', 'models:/income/2', '--data', join(dir, 'test.csv'), '--rules', join(dir, 'fair.yaml'), '--sensitive', 'sex', '--for', 'fair', '--json']);
    expect(fair.code).toBe(1);
    const fairOut = fair.json<{ rules: { metric: string; status: string }[] }>();
    expect(fairOut.rules.map((r) => [r.metric, r.status])).toEqual([['fairness.sex.demographic_parity_ratio', 'failed'], ['no_such_metric', 'failed']]);
    const card = await cli(['models', 'card', 'income', '2']);
    expect(card.stdout).toContain('- FAILED for @fair against no baseline');
    expect(card.stdout).toContain('- PASSED for @production against version 1');
  }, 60_000);
});
