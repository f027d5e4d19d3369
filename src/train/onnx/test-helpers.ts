/**
 * Shared by this folder's tests only (not exported from index.ts): an independent reference
 * evaluator of the model contract, written from model-types.ts alone (so these tests do not depend
 * on the trainers' predict.ts), a seeded random generator and random rows with nulls, unseen
 * categories and values sitting on tree thresholds.
 */
import type { FeatureSpec, Predictions, TrainedModel, Tree } from '../model-types.js';

/** Column name → raw values, as loadOnnx accepts them. */
export type Rows = Record<string, unknown[]>;

/** mulberry32: a small seeded PRNG, so every test run sees the same rows. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface EvaluateOptions {
  /**
   * true (the rule the ONNX file follows): a split compares Math.fround(x) <= Math.fround(threshold).
   * false: plain float64 comparison, used only to show where the two disagree.
   */
  readonly float32Splits?: boolean;
}

/** The contract's predictions, computed directly from its documented semantics. */
export function referencePredict(model: TrainedModel, rows: Rows, options: EvaluateOptions = {}): Predictions {
  const f32 = options.float32Splits ?? true;
  const n = Object.values(rows)[0]?.length ?? 0;
  const classes = model.classes ?? [];
  const labels: string[] = [];
  const probabilities = new Float64Array(model.task === 'regression' ? 0 : n * classes.length);
  const values = new Float64Array(model.task === 'regression' ? n : 0);
  for (let i = 0; i < n; i++) {
    const x = model.preprocessor.features.flatMap((f) => slots(f, rows[f.name]?.[i]));
    const raw = rawScores(model, x, f32);
    if (model.task === 'regression') {
      values[i] = raw[0] as number;
      continue;
    }
    const p = model.task === 'binary' ? binaryProbabilities(raw[0] as number) : softmax(raw);
    probabilities.set(p, i * classes.length);
    let best = 0;
    for (let k = 1; k < p.length; k++) if ((p[k] as number) > (p[best] as number)) best = k;
    labels.push(classes[best] as string);
  }
  return model.task === 'regression'
    ? { labels: undefined, probabilities: undefined, values }
    : { labels, probabilities, values: undefined };
}

function slots(f: FeatureSpec, v: unknown): number[] {
  const missing = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
  if (f.kind === 'numeric') {
    let x = missing ? Number.NaN : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
    if (Number.isNaN(x) && f.impute !== undefined) x = f.impute;
    if (f.scale !== undefined) x = (x - f.scale.mean) / f.scale.std;
    return [x];
  }
  const index = missing ? -1 : f.categories.indexOf(String(v));
  if (f.encoding === 'ordinal') return [index >= 0 ? index : Number.NaN];
  return f.categories.map((_, k) => (k === index ? 1 : 0));
}

function rawScores(model: TrainedModel, x: readonly number[], f32: boolean): number[] {
  const est = model.estimator;
  const dot = (w: readonly number[]) => w.reduce((s, wj, j) => s + wj * (x[j] as number), 0);
  switch (est.kind) {
    case 'linear':
      return [dot(est.weights) + est.intercept];
    case 'logistic':
      return est.coefficients.map((row, k) => dot(row) + (est.intercepts[k] as number));
    case 'gbdt':
      return est.baseScore.map((base, k) =>
        est.trees.reduce((s, perOutput) => s + leafValue(perOutput[k] as Tree, x, f32), base),
      );
  }
}

function leafValue(t: Tree, x: readonly number[], f32: boolean): number {
  let node = 0;
  for (;;) {
    const f = t.feature[node] as number;
    if (f < 0) return t.value[node] as number;
    const v = x[f] as number;
    const th = t.threshold[node] as number;
    const left = Number.isNaN(v) ? t.missingLeft[node] === true : f32 ? Math.fround(v) <= Math.fround(th) : v <= th;
    node = (left ? t.left[node] : t.right[node]) as number;
  }
}

function binaryProbabilities(z: number): number[] {
  const p = 1 / (1 + Math.exp(-z));
  return [1 - p, p];
}

function softmax(z: readonly number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** A random regression tree in flat arrays (children always after their parent), depth ≤ `depth`. */
export function randomTree(r: () => number, depth: number, pickSplit: () => { slot: number; threshold: number }): Tree {
  const t = {
    feature: [] as number[],
    threshold: [] as number[],
    missingLeft: [] as boolean[],
    left: [] as number[],
    right: [] as number[],
    value: [] as number[],
  };
  const grow = (d: number): number => {
    const id = t.feature.length;
    const leaf = d === 0 || (d < depth && r() < 0.25);
    const split = leaf ? { slot: -1, threshold: 0 } : pickSplit();
    t.feature.push(split.slot);
    t.threshold.push(leaf ? 0 : split.threshold);
    t.missingLeft.push(!leaf && r() < 0.5);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(leaf ? Math.round((r() - 0.5) * 2000) / 1000 : 0);
    if (!leaf) {
      t.left[id] = grow(d - 1);
      t.right[id] = grow(d - 1);
    }
    return id;
  };
  grow(depth);
  return t;
}

/** Every numeric threshold of a model's trees, per slot: rows put values exactly on (and next to) them. */
export function thresholdsBySlot(model: TrainedModel): Map<number, number[]> {
  const out = new Map<number, number[]>();
  if (model.estimator.kind !== 'gbdt') return out;
  for (const perOutput of model.estimator.trees) {
    for (const t of perOutput) {
      t.feature.forEach((f, j) => {
        if (f >= 0) out.set(f, [...(out.get(f) ?? []), t.threshold[j] as number]);
      });
    }
  }
  return out;
}

/**
 * `n` random rows for the model's raw columns: ~10% nulls everywhere, ~10% unseen categories, and
 * for tree models ~20% of numeric values on a threshold or a hair above it (same float32, different
 * float64: the case that decides the comparison rule). Columns named `flag` hold real booleans.
 */
export function randomRows(model: TrainedModel, n: number, seed: number): Rows {
  const r = rng(seed);
  const rows: Rows = {};
  const thresholds = thresholdsBySlot(model);
  let slot = 0;
  for (const f of model.preprocessor.features) {
    const own = thresholds.get(slot) ?? [];
    const values: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const u = r();
      if (u < 0.1) values.push(r() < 0.5 ? null : undefined);
      else if (f.kind === 'numeric') {
        const t = own[Math.floor(r() * own.length)];
        if (t !== undefined && u < 0.2) values.push(t);
        else if (t !== undefined && u < 0.3) values.push(t + Math.abs(t) * 1e-9 + 1e-12);
        else values.push(Math.round((r() - 0.5) * 8000) / 1000);
      } else if (f.name === 'flag') values.push(r() < 0.5);
      else if (u < 0.2) values.push('zz-unseen');
      else values.push(f.categories[Math.floor(r() * f.categories.length)]);
    }
    rows[f.name] = values;
    slot += f.kind === 'numeric' || f.encoding === 'ordinal' ? 1 : f.categories.length;
  }
  return rows;
}
