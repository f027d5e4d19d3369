import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { tableFromColumns } from '../../data/index.js';
import { SlipwayError } from '../../errors.js';
import type { Predictions, TrainedModel } from '../model-types.js';
import { exportOnnx, loadOnnx, readModelFromOnnx, readOnnxMetadata } from './index.js';
import { ALL_FIXTURES, gbdtBinary, gbdtRegression, logisticBinary, ridgeRegression } from './test-fixtures.js';
import { randomRows, referencePredict, type Rows } from './test-helpers.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function onnxPredict(model: TrainedModel, rows: Rows): Promise<Predictions> {
  const predictor = await loadOnnx(exportOnnx(model));
  try {
    return await predictor.run(rows);
  } finally {
    await predictor.close();
  }
}

/** Max |a - b| over the arrays (relative to max(1, |b|) when `relative`), NaN counting as equal to NaN only. */
function maxDiff(a: Float64Array, b: Float64Array, relative = false): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      expect([i, x]).toEqual([i, y]);
      continue;
    }
    worst = Math.max(worst, Math.abs(x - y) / (relative ? Math.max(1, Math.abs(y)) : 1));
  }
  return worst;
}

/**
 * Rows whose labels differ other than by a near-tie. Float32 evaluation can flip the argmax of two
 * classes whose probabilities are equal within float32 noise (the fixtures' 3-decimal leaf values
 * make exact ties common); any other difference is a real mismatch.
 */
function labelMismatches(model: TrainedModel, got: Predictions, want: Predictions): number[] {
  const classes = model.classes ?? [];
  const k = classes.length;
  const bad: number[] = [];
  (want.labels ?? []).forEach((label, i) => {
    const g = got.labels?.[i];
    if (g === label) return;
    const p = (want.probabilities as Float64Array).subarray(i * k, i * k + k);
    if ((p[classes.indexOf(g ?? '')] ?? -1) < Math.max(...p) - 1e-6) bad.push(i);
  });
  return bad;
}

/** A deep copy with every object's keys in reverse order (same model, different JSON key order). */
function reverseKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(reverseKeys) as T;
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([k, x]) => [k, reverseKeys(x)]),
  ) as T;
}

describe('exportOnnx → onnxruntime-node equals the contract (1e-5)', () => {
  for (const [name, make] of ALL_FIXTURES) {
    it(name, async () => {
      const model = make();
      const rows = randomRows(model, 400, 99);
      const [got, want] = [await onnxPredict(model, rows), referencePredict(model, rows)];
      if (model.task === 'regression') {
        expect(got.labels).toBeUndefined();
        expect(maxDiff(got.values as Float64Array, want.values as Float64Array, true)).toBeLessThanOrEqual(1e-5);
      } else {
        expect(maxDiff(got.probabilities as Float64Array, want.probabilities as Float64Array)).toBeLessThanOrEqual(1e-5);
        expect(labelMismatches(model, got, want)).toEqual([]);
        // Every class is predicted somewhere: the comparison is not vacuous.
        expect(new Set(got.labels)).toEqual(new Set(model.classes));
      }
    });
  }

  it('routes unseen and missing categories as the contract says (ordinal → NaN branch, one-hot → zeros)', async () => {
    for (const model of [gbdtBinary(), logisticBinary()]) {
      const rows = randomRows(model, 3, 5);
      for (const f of model.preprocessor.features) {
        if (f.kind === 'categorical')
          rows[f.name] = f.name === 'flag' ? [true, null, false] : ['zz-unseen', null, f.categories[0]];
      }
      const [got, want] = [await onnxPredict(model, rows), referencePredict(model, rows)];
      expect(maxDiff(got.probabilities as Float64Array, want.probabilities as Float64Array)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('splits compare in float32: the rows on thresholds are exactly where float64 would disagree', async () => {
    const model = gbdtRegression();
    const rows = randomRows(model, 400, 7);
    const got = await onnxPredict(model, rows);
    const float32 = referencePredict(model, rows);
    const float64 = referencePredict(model, rows, { float32Splits: false });
    expect(maxDiff(got.values as Float64Array, float32.values as Float64Array, true)).toBeLessThanOrEqual(1e-5);
    // The data holds values a hair above a threshold: float64 sends them right, float32 (and ORT) left.
    const disagreeing = (float32.values as Float64Array).filter(
      (v, i) => Math.abs(v - ((float64.values as Float64Array)[i] as number)) > 1e-3,
    );
    expect(disagreeing.length).toBeGreaterThan(0);
  });

  it('accepts a Slipway Table as well as plain column arrays', async () => {
    const model = logisticBinary();
    const rows = randomRows(model, 50, 3);
    const table = tableFromColumns(rows);
    const predictor = await loadOnnx(exportOnnx(model));
    const [fromTable, fromRows] = [await predictor.run(table), await predictor.run(rows)];
    await predictor.close();
    expect(fromTable).toEqual(fromRows);
  });

  it('predicts zero rows without running the graph', async () => {
    expect(
      await onnxPredict(gbdtBinary(), Object.fromEntries(gbdtBinary().preprocessor.features.map((f) => [f.name, []]))),
    ).toEqual({
      labels: [],
      probabilities: new Float64Array(0),
      values: undefined,
    });
  });
});

describe('graph interface', () => {
  it('one [N,1] input per raw column (float numeric, string categorical); label [N] + probabilities [N,K], no ZipMap', async () => {
    const model = logisticBinary();
    const session = await ort.InferenceSession.create(exportOnnx(model), { intraOpNumThreads: 1 });
    const meta = (m: readonly ort.InferenceSession.ValueMetadata[]) =>
      m.map((v) => (v.isTensor ? { name: v.name, type: v.type, shape: v.shape } : { name: v.name, type: 'not a tensor' }));
    expect(meta(session.inputMetadata)).toEqual([
      { name: 'age', type: 'float32', shape: ['N', 1] },
      { name: 'income', type: 'float32', shape: ['N', 1] },
      { name: 'score', type: 'float32', shape: ['N', 1] },
      { name: 'color', type: 'string', shape: ['N', 1] },
      { name: 'flag', type: 'string', shape: ['N', 1] },
    ]);
    expect(meta(session.outputMetadata)).toEqual([
      { name: 'label', type: 'string', shape: ['N'] },
      { name: 'probabilities', type: 'float32', shape: ['N', 2] },
    ]);
    const f = (v: number) => new ort.Tensor('float32', new Float32Array([v, Number.NaN, v]), [3, 1]);
    const s = (v: string) => new ort.Tensor('string', [v, '', 'zz'], [3, 1]);
    const out = await session.run({ age: f(30), income: f(40000), score: f(1), color: s('red'), flag: s('true') });
    expect([out.label?.type, out.label?.dims]).toEqual(['string', [3]]);
    expect([out.probabilities?.type, out.probabilities?.dims]).toEqual(['float32', [3, 2]]);
    await session.release();
  });

  it('regression: one output, variable float [N,1]', async () => {
    const session = await ort.InferenceSession.create(exportOnnx(ridgeRegression()), { intraOpNumThreads: 1 });
    expect(session.outputNames).toEqual(['variable']);
    const out = session.outputMetadata[0];
    expect(out?.isTensor && [out.type, out.shape]).toEqual(['float32', ['N', 1]]);
    await session.release();
  });
});

describe('reproducibility and metadata', () => {
  it('the same model gives byte-identical files, whatever its key order', () => {
    for (const [, make] of ALL_FIXTURES) {
      const model = make();
      const reordered = reverseKeys(model);
      expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(model));
      const hash = sha256(exportOnnx(model, { producerVersion: '0.1.0' }));
      expect(sha256(exportOnnx(make(), { producerVersion: '0.1.0' }))).toBe(hash);
      expect(sha256(exportOnnx(reordered, { producerVersion: '0.1.0' }))).toBe(hash);
      expect(sha256(exportOnnx(model, { producerVersion: '0.2.0' }))).not.toBe(hash);
    }
  });

  it('starts with the ModelProto header fields in field-number order', () => {
    const bytes = exportOnnx(logisticBinary(), { producerVersion: 'test' });
    // ir_version = 8 (field 1), then producer_name = 'slipway' (field 2, 7 bytes), producer_version = 'test'.
    expect(Buffer.from(bytes.subarray(0, 17)).toString('hex')).toBe(
      `08081207${Buffer.from('slipway').toString('hex')}1a04${Buffer.from('test').toString('hex')}`,
    );
  });

  it('carries the TrainedModel, target, task and classes as metadata', () => {
    for (const [, make] of ALL_FIXTURES) {
      const model = make();
      const bytes = exportOnnx(model);
      expect(readModelFromOnnx(bytes)).toEqual(model);
      const meta = readOnnxMetadata(bytes);
      expect(meta['slipway.target']).toBe('y');
      expect(meta['slipway.task']).toBe(model.task);
      expect(meta['slipway.classes']).toBe(model.classes === undefined ? undefined : JSON.stringify(model.classes));
    }
  });

  it('loadOnnx reads a file path and exposes the embedded model', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'slipway-onnx-'));
    try {
      const path = join(dir, 'model.onnx');
      await writeFile(path, exportOnnx(gbdtBinary()));
      const predictor = await loadOnnx(path);
      expect(predictor.model).toEqual(gbdtBinary());
      expect(predictor.inputNames).toEqual(['x1', 'x2', 'city', 'flag', 'x3 (raw)']);
      expect(predictor.outputNames).toEqual(['label', 'probabilities']);
      await predictor.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('invalid models are refused with a clear error', () => {
  const cases: [string, (m: TrainedModel) => TrainedModel, RegExp][] = [
    [
      'weights of the wrong length',
      (m) => ({ ...m, estimator: { kind: 'linear', weights: [1, 2], intercept: 0 } }),
      /weights: expected 8, got 2/,
    ],
    [
      'a column named like an output',
      (m) => ({
        ...m,
        preprocessor: { features: m.preprocessor.features.map((f, i) => (i === 0 ? { ...f, name: 'variable' } : f)) },
      }),
      /column 'variable'/,
    ],
    [
      'a duplicate column',
      (m) => ({ ...m, preprocessor: { features: [...m.preprocessor.features, ...m.preprocessor.features.slice(0, 1)] } }),
      /appears twice/,
    ],
    ['a linear estimator for classification', (m) => ({ ...m, task: 'binary', classes: ['a', 'b'] }), /needs task 'regression'/],
    [
      'a non-finite number',
      (m) => ({ ...m, estimator: { kind: 'linear', weights: Array(8).fill(Number.NaN) as number[], intercept: 0 } }),
      /non-finite/,
    ],
  ];
  for (const [name, mutate, message] of cases) {
    it(name, () => {
      const err = (() => {
        try {
          exportOnnx(mutate(ridgeRegression()));
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(SlipwayError);
      expect((err as SlipwayError).message).toMatch(message);
    });
  }
});
