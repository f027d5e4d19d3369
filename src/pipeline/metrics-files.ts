import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { invalid } from '../errors.js';

/**
 * Reads a stage's metrics file (JSON or YAML) into flat numeric metrics: nested keys joined with '.'
 * (`{"test": {"acc": 0.9}}` → `test.acc`), booleans as 0/1, non-numeric values skipped.
 */
export async function readMetricsFile(root: string, path: string): Promise<Record<string, number>> {
  let text: string;
  try {
    text = await readFile(join(root, path), 'utf8');
  } catch {
    throw invalid(`metrics file ${path} was not written by its stage.`);
  }
  let tree: unknown;
  try {
    tree = path.endsWith('.json') ? JSON.parse(text) : parse(text);
  } catch (err) {
    throw invalid(`metrics file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  return flattenMetrics(tree);
}

export function flattenMetrics(tree: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof tree === 'number') out[prefix || 'value'] = tree;
  else if (typeof tree === 'boolean') out[prefix || 'value'] = tree ? 1 : 0;
  else if (tree && typeof tree === 'object' && !Array.isArray(tree)) {
    for (const [k, v] of Object.entries(tree)) flattenMetrics(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/**
 * Reads a plots file written as DVC does (a JSON list of rows, e.g. `[{"step": 1, "loss": 0.4}, ...]`)
 * into metric points, so per-step curves land in the stage run's metric history. Rows without `step`
 * (or `epoch`) take their position; non-numeric fields and other file shapes are skipped.
 */
export async function readPlotPoints(root: string, path: string): Promise<{ key: string; value: number; step: number }[]> {
  if (!path.endsWith('.json')) return [];
  let rows: unknown;
  try {
    rows = JSON.parse(await readFile(join(root, path), 'utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(rows)) return [];
  const points: { key: string; value: number; step: number }[] = [];
  rows.forEach((row: unknown, i) => {
    if (!row || typeof row !== 'object') return;
    const r = row as Record<string, unknown>;
    const step = typeof r.step === 'number' ? r.step : typeof r.epoch === 'number' ? r.epoch : i;
    for (const [key, value] of Object.entries(r)) {
      if (key !== 'step' && key !== 'epoch' && typeof value === 'number' && Number.isFinite(value)) points.push({ key, value, step: Math.trunc(step) });
    }
  });
  return points;
}

/** Flattens a params tree into dotted string values, the shape run params take. */
export function flattenParams(tree: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (tree && typeof tree === 'object' && !Array.isArray(tree)) {
    for (const [k, v] of Object.entries(tree)) flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = typeof tree === 'string' ? tree : JSON.stringify(tree);
  }
  return out;
}
