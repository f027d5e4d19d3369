/**
 * Shared by the trainers' tests and the training benchmark: the example datasets and the few quality
 * metrics the issue's bars use (accuracy, ROC AUC, R²), computed here so the bars do not depend on
 * other modules.
 */
import { resolve } from 'node:path';
import { columnByName, readTable, type Table } from '../data/index.js';
import { packageRoot } from '../package-root.js';
import { categoryAt } from './categories.js';

const ROOT = packageRoot(); // src/train or dist/src/train alike
export const ADULT_CSV = resolve(ROOT, 'examples/adult-income/raw/adult-census-income.csv');
export const BIKE_CSV = resolve(ROOT, 'examples/bike-sharing/raw/bike-sharing-hourly.csv');

export async function loadTable(path: string): Promise<Table> {
  const { columns, rowCount, rowOffset } = await readTable(path);
  return { columns, rowCount, rowOffset };
}

/** The column's values as category strings (null for missing). */
export function labelsOf(table: Table, name: string): (string | null)[] {
  const col = columnByName(table, name);
  if (!col) throw new Error(`no column ${name}`);
  return Array.from({ length: table.rowCount }, (_, i) => categoryAt(col, i));
}

export function numbersOf(table: Table, name: string): Float64Array {
  const col = columnByName(table, name);
  if (col?.kind !== 'number') throw new Error(`no number column ${name}`);
  return col.values;
}

export function accuracy(predicted: readonly string[], truth: readonly (string | null)[]): number {
  let hits = 0;
  predicted.forEach((p, i) => {
    if (p === truth[i]) hits++;
  });
  return hits / predicted.length;
}

/** ROC AUC by the rank-sum (Mann–Whitney) formula, ties given their average rank. */
export function rocAuc(scores: ArrayLike<number>, positive: readonly boolean[]): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let rankSum = 0;
  let nPos = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[order[k] as number]) {
        rankSum += rank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = order.length - nPos;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export function rSquared(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < truth.length; i++) mean += truth[i] as number;
  mean /= truth.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < truth.length; i++) {
    ssRes += ((truth[i] as number) - (predicted[i] as number)) ** 2;
    ssTot += ((truth[i] as number) - mean) ** 2;
  }
  return 1 - ssRes / ssTot;
}

/** Share of the most frequent label: the accuracy a model must beat to have learned anything. */
export function majorityShare(truth: readonly (string | null)[]): number {
  const counts = new Map<string | null, number>();
  for (const t of truth) counts.set(t, (counts.get(t) ?? 0) + 1);
  return Math.max(...counts.values()) / truth.length;
}
