/**
 * Batch scoring: a stream of input chunks in, one model call per chunk, each chunk's rows plus their
 * predictions out to a table writer before the next chunk is read. Memory follows the chunk size, not the
 * file. `batchPredict` is format-agnostic (any AsyncIterable<Table>, any TableWriter); `scoreFile` wires
 * it to the readers and writers for files.
 *
 * Output columns: the input's (or, with `onlyPredictions`, just the id column if named), then
 * `prediction` (the class label, or the regression value) and for classifiers `probability_<class>`
 * per class in the model's class order.
 *
 * @example
 *   const predictor = await loadOnnx('model.onnx');
 *   const { rows } = await scoreFile({ input: 'rows.csv', output: 'scores.parquet', predictor });
 */
import { resolve } from 'node:path';
import {
  type Column,
  columnByName,
  inferSchema,
  isNull,
  knownRowCount,
  openTableWriter,
  type ReadFormat,
  readChunks,
  type Schema,
  stringColumn,
  type Table,
  type TableWriter,
  valueAt,
  type WriteFormat,
} from '../data/index.js';
import { invalid } from '../errors.js';
import { type Predictions, type TrainedModel } from '../train/index.js';

/** What scoring needs of a predictor (an `OnnxPredictor` is one). */
export interface ScoringPredictor {
  readonly model: TrainedModel;
  run(data: Table): Promise<Predictions>;
}

export const PREDICTION_COLUMN = 'prediction';
export const PROBABILITY_PREFIX = 'probability_';
export const DEFAULT_BATCH_SIZE = 10_000;

export interface BatchPredictOptions {
  /** Input rows in chunks, e.g. from `readChunks`; every chunk has the same columns. */
  readonly chunks: AsyncIterable<Table>;
  readonly predictor: ScoringPredictor;
  /** Where the scored chunks go; the caller closes (or aborts) it. */
  readonly writer: TableWriter;
  /** Names the input in error messages (a file path). */
  readonly source: string;
  /**
   * Write only the prediction columns (and `idColumn`), not the input's.
   * @default false
   */
  readonly onlyPredictions?: boolean;
  /**
   * An input column kept beside the predictions when `onlyPredictions` is set (it must exist either way).
   * @default none
   */
  readonly idColumn?: string;
  /** Called after each chunk is written, with the rows done so far. */
  readonly onProgress?: (rowsDone: number) => void;
}

export interface BatchPredictResult {
  readonly rows: number;
  readonly chunks: number;
}

/** The output's prediction column names, in order. */
export function predictionColumnNames(model: TrainedModel): string[] {
  if (model.task === 'regression') return [PREDICTION_COLUMN];
  return [PREDICTION_COLUMN, ...(model.classes ?? []).map((c) => `${PROBABILITY_PREFIX}${c}`)];
}

/** Scores chunk by chunk: checks, predicts, writes, and only then asks for the next chunk. */
export async function batchPredict(options: BatchPredictOptions): Promise<BatchPredictResult> {
  const { predictor, writer, source } = options;
  const model = predictor.model;
  const predictionNames = predictionColumnNames(model);
  let rows = 0;
  let chunks = 0;
  for await (const chunk of options.chunks) {
    if (chunks === 0)
      checkColumns(
        model,
        chunk.columns.map((c) => c.name),
        source,
        options,
      );
    checkNumericFeatures(model, chunk, source);
    const predictions = chunk.rowCount === 0 ? undefined : await predictor.run(chunk);
    const scored = predictionColumns(model, predictions, chunk.rowCount, predictionNames);
    const kept = options.onlyPredictions
      ? options.idColumn === undefined
        ? []
        : [columnByName(chunk, options.idColumn) as Column]
      : chunk.columns;
    await writer.write({ columns: [...kept, ...scored], rowCount: chunk.rowCount, rowOffset: chunk.rowOffset });
    rows += chunk.rowCount;
    chunks++;
    options.onProgress?.(rows);
  }
  return { rows, chunks };
}

/**
 * Fails before any row is scored when the input lacks a model column or the id column, or when an input
 * column would clash with a prediction column in the output.
 */
function checkColumns(
  model: TrainedModel,
  names: readonly string[],
  source: string,
  options: Pick<BatchPredictOptions, 'onlyPredictions' | 'idColumn'>,
): void {
  const have = new Set(names);
  const missing = model.preprocessor.features.map((f) => f.name).filter((n) => !have.has(n));
  if (missing.length) {
    const list = missing.map((n) => `'${n}'`).join(', ');
    throw invalid(
      `${source}: missing ${missing.length === 1 ? 'column' : 'columns'} ${list} that the model needs ` +
        `(it reads ${model.preprocessor.features.map((f) => f.name).join(', ')})`,
      { file: source, columns: missing },
    );
  }
  if (options.idColumn !== undefined && !have.has(options.idColumn)) {
    throw invalid(`${source}: no id column '${options.idColumn}' (columns: ${names.join(', ')})`, {
      file: source,
      column: options.idColumn,
    });
  }
  const kept = options.onlyPredictions ? (options.idColumn === undefined ? [] : [options.idColumn]) : names;
  const clash = predictionColumnNames(model).filter((n) => kept.includes(n));
  if (clash.length) {
    throw invalid(
      `${source}: the input already has ${clash.map((n) => `'${n}'`).join(', ')}, which the output's prediction columns would repeat; ` +
        `rename ${clash.length === 1 ? 'it' : 'them'}, or write only the predictions (--only-predictions)`,
      { file: source, columns: clash },
    );
  }
}

/**
 * A numeric feature read as text (or anything else but numbers and booleans) is checked here, so a bad
 * value is reported by its row in the whole input, not by its index in the chunk.
 */
function checkNumericFeatures(model: TrainedModel, chunk: Table, source: string): void {
  for (const f of model.preprocessor.features) {
    if (f.kind !== 'numeric') continue;
    const col = columnByName(chunk, f.name) as Column;
    if (col.kind === 'number' || col.kind === 'boolean') continue;
    for (let i = 0; i < chunk.rowCount; i++) {
      if (isNull(col, i)) continue;
      const v = valueAt(col, i);
      const text = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : JSON.stringify(v);
      const ok = typeof v === 'number' || (typeof v === 'string' && (v.trim() === '' || !Number.isNaN(Number(v))));
      if (!ok) {
        const row = chunk.rowOffset + i + 1;
        throw invalid(`${source}: row ${row}: column '${f.name}' is numeric in the model, but holds ${JSON.stringify(text)}`, {
          file: source,
          row,
          column: f.name,
        });
      }
    }
  }
}

function predictionColumns(model: TrainedModel, p: Predictions | undefined, rows: number, names: readonly string[]): Column[] {
  if (model.task === 'regression') {
    const values = p?.values ?? new Float64Array(0);
    if (values.length !== rows) throw invalid(`the model returned ${values.length} values for ${rows} rows`);
    return [{ kind: 'number', name: PREDICTION_COLUMN, type: 'float', values, valid: undefined }];
  }
  const k = (model.classes ?? []).length;
  const labels = p?.labels ?? [];
  const probabilities = p?.probabilities ?? new Float64Array(0);
  if (labels.length !== rows || probabilities.length !== rows * k) {
    throw invalid(`the model returned ${labels.length} labels and ${probabilities.length} probabilities for ${rows} rows`);
  }
  const columns: Column[] = [stringColumn(PREDICTION_COLUMN, labels)];
  for (let c = 0; c < k; c++) {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = probabilities[r * k + c] as number;
    columns.push({ kind: 'number', name: names[c + 1] as string, type: 'float', values, valid: undefined });
  }
  return columns;
}

export interface ScoreFileOptions {
  readonly input: string;
  /** Written atomically: a temp file beside it is renamed into place when every row is scored. */
  readonly output: string;
  readonly predictor: ScoringPredictor;
  /** @default by the input's extension (.csv/.tsv/.txt, .jsonl/.ndjson, .parquet) */
  readonly inputFormat?: ReadFormat;
  /** @default by the output's extension (.csv, .jsonl/.ndjson, .parquet) */
  readonly outputFormat?: WriteFormat;
  /**
   * Rows read, predicted and written at a time; bounds memory (for Parquet input, memory is bounded by
   * the input's largest row group as well: see the Parquet reader).
   * @default 10000
   */
  readonly batchSize?: number;
  /** @default false */
  readonly onlyPredictions?: boolean;
  readonly idColumn?: string;
  /** Called after each chunk with the rows done and, when the input's metadata says it, the total. */
  readonly onProgress?: (progress: { rows: number; total: number | undefined }) => void;
}

/** Scores a file into another file (formats may differ); the output is complete or absent, never partial. */
export async function scoreFile(options: ScoreFileOptions): Promise<BatchPredictResult & { output: string }> {
  const { input, output, predictor } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw invalid(`batch size must be a positive integer, got ${batchSize}`);
  if (resolve(input) === resolve(output)) throw invalid(`${output}: the output would replace the input; write it elsewhere`);
  const format = options.inputFormat;
  const schema = await inferSchema(input, format ? { format } : {});
  checkColumns(
    predictor.model,
    schema.columns.map((c) => c.name),
    input,
    options,
  );
  const chunks = readChunks(input, {
    ...(format ? { format } : {}),
    chunkRows: batchSize,
    ...readPlan(predictor.model, schema, options),
  });
  const total = await knownRowCount(input, format ? { format } : {});
  const writer = await openTableWriter(output, options.outputFormat ? { format: options.outputFormat } : {});
  try {
    const result = await batchPredict({
      chunks,
      predictor,
      writer,
      source: input,
      ...(options.onlyPredictions !== undefined ? { onlyPredictions: options.onlyPredictions } : {}),
      ...(options.idColumn !== undefined ? { idColumn: options.idColumn } : {}),
      onProgress: (rows) => options.onProgress?.({ rows, total }),
    });
    await writer.close();
    return { ...result, output };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/**
 * Reader options that make the model's columns come in as the model reads them, whatever the first rows
 * suggest: numeric features as float (a value that is not a number is then the reader's error, naming
 * file, line and column), categorical ones as raw text (so '007' stays '007'). A categorical feature
 * learnt from a boolean column ('false'/'true') keeps its inferred type. With `onlyPredictions`, only
 * the model's columns and the id column are read.
 */
function readPlan(
  model: TrainedModel,
  schema: Schema,
  options: Pick<ScoreFileOptions, 'onlyPredictions' | 'idColumn'>,
): { types: Record<string, 'float' | 'string'>; columns?: string[] } {
  const types: Record<string, 'float' | 'string'> = {};
  for (const f of model.preprocessor.features) {
    if (f.kind === 'numeric') types[f.name] = 'float';
    else if (!f.categories.every((c) => c === 'true' || c === 'false')) types[f.name] = 'string';
  }
  if (!options.onlyPredictions) return { types };
  const wanted = new Set([...model.preprocessor.features.map((f) => f.name), ...(options.idColumn ? [options.idColumn] : [])]);
  return { types, columns: schema.columns.map((c) => c.name).filter((n) => wanted.has(n)) };
}
