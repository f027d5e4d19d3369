/**
 * A servable model: an onnxruntime session (via `loadOnnx`) plus the name, version and tensor
 * metadata the protocols publish, with every prediction going through the micro-batcher.
 *
 * Inputs follow the exporter's contract: one [N,1] tensor per raw column, numeric → FP32,
 * categorical → BYTES. Outputs: classification `label` BYTES [N] and `probabilities` FP32 [N,K];
 * regression `variable` FP32 [N,1].
 */
import { availableParallelism } from 'node:os';
import { invalid } from '../errors.js';
import { loadOnnx, type OnnxPredictor, type Predictions, type TrainedModel } from '../train/index.js';
import { createMicroBatcher, type Columns, type MicroBatcher, type MicroBatcherOptions } from './micro-batcher.js';

export type Datatype = 'FP32' | 'BYTES';

export interface TensorMetadata {
  readonly name: string;
  readonly datatype: Datatype;
  /** -1 is a variable dimension (the batch). */
  readonly shape: readonly number[];
}

export interface InferenceModel {
  readonly name: string;
  readonly version: string;
  readonly model: TrainedModel;
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
  /** Input metadata by name, for the request validators' hot path. */
  readonly inputByName: ReadonlyMap<string, TensorMetadata>;
  /** Predicts validated columns (numbers for FP32 inputs, strings or null for BYTES ones). */
  predict(columns: Columns, rows: number): Promise<Predictions>;
  /** Rows waiting in the micro-batcher (the queue depth); 0 without batching. */
  queuedRows(): number;
  isReady(): boolean;
  close(): Promise<void>;
}

export interface InferenceModelOptions {
  readonly name: string;
  /** @default '1' */
  readonly version?: string;
  /** A loaded predictor, or the .onnx bytes / path to load. */
  readonly source: OnnxPredictor | Uint8Array | string;
  /** Micro-batching limits; `false` runs each request on its own. */
  readonly batching?: MicroBatcherOptions | false;
  /** onnxruntime threads per run. @default servingThreads() */
  readonly intraOpNumThreads?: number;
  /**
   * Requests of at least this many rows run in a worker thread, off the event loop (where it pays:
   * a small run costs less than the hop). `false` keeps every run on the event loop.
   * @default DEFAULT_OFFLOAD_ROWS
   */
  readonly offloadMinRows?: number | false;
}

/** About where a tabular model's run starts to cost more than a worker hop (≈0.1 ms). */
export const DEFAULT_OFFLOAD_ROWS = 1024;

/**
 * Threads for one inference run: half the machine's cores (the event loop, JSON and HTTP need the
 * rest), at most 4 (tabular models gain little beyond), at least 1.
 */
export function servingThreads(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, Math.floor(cores / 2)));
}

export const OUTPUT_LABEL = 'label';
export const OUTPUT_PROBABILITIES = 'probabilities';
export const OUTPUT_VALUE = 'variable';

export async function createInferenceModel(options: InferenceModelOptions): Promise<InferenceModel> {
  const predictor =
    typeof options.source === 'string' || options.source instanceof Uint8Array
      ? await loadOnnx(options.source, {
        intraOpNumThreads: options.intraOpNumThreads ?? servingThreads(),
        ...(options.offloadMinRows === false ? {} : { offloadMinRows: options.offloadMinRows ?? DEFAULT_OFFLOAD_ROWS }),
      })
      : options.source;
  const model = predictor.model;
  const inputs: TensorMetadata[] = model.preprocessor.features.map((f) => ({
    name: f.name,
    datatype: f.kind === 'numeric' ? 'FP32' : 'BYTES',
    shape: [-1, 1],
  }));
  const k = model.classes?.length ?? 0;
  const outputs: TensorMetadata[] =
    model.task === 'regression'
      ? [{ name: OUTPUT_VALUE, datatype: 'FP32', shape: [-1, 1] }]
      : [
          { name: OUTPUT_LABEL, datatype: 'BYTES', shape: [-1] },
          { name: OUTPUT_PROBABILITIES, datatype: 'FP32', shape: [-1, k] },
        ];
  const names = inputs.map((i) => i.name);
  const run = (columns: Columns) => predictor.run(columns);
  const batcher: MicroBatcher | undefined = options.batching === false ? undefined : createMicroBatcher(run, names, options.batching ?? {});
  let open = true;
  return {
    name: options.name,
    version: options.version ?? '1',
    model,
    inputs,
    outputs,
    inputByName: new Map(inputs.map((i) => [i.name, i])),
    predict(columns, rows) {
      if (!open) return Promise.reject(invalid(`model '${options.name}' is closed`));
      if (rows === 0) return run(columns);
      return batcher ? batcher.submit(columns, rows) : run(columns);
    },
    queuedRows: () => batcher?.pending() ?? 0,
    isReady: () => open,
    async close() {
      if (!open) return;
      open = false;
      batcher?.flush();
      await predictor.close();
    },
  };
}

/**
 * Checks and converts loosely typed columns (MLflow's dataframes, CSV) to what the runtime takes,
 * so a bad value is a 400 for its own request and never fails a merged batch. Numeric columns
 * accept numbers, numeric strings, booleans and null/'' (missing); categorical ones anything
 * scalar (stringified) or null. Returns the row count.
 */
export function coerceColumns(model: InferenceModel, columns: Record<string, readonly unknown[]>): { columns: Columns; rows: number } {
  let rows: number | undefined;
  const out: Columns = {};
  for (const input of model.inputs) {
    const values = columns[input.name];
    if (!values) throw invalid(`missing input column '${input.name}'`);
    if (rows !== undefined && values.length !== rows) throw invalid(`column '${input.name}' has ${values.length} values, expected ${rows}`);
    rows = values.length;
    out[input.name] = input.datatype === 'FP32' ? values.map((v, i) => toNumber(v, input.name, i)) : values.map((v, i) => toCategory(v, input.name, i));
  }
  return { columns: out, rows: rows ?? 0 };
}

function toNumber(v: unknown, column: string, row: number): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    if (v.trim() === '') return null;
    const n = Number(v);
    if (!Number.isNaN(n)) return n;
  }
  throw invalid(`column '${column}' is numeric, but row ${row} holds ${JSON.stringify(v)}`);
}

function toCategory(v: unknown, column: string, row: number): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalid(`column '${column}' is categorical, but row ${row} holds ${JSON.stringify(v)}`);
}
