/**
 * Per-slice metrics: the same metrics as the whole evaluation, recomputed on the rows sharing one
 * value of a slice column (every distinct value of every column, in code point order). Small slices
 * are kept — their row count says how much to trust them — and a metric undefined on a slice (ROC AUC
 * where the slice has one class, R² on one row) is null rather than an error, so one odd slice does
 * not sink the evaluation.
 */
import { invalid } from '../errors.js';
import { finiteOrNull, groupRows } from './numeric.js';

export interface SliceResult {
  readonly column: string;
  readonly value: string;
  readonly rows: number;
  readonly metrics: Record<string, number | null>;
}

/** Rows of `all` at `indices`, for any array-like (string[] or Float64Array). */
export function pick<T>(all: ArrayLike<T>, indices: readonly number[]): T[] {
  return indices.map((i) => all[i] as T);
}

/** Rows `indices` of a row-major [rows × k] matrix. */
export function pickRows(matrix: ArrayLike<number>, k: number, indices: readonly number[]): Float64Array {
  const out = new Float64Array(indices.length * k);
  indices.forEach((row, j) => {
    for (let c = 0; c < k; c++) out[j * k + c] = matrix[row * k + c] as number;
  });
  return out;
}

export function sliceMetrics(
  columns: Readonly<Record<string, readonly string[]>>,
  rows: number,
  compute: (indices: readonly number[]) => Record<string, number>,
): SliceResult[] {
  const out: SliceResult[] = [];
  for (const [column, values] of Object.entries(columns)) {
    if (values.length !== rows) {
      throw invalid(`slice column '${column}' has ${values.length} values but the evaluation data has ${rows} rows`, {
        column,
      });
    }
    for (const [value, indices] of groupRows(values)) {
      const metrics = Object.fromEntries(Object.entries(compute(indices)).map(([k, v]) => [k, finiteOrNull(v)]));
      out.push({ column, value, rows: indices.length, metrics });
    }
  }
  return out;
}
