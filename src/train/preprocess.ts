/**
 * Preprocessing is part of the model (the contract's Preprocessor): `fitPreprocessor` learns it from the
 * training table, `transform` applies it to any table with those columns, in TypeScript here and as ONNX
 * nodes in the exporter, so both must agree exactly.
 *
 * - numeric (number columns): linear/logistic impute a missing value with the training mean, then
 *   standardise with the training mean and the imputed column's population std (std 0 → 1); gbdt
 *   keeps the raw value and NaN.
 * - categorical (string and boolean columns): linear/logistic one-hot over the sorted training
 *   categories (unseen or missing → all zeros); gbdt one ordinal slot, the category's index in that
 *   sorted list (unseen or missing → NaN, which trees send down their learned missing branch).
 */
import { columnByName, type Column, type Table } from '../data/index.js';
import { invalid } from '../errors.js';
import { categoryIndexes, distinctCategories } from './categories.js';
import type { Algorithm, FeatureSpec, Preprocessor } from './model-types.js';

/**
 * One-hot slots per categorical feature at most. Beyond that a column is usually an identifier, and the
 * dense [rows × slots] matrix (and ridge's slots² system) would explode.
 */
export const MAX_ONEHOT_CATEGORIES = 1000;

export function fitPreprocessor(table: Table, featureNames: readonly string[], algorithm: Algorithm): Preprocessor {
  const trees = algorithm === 'gbdt';
  const features = featureNames.map((name): FeatureSpec => {
    const col = requireColumn(table, name);
    const rows = table.rowCount;
    if (col.kind === 'number') {
      const { mean, std, present } = moments(col.values, col.valid, rows);
      if (present === 0) throw allNull(name);
      return trees
        ? { name, kind: 'numeric', impute: undefined, scale: undefined }
        : { name, kind: 'numeric', impute: mean, scale: { mean, std: std > 0 ? std : 1 } };
    }
    if (col.kind === 'string' || col.kind === 'boolean') {
      const categories = distinctCategories(col, rows);
      if (categories.length === 0) throw allNull(name);
      if (!trees && categories.length > MAX_ONEHOT_CATEGORIES) {
        throw invalid(
          `feature '${name}' has ${categories.length} distinct values, too many to one-hot encode (at most ${MAX_ONEHOT_CATEGORIES}): ` +
            `exclude it (--exclude ${name}) or use gbdt`,
        );
      }
      return { name, kind: 'categorical', categories, encoding: trees ? 'ordinal' : 'onehot' };
    }
    throw invalid(`feature '${name}' is a ${col.kind} column, which models cannot use: exclude it (--exclude ${name})`);
  });
  return { features };
}

const allNull = (name: string) => invalid(`feature '${name}' is entirely null: exclude it (--exclude ${name})`);

function requireColumn(table: Table, name: string): Column {
  const col = columnByName(table, name);
  if (!col) throw invalid(`column '${name}' is missing from the data (columns: ${table.columns.map((c) => c.name).join(', ')})`);
  return col;
}

/**
 * Mean of the present values, and the population std of the column after mean imputation (as a
 * scikit-learn Pipeline of SimpleImputer then StandardScaler computes it: imputed rows add no spread
 * but count in n). Two passes: the one-pass formula loses digits.
 */
function moments(values: Float64Array, valid: Uint8Array | undefined, rows: number) {
  let sum = 0;
  let present = 0;
  for (let i = 0; i < rows; i++) {
    const v = values[i] as number;
    if ((valid && valid[i] === 0) || Number.isNaN(v)) continue;
    sum += v;
    present++;
  }
  const mean = present ? sum / present : 0;
  let ss = 0;
  for (let i = 0; i < rows; i++) {
    const v = values[i] as number;
    if ((valid && valid[i] === 0) || Number.isNaN(v)) continue;
    ss += (v - mean) * (v - mean);
  }
  return { mean, std: present ? Math.sqrt(ss / rows) : 0, present };
}

/** Slots (model inputs after preprocessing) of each feature, in order. */
export function slotCount(pre: Preprocessor): number {
  return pre.features.reduce((n, f) => n + slotsOf(f), 0);
}

function slotsOf(f: FeatureSpec): number {
  return f.kind === 'categorical' && f.encoding === 'onehot' ? f.categories.length : 1;
}

/** Readable slot names ('age', 'workclass=Private'), for coefficients and importances. */
export function slotNames(pre: Preprocessor): string[] {
  return pre.features.flatMap((f) =>
    f.kind === 'categorical' && f.encoding === 'onehot' ? f.categories.map((c) => `${f.name}=${c}`) : [f.name],
  );
}

/**
 * The preprocessed matrix, row-major [rows × slots] (row-major because every consumer — the linear
 * solvers' dot products and tree traversal — reads one row at a time; the GBDT binner reads it strided
 * once). Columns are found by name and categories matched by value, so column order and string
 * dictionaries may differ from the training table.
 */
export function transform(pre: Preprocessor, table: Table): Float64Array {
  const rows = table.rowCount;
  const slots = slotCount(pre);
  const out = new Float64Array(rows * slots);
  let offset = 0;
  for (const f of pre.features) {
    const col = requireColumn(table, f.name);
    if (f.kind === 'numeric') {
      writeNumeric(out, slots, offset, rows, col, f.impute, f.scale);
    } else {
      const idx = categoryIndexes(col, f.categories, rows);
      if (f.encoding === 'onehot') {
        for (let r = 0; r < rows; r++) {
          const k = idx[r] as number;
          if (k >= 0) out[r * slots + offset + k] = 1;
        }
      } else {
        for (let r = 0; r < rows; r++) {
          const k = idx[r] as number;
          out[r * slots + offset] = k >= 0 ? k : Number.NaN;
        }
      }
    }
    offset += slotsOf(f);
  }
  return out;
}

function writeNumeric(
  out: Float64Array,
  slots: number,
  offset: number,
  rows: number,
  col: Column,
  impute: number | undefined,
  scale: { readonly mean: number; readonly std: number } | undefined,
): void {
  if (col.kind !== 'number' && col.kind !== 'boolean') {
    throw invalid(`feature '${col.name}' is numeric in the model but a ${col.kind} column in the data`);
  }
  const fill = impute ?? Number.NaN;
  const mean = scale ? scale.mean : 0;
  const std = scale ? scale.std : 1;
  const { values, valid } = col;
  for (let r = 0; r < rows; r++) {
    let v = values[r] as number;
    if ((valid !== undefined && valid[r] === 0) || Number.isNaN(v)) v = fill;
    out[r * slots + offset] = scale ? (v - mean) / std : v;
  }
}
