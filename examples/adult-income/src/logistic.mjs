// Logistic regression on standardised numeric columns, trained by mini-batch gradient descent.
// Deterministic for a given seed.
import { readFileSync } from 'node:fs';

/** Reads the numeric feature columns and the 0/1 income target from a census CSV. */
export function loadDataset(path, features) {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines.shift().split(',');
  const cols = features.map((f) => {
    const i = header.indexOf(f);
    if (i === -1) throw new Error(`${path}: no column '${f}'`);
    return i;
  });
  const target = header.indexOf('income');
  const x = lines.map((l, r) => {
    const cells = l.split(',');
    return cols.map((c, j) => {
      const v = Number(cells[c]);
      if (!Number.isFinite(v)) throw new Error(`${path}:${r + 2}: '${features[j]}' is not a number: ${cells[c]}`);
      return v;
    });
  });
  const y = lines.map((l) => (l.split(',')[target].startsWith('>50K') ? 1 : 0));
  return { x, y };
}

export function fit({ x, y }, { learning_rate, epochs, batch_size, seed }, onEpoch) {
  const k = x[0].length;
  const mean = Array.from({ length: k }, (_, j) => x.reduce((s, r) => s + r[j], 0) / x.length);
  const std = Array.from({ length: k }, (_, j) => Math.sqrt(x.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / x.length) || 1);
  const model = { features: k, mean, std, weights: new Array(k).fill(0), bias: 0 };
  const rand = mulberry32(seed);
  const order = x.map((_, i) => i);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let start = 0; start < order.length; start += batch_size) {
      const batch = order.slice(start, start + batch_size);
      const gw = new Array(k).fill(0);
      let gb = 0;
      for (const r of batch) {
        const err = predict(model, x[r]) - y[r];
        for (let j = 0; j < k; j++) gw[j] += err * ((x[r][j] - mean[j]) / std[j]);
        gb += err;
      }
      for (let j = 0; j < k; j++) model.weights[j] -= (learning_rate * gw[j]) / batch.length;
      model.bias -= (learning_rate * gb) / batch.length;
    }
    onEpoch?.(epoch, score(model, { x, y }));
  }
  return model;
}

export function predict(model, row) {
  let t = model.bias;
  for (let j = 0; j < row.length; j++) t += model.weights[j] * ((row[j] - model.mean[j]) / model.std[j]);
  return 1 / (1 + Math.exp(-t));
}

/** Accuracy at 0.5 and mean log loss. */
export function score(model, { x, y }) {
  let loss = 0;
  let correct = 0;
  x.forEach((row, i) => {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, predict(model, row)));
    loss -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
    if ((p >= 0.5 ? 1 : 0) === y[i]) correct++;
  });
  return { accuracy: correct / x.length, log_loss: loss / x.length };
}

/** Small seedable PRNG, identical on every machine. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
