/**
 * A small, real logistic regression trained by mini-batch gradient descent on standardised numeric
 * columns. It exists so the demo trains an actual model before the built-in trainers land; it is
 * deterministic for a given seed.
 */

export interface Dataset {
  readonly features: readonly string[];
  /** Row-major feature values. */
  readonly x: Float64Array;
  readonly y: Uint8Array;
  readonly rows: number;
}

export interface LogisticModel {
  readonly kind: 'slipway.demo.logistic/v1';
  readonly features: readonly string[];
  readonly mean: number[];
  readonly std: number[];
  readonly weights: number[];
  readonly bias: number;
}

export interface EpochMetrics {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
}

/** Parses the Adult CSV (no quoted fields) into numeric features and a 0/1 target. */
export function parseAdult(text: string, features: readonly string[]): Dataset {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = (lines[0] ?? '').split(',');
  const cols = features.map((f) => {
    const i = header.indexOf(f);
    if (i === -1) throw new Error(`column '${f}' is not in the CSV header`);
    return i;
  });
  const target = header.indexOf('income');
  if (target === -1) throw new Error("column 'income' is not in the CSV header");
  const rows = lines.length - 1;
  const x = new Float64Array(rows * features.length);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const cells = (lines[r + 1] ?? '').split(',');
    cols.forEach((c, j) => {
      const v = Number(cells[c]);
      if (!Number.isFinite(v)) throw new Error(`line ${r + 2}: column '${features[j]}' is not a number: '${cells[c]}'`);
      x[r * features.length + j] = v;
    });
    y[r] = (cells[target] ?? '').startsWith('>50K') ? 1 : 0;
  }
  return { features, x, y, rows };
}

/** A seeded 80/20 split: the same seed always gives the same rows. */
export function split(data: Dataset, seed: number): { train: Dataset; test: Dataset } {
  const rand = mulberry32(seed);
  const isTest = Array.from({ length: data.rows }, () => rand() < 0.2);
  const take = (keep: boolean) => {
    const idx = isTest.flatMap((t, i) => (t === keep ? [i] : []));
    const k = data.features.length;
    const x = new Float64Array(idx.length * k);
    const y = new Uint8Array(idx.length);
    idx.forEach((src, dst) => {
      x.set(data.x.subarray(src * k, src * k + k), dst * k);
      y[dst] = data.y[src] ?? 0;
    });
    return { features: data.features, x, y, rows: idx.length };
  };
  return { train: take(false), test: take(true) };
}

export function train(
  data: Dataset,
  options: { epochs: number; learningRate: number; batchSize: number; seed: number },
  onEpoch: (m: EpochMetrics) => void | Promise<void>,
): Promise<LogisticModel> {
  const k = data.features.length;
  const mean = new Array<number>(k).fill(0);
  const std = new Array<number>(k).fill(0);
  for (let r = 0; r < data.rows; r++) for (let j = 0; j < k; j++) mean[j] = (mean[j] ?? 0) + (data.x[r * k + j] ?? 0) / data.rows;
  for (let r = 0; r < data.rows; r++) for (let j = 0; j < k; j++) std[j] = (std[j] ?? 0) + ((data.x[r * k + j] ?? 0) - (mean[j] ?? 0)) ** 2 / data.rows;
  for (let j = 0; j < k; j++) std[j] = Math.sqrt(std[j] ?? 0) || 1;
  const w = new Array<number>(k).fill(0);
  let b = 0;
  const rand = mulberry32(options.seed);
  const order = Array.from({ length: data.rows }, (_, i) => i);
  const run = async () => {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      shuffle(order, rand);
      for (let start = 0; start < order.length; start += options.batchSize) {
        const batch = order.slice(start, start + options.batchSize);
        const gw = new Array<number>(k).fill(0);
        let gb = 0;
        for (const r of batch) {
          const p = sigmoid(b + dot(w, data.x, r, k, mean, std));
          const err = p - (data.y[r] ?? 0);
          for (let j = 0; j < k; j++) gw[j] = (gw[j] ?? 0) + err * z(data.x, r, j, k, mean, std);
          gb += err;
        }
        for (let j = 0; j < k; j++) w[j] = (w[j] ?? 0) - (options.learningRate * (gw[j] ?? 0)) / batch.length;
        b -= (options.learningRate * gb) / batch.length;
      }
      const model: LogisticModel = { kind: 'slipway.demo.logistic/v1', features: data.features, mean, std, weights: [...w], bias: b };
      await onEpoch({ epoch, ...evaluate(model, data) });
    }
    return { kind: 'slipway.demo.logistic/v1', features: data.features, mean, std, weights: w, bias: b } as const;
  };
  return run();
}

export function evaluate(model: LogisticModel, data: Dataset): { loss: number; accuracy: number } {
  const k = model.features.length;
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < data.rows; r++) {
    const p = sigmoid(model.bias + dot(model.weights, data.x, r, k, model.mean, model.std));
    const y = data.y[r] ?? 0;
    const pc = Math.min(1 - 1e-15, Math.max(1e-15, p));
    loss -= y * Math.log(pc) + (1 - y) * Math.log(1 - pc);
    if ((p >= 0.5 ? 1 : 0) === y) correct++;
  }
  return { loss: loss / data.rows, accuracy: correct / data.rows };
}

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
const z = (x: Float64Array, r: number, j: number, k: number, mean: readonly number[], std: readonly number[]) =>
  ((x[r * k + j] ?? 0) - (mean[j] ?? 0)) / (std[j] ?? 1);
function dot(w: readonly number[], x: Float64Array, r: number, k: number, mean: readonly number[], std: readonly number[]) {
  let s = 0;
  for (let j = 0; j < k; j++) s += (w[j] ?? 0) * z(x, r, j, k, mean, std);
  return s;
}

/** Small, fast, seedable PRNG (deterministic across machines, unlike Math.random). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(a: number[], rand: () => number) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
}
