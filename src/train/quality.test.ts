/**
 * The quality bars on the real datasets, each on a seeded 80/20 split: Adult (income) gbdt
 * accuracy ≥ 0.86 and ROC AUC ≥ 0.91, logistic accuracy ≥ 0.84; bike sharing (cnt, without casual and
 * registered) gbdt R² ≥ 0.90; linear on bike as a sanity check (raw features, ~0.39).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '../data/index.js';
import { predict, splitTrainTest, trainModelWithInfo } from './index.js';
import {
  accuracy,
  ADULT_CSV,
  BIKE_CSV,
  labelsOf,
  loadTable,
  majorityShare,
  numbersOf,
  rocAuc,
  rSquared,
} from './test-helpers.js';

const SEED = 42;
const report = (line: string) => process.stderr.write(`[train quality] ${line}\n`);

describe('Adult census income (80/20, seed 42)', () => {
  let train: Table;
  let test: Table;
  let truth: (string | null)[];
  beforeAll(async () => {
    ({ train, test } = splitTrainTest(await loadTable(ADULT_CSV), 0.2, SEED));
    truth = labelsOf(test, 'income');
  });

  const score = (algorithm: 'gbdt' | 'logistic', params = {}) => {
    const t0 = performance.now();
    const { model, info } = trainModelWithInfo(train, { target: 'income', algorithm, params, seed: SEED });
    const ms = performance.now() - t0;
    const p = predict(model, test);
    expect(model.classes).toEqual(['<=50K', '>50K']);
    const acc = accuracy(p.labels ?? [], truth);
    const probs = p.probabilities ?? new Float64Array(0);
    const auc = rocAuc(
      Array.from({ length: test.rowCount }, (_, i) => probs[i * 2 + 1] as number),
      truth.map((t) => t === '>50K'),
    );
    report(
      `adult ${algorithm}: accuracy ${acc.toFixed(4)}, AUC ${auc.toFixed(4)}, ${info.iterations} iterations, ${ms.toFixed(0)} ms`,
    );
    return { acc, auc };
  };

  it('gbdt: accuracy >= 0.86 and ROC AUC >= 0.91', () => {
    const { acc, auc } = score('gbdt');
    expect(acc).toBeGreaterThanOrEqual(0.86);
    expect(auc).toBeGreaterThanOrEqual(0.91);
  });

  it('logistic: accuracy >= 0.84', () => {
    const { acc, auc } = score('logistic');
    expect(acc).toBeGreaterThanOrEqual(0.84);
    expect(auc).toBeGreaterThanOrEqual(0.89);
  });

  it('multiclass (marital_status, 7 classes): gbdt and logistic beat the majority class by a wide margin', () => {
    const target = 'marital_status';
    const classTruth = labelsOf(test, target);
    const floor = majorityShare(classTruth);
    for (const algorithm of ['gbdt', 'logistic'] as const) {
      const params: Record<string, number> = algorithm === 'gbdt' ? { max_iter: 30 } : {};
      const { model } = trainModelWithInfo(train, { target, algorithm, params, seed: SEED });
      expect(model.task).toBe('multiclass');
      expect(model.classes).toHaveLength(7);
      const acc = accuracy(predict(model, test).labels ?? [], classTruth);
      report(`adult ${target} ${algorithm}: accuracy ${acc.toFixed(4)} (majority ${floor.toFixed(4)})`);
      expect(acc).toBeGreaterThan(floor + 0.2);
    }
  });
});

describe('Bike sharing hourly (cnt, 80/20, seed 42)', () => {
  let train: Table;
  let test: Table;
  const exclude = ['instant', 'casual', 'registered'];
  beforeAll(async () => {
    ({ train, test } = splitTrainTest(await loadTable(BIKE_CSV), 0.2, SEED));
  });

  const r2 = (algorithm: 'gbdt' | 'linear') => {
    const { model, info } = trainModelWithInfo(train, { target: 'cnt', algorithm, exclude, seed: SEED });
    expect(info.ignored.map((c) => c.name)).toEqual(['dteday']); // a timestamp: yr, mnth and hr carry it
    const value = rSquared(predict(model, test).values ?? [], numbersOf(test, 'cnt'));
    report(`bike ${algorithm}: R² ${value.toFixed(4)}`);
    return value;
  };

  it('gbdt: R² >= 0.90', () => {
    expect(r2('gbdt')).toBeGreaterThanOrEqual(0.9);
  });

  it('linear (ridge) on raw features: a sane fit, R² about 0.39', () => {
    const value = r2('linear');
    expect(value).toBeGreaterThan(0.35);
    expect(value).toBeLessThan(0.45);
  });
});
