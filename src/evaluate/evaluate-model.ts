import { columnByName, type Table, valueAt } from '../data/index.js';
import { invalid } from '../errors.js';
import { predict, takeRows, type TrainedModel } from '../train/index.js';
import { type EvaluationReport, evaluatePredictions } from './evaluate.js';

export interface EvaluateModelOptions {
  /** The target column in `table`. @default the model's own target */
  readonly target?: string;
  /** Columns whose groups get fairness metrics (binary classification). */
  readonly sensitive?: readonly string[];
  /** Columns to compute per-value metrics for. */
  readonly slices?: readonly string[];
}

/** Predicts `table` with the model (in TypeScript; identical to its ONNX file within 1e-5) and scores it. */
export function evaluateModel(model: TrainedModel, table: Table, options: EvaluateModelOptions = {}): EvaluationReport {
  const target = options.target ?? model.target;
  const col = columnByName(table, target);
  if (!col) throw invalid(`target column '${target}' does not exist (columns: ${table.columns.map((c) => c.name).join(', ')})`);
  const keep: number[] = [];
  for (let i = 0; i < table.rowCount; i++) if (valueAt(col, i) !== null) keep.push(i);
  if (keep.length === 0) throw invalid(`target column '${target}' has no values to evaluate against`);
  const rows = keep.length === table.rowCount ? table : takeRows(table, Uint32Array.from(keep));
  const tcol = columnByName(rows, target) as NonNullable<ReturnType<typeof columnByName>>;
  const yTrue = Array.from({ length: rows.rowCount }, (_, i) => {
    const v = valueAt(tcol, i);
    return model.task === 'regression' ? Number(v) : v instanceof Date ? v.toISOString() : String(v);
  });
  const groups = (names: readonly string[] | undefined) => {
    if (!names?.length) return undefined;
    const out: Record<string, string[]> = {};
    for (const n of names) {
      const c = columnByName(rows, n);
      if (!c) throw invalid(`column '${n}' does not exist (columns: ${rows.columns.map((x) => x.name).join(', ')})`);
      out[n] = Array.from({ length: rows.rowCount }, (_, i) => String(valueAt(c, i) ?? '(null)'));
    }
    return out;
  };
  const predictions = predict(model, rows);
  return evaluatePredictions({
    task: model.task, classes: model.classes, yTrue: yTrue as string[] | number[], predictions,
    sensitive: groups(options.sensitive), slices: groups(options.slices),
  });
}
