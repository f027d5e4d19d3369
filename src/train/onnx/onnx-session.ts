/**
 * Runs an exported ONNX file with onnxruntime-node and returns the same `Predictions` the
 * TypeScript evaluator gives (within 1e-5): Slipway's way to serve or check a registered .onnx.
 *
 * Raw values become the graph's inputs as the exporter defines them:
 *   numeric column      float32 [N,1]; null/undefined/NaN → NaN (the Imputer or the trees' missing
 *                       branch handles it); booleans → 1/0, Dates → epoch ms, numeric strings parsed
 *   categorical column  string [N,1]; booleans → 'true'/'false', numbers → String(n); null/undefined/NaN
 *                       → the column's missing token: '' unless '' is itself a category, then a
 *                       run of U+FFFF that is not one. Being no category, it encodes as all zeros
 *                       (one-hot) or NaN (ordinal), the contract's rule for missing values.
 * onnxruntime-node cuts input strings at the first NUL character, so a category containing NUL
 * cannot be matched at run time (real data does not have them).
 */
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { columnByName, columnLength, type Table, valueAt } from '../../data/index.js';
import { invalid } from '../../errors.js';
import type { FeatureSpec, Predictions, TrainedModel } from '../model-types.js';
import { OUTPUT_LABEL, OUTPUT_PROBABILITIES, OUTPUT_VALUE } from './export-estimator.js';
import { readModelFromOnnx } from './read-onnx-metadata.js';
import { startSessionWorker } from './session-worker.js';

/** Rows to predict: a Slipway table, or plain column arrays keyed by column name. */
export type ColumnsInput = Table | Readonly<Record<string, readonly unknown[]>>;

export interface OnnxPredictor {
  /** The TrainedModel embedded in the file. */
  readonly model: TrainedModel;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(data: ColumnsInput): Promise<Predictions>;
  /** How many runs went to the worker thread (see `offloadMinRows`). */
  offloadedRuns(): number;
  /** Frees the native session; the predictor cannot run afterwards. */
  close(): Promise<void>;
}

export interface LoadOnnxOptions {
  /**
   * Threads onnxruntime may use inside one run (worth it for large batches only).
   * @default 1: predictions are deterministic and Slipway runs many sessions side by side
   */
  readonly intraOpNumThreads?: number;
  /**
   * Runs of at least this many rows go to a session in a worker thread, so a big request does not
   * stall the event loop for the small ones around it. @default undefined: every run on the caller's thread
   */
  readonly offloadMinRows?: number;
}

/** Loads a Slipway-exported ONNX model from its bytes or a file path. */
export async function loadOnnx(source: Uint8Array | string, options: LoadOnnxOptions = {}): Promise<OnnxPredictor> {
  const bytes = typeof source === 'string' ? new Uint8Array(await readFile(source)) : source;
  const model = readModelFromOnnx(bytes); // fails clearly before onnxruntime sees a foreign file
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: options.intraOpNumThreads ?? 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  } catch (err) {
    throw invalid(`onnxruntime cannot load the model: ${(err as Error).message}`);
  }
  const expected = model.preprocessor.features.map((f) => f.name);
  if (session.inputNames.length !== expected.length || expected.some((n) => !session.inputNames.includes(n))) {
    await session.release();
    throw invalid(
      `the ONNX graph's inputs [${session.inputNames.join(', ')}] do not match its embedded model's features [${expected.join(', ')}]`,
    );
  }
  const threads = options.intraOpNumThreads ?? 1;
  const worker = options.offloadMinRows === undefined ? undefined : startSessionWorker(bytes, threads);
  const offloadMinRows = options.offloadMinRows ?? Number.POSITIVE_INFINITY;
  let offloaded = 0;
  const missingTokens = new Map(
    model.preprocessor.features.map((f) => [f.name, f.kind === 'categorical' ? missingToken(f.categories) : '']),
  );
  return {
    model,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(data) {
      const rows = rowCount(data, expected);
      if (rows === 0) return emptyPredictions(model);
      const feeds: Record<string, ort.Tensor> = {};
      for (const f of model.preprocessor.features) feeds[f.name] = inputTensor(f, data, rows, missingTokens.get(f.name) ?? '');
      if (worker && rows >= offloadMinRows) {
        offloaded++;
        return toPredictions(model, await worker.run(feeds), rows);
      }
      return toPredictions(model, await session.run(feeds), rows);
    },
    offloadedRuns: () => offloaded,
    async close() {
      await worker?.close();
      await session.release();
    },
  };
}

/**
 * '' unless it is a category; otherwise the shortest run of U+FFFF (a Unicode noncharacter, never
 * real text) that is not one. Not NUL: onnxruntime-node passes strings to C++ as C strings, so
 * '\u0000' would arrive as '' (verified).
 */
export function missingToken(categories: readonly string[]): string {
  const set = new Set(categories);
  let token = '';
  while (set.has(token)) token += '\uffff';
  return token;
}

function inputTensor(f: FeatureSpec, data: ColumnsInput, rows: number, missing: string): ort.Tensor {
  const get = cellReader(data, f.name);
  if (f.kind === 'numeric') {
    const values = new Float32Array(rows);
    for (let i = 0; i < rows; i++) values[i] = toNumber(get(i), f.name, i);
    return new ort.Tensor('float32', values, [rows, 1]);
  }
  const values = new Array<string>(rows);
  for (let i = 0; i < rows; i++) values[i] = toCategory(get(i), missing);
  return new ort.Tensor('string', values, [rows, 1]);
}

function toNumber(v: unknown, column: string, row: number): number {
  if (v === null || v === undefined) return Number.NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    if (v.trim() === '') return Number.NaN;
    const n = Number(v);
    if (!Number.isNaN(n)) return n;
  }
  throw invalid(`column '${column}' is numeric in the model, but row ${row} holds ${JSON.stringify(String(v))}`, { column, row });
}

function toCategory(v: unknown, missing: string): string {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return missing;
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  return String(v); // booleans → 'true'/'false', numbers → their JS string form
}

function isTable(data: ColumnsInput): data is Table {
  return Array.isArray((data as Table).columns) && typeof (data as Table).rowCount === 'number';
}

function cellReader(data: ColumnsInput, name: string): (i: number) => unknown {
  if (isTable(data)) {
    const col = columnByName(data, name);
    if (!col) throw invalid(`missing input column '${name}'`, { column: name });
    return (i) => valueAt(col, i);
  }
  const values = (data as Record<string, readonly unknown[]>)[name];
  if (!values) throw invalid(`missing input column '${name}'`, { column: name });
  return (i) => values[i];
}

function rowCount(data: ColumnsInput, names: readonly string[]): number {
  if (isTable(data)) {
    for (const n of names) {
      const col = columnByName(data, n);
      if (!col) throw invalid(`missing input column '${n}'`, { column: n });
      if (columnLength(col) !== data.rowCount)
        throw invalid(`column '${n}' has ${columnLength(col)} values, expected ${data.rowCount}`);
    }
    return data.rowCount;
  }
  const record = data as Record<string, readonly unknown[]>;
  let rows: number | undefined;
  for (const n of names) {
    const values = record[n];
    if (!values) throw invalid(`missing input column '${n}'`, { column: n });
    if (rows !== undefined && values.length !== rows)
      throw invalid(`column '${n}' has ${values.length} values, expected ${rows}`);
    rows = values.length;
  }
  return rows ?? 0;
}

function toPredictions(model: TrainedModel, out: Readonly<Record<string, { data: unknown }>>, rows: number): Predictions {
  if (model.task === 'regression') {
    const values = Float64Array.from(out[OUTPUT_VALUE]?.data as Float32Array);
    if (values.length !== rows) throw invalid(`the ONNX model returned ${values.length} values for ${rows} rows`);
    return { labels: undefined, probabilities: undefined, values };
  }
  const labels = [...(out[OUTPUT_LABEL]?.data as string[])];
  const probabilities = Float64Array.from(out[OUTPUT_PROBABILITIES]?.data as Float32Array);
  const k = (model.classes ?? []).length;
  if (labels.length !== rows || probabilities.length !== rows * k) {
    throw invalid(
      `the ONNX model returned ${labels.length} labels and ${probabilities.length} probabilities for ${rows} rows × ${k} classes`,
    );
  }
  return { labels, probabilities, values: undefined };
}

function emptyPredictions(model: TrainedModel): Predictions {
  return model.task === 'regression'
    ? { labels: undefined, probabilities: undefined, values: new Float64Array(0) }
    : { labels: [], probabilities: new Float64Array(0), values: undefined };
}
