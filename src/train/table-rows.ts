/**
 * Row subsets of a columnar table: dropping rows with a null target and the seeded train/test split.
 * String columns keep their dictionary (codes are gathered, values are never decoded).
 */
import { invalid } from '../errors.js';
import type { Column, Table } from '../data/index.js';
import { permutation, Rng } from './random.js';

/** The rows `rows` (in that order) of every column. */
export function takeRows(table: Table, rows: Uint32Array): Table {
  const columns = table.columns.map((col) => takeColumn(col, rows));
  return { columns, rowCount: rows.length, rowOffset: 0 };
}

function takeColumn(col: Column, rows: Uint32Array): Column {
  const n = rows.length;
  if (col.kind === 'string') {
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = col.codes[rows[i] as number] as number;
    return { ...col, codes };
  }
  if (col.kind === 'mixed') return { ...col, values: Array.from(rows, (r) => col.values[r]) };
  let valid: Uint8Array | undefined;
  if (col.valid) {
    const src = col.valid;
    valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = src[rows[i] as number] as number;
  }
  if (col.kind === 'boolean') {
    const values = new Uint8Array(n);
    for (let i = 0; i < n; i++) values[i] = col.values[rows[i] as number] as number;
    return { ...col, values, valid };
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = col.values[rows[i] as number] as number;
  return { ...col, values, valid };
}

export interface TrainTestSplit {
  readonly train: Table;
  readonly test: Table;
}

/**
 * A seeded random split: ceil(rows × testFraction) rows go to `test` (as scikit-learn's train_test_split
 * counts), the rest to `train`; each part keeps the file's row order. Same table + fraction + seed →
 * same split.
 */
export function splitTrainTest(table: Table, testFraction: number, seed = 0): TrainTestSplit {
  const { train, test } = splitIndices(table.rowCount, testFraction, seed);
  return { train: takeRows(table, train), test: takeRows(table, test) };
}

/** The row indexes of `splitTrainTest`, ascending (to reproduce the split elsewhere, e.g. in Python). */
export function splitIndices(rows: number, testFraction: number, seed = 0): { train: Uint32Array; test: Uint32Array } {
  if (!(testFraction > 0 && testFraction < 1))
    throw invalid(`test fraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw invalid(`seed must be an integer from 0 to 4294967295, got ${seed}`);
  const nTest = Math.ceil(rows * testFraction);
  if (nTest >= rows) throw invalid(`cannot split ${rows} row(s) with test fraction ${testFraction}: no training rows left`);
  const perm = permutation(rows, new Rng(seed));
  return { train: perm.slice(nTest).sort(), test: perm.slice(0, nTest).sort() };
}
