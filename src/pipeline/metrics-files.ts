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

/** Flattens a params tree into dotted string values, the shape run params take. */
export function flattenParams(tree: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (tree && typeof tree === 'object' && !Array.isArray(tree)) {
    for (const [k, v] of Object.entries(tree)) flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = typeof tree === 'string' ? tree : JSON.stringify(tree);
  }
  return out;
}
