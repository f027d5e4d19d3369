/**
 * Params files (DVC's params.yaml): YAML or JSON mappings of hyperparameters that stages depend on by
 * dotted key, that `${}` templating reads, and that `--set key=value` overrides without editing the file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYamlValue } from 'yaml';
import { invalid } from '../errors.js';
import { isPlainObject } from './templating.js';
import { YamlSource } from './yaml-source.js';

/** Where a stage's params keys live when it names no file (DVC's default, relative to the stage's wdir). */
export const DEFAULT_PARAMS_FILE = 'params.yaml';

export type ParamsTree = Record<string, unknown>;

const describe = (v: unknown): string =>
  Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'string' ? `'${v}'` : String(v);

/** Parses a params file's text by its extension (.json → JSON, anything else → YAML); empty → {}. */
export function parseParamsText(text: string, file: string): ParamsTree {
  let value: unknown;
  if (file.toLowerCase().endsWith('.json')) {
    try {
      value = JSON.parse(text);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // V8 names a position for most errors, not all; without one, no line is better than a wrong one.
      const pos = /position (\d+)/.exec(message);
      const before = pos ? text.slice(0, Number(pos[1])).split('\n') : undefined;
      const where = before ? `:${before.length}:${(before.at(-1)?.length ?? 0) + 1}` : '';
      throw invalid(`${file}${where}: invalid JSON: ${message}`, { file });
    }
  } else {
    value = YamlSource.parse(text, file).toJS();
  }
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) throw invalid(`${file}:1:1: expected a mapping of params, got ${describe(value)}`, { file });
  return value;
}

/** Reads `file` (project-relative) under `root`; undefined when it does not exist. */
export async function readParamsFile(root: string, file: string): Promise<ParamsTree | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseParamsText(text, file);
}

const segmentsOf = (key: string): string[] => {
  const segments = key.split('.');
  if (key === '' || segments.some((s) => s === '')) throw invalid(`invalid param key '${key}'`, { key });
  return segments;
};

/** The value at dotted `key` ('train.lr', 'layers.0'), or undefined when absent (a YAML null is null). */
export function getParamValue(tree: unknown, key: string): unknown {
  let current: unknown = tree;
  for (const seg of segmentsOf(key)) {
    if (Array.isArray(current) && /^\d+$/.test(seg)) current = current[Number(seg)];
    else if (isPlainObject(current) && Object.hasOwn(current, seg)) current = current[seg];
    else return undefined;
  }
  return current;
}

/** Like getParamValue, but a missing key is an error naming the stage, the file and the key. */
export function requireParamValue(tree: unknown, key: string, where: { stage: string; file: string }): unknown {
  const value = getParamValue(tree, key);
  if (value === undefined) {
    throw invalid(`stage '${where.stage}': param '${key}' not found in '${where.file}'`, { ...where, key });
  }
  return value;
}

/**
 * A copy of `tree` with dotted `key` set to `value`; missing mappings on the way are created. Setting
 * below a scalar is refused rather than silently replacing it.
 */
export function setParamValue(tree: Readonly<ParamsTree>, key: string, value: unknown): ParamsTree {
  const segments = segmentsOf(key);
  const root: ParamsTree = structuredClone(tree) as ParamsTree;
  let current: Record<string, unknown> | unknown[] = root;
  for (const [i, seg] of segments.entries()) {
    const last = i === segments.length - 1;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(seg) || Number(seg) > current.length) {
        throw invalid(`cannot set '${key}': '${segments.slice(0, i).join('.')}' is a list`, { key });
      }
    }
    const container = current as Record<string, unknown>;
    if (last) {
      container[seg] = structuredClone(value);
      break;
    }
    const next = container[seg];
    if (next === undefined) container[seg] = {};
    else if (typeof next !== 'object' || next === null) {
      throw invalid(`cannot set '${key}': '${segments.slice(0, i + 1).join('.')}' is ${describe(next)}`, { key });
    }
    current = container[seg] as Record<string, unknown> | unknown[];
  }
  return root;
}

export interface ParamOverride {
  /** Project-relative params file; undefined = the pipeline's first params file. */
  readonly file: string | undefined;
  readonly key: string;
  readonly value: unknown;
}

/**
 * `[file:]dotted.key` as written after `--set` (DVC's `-S` form). The value of `--set k=v` is parsed as
 * YAML so `lr=0.1` is a number and `name=abc` a string.
 */
export function parseOverride(key: string, value?: unknown): ParamOverride {
  const colon = key.lastIndexOf(':');
  const file = colon > 0 ? key.slice(0, colon) : undefined;
  const dotted = colon > 0 ? key.slice(colon + 1) : key;
  segmentsOf(dotted);
  return { file, key: dotted, value };
}

/** Splits one `--set` argument `key=value`. */
export function parseSetArgument(text: string): ParamOverride {
  const eq = text.indexOf('=');
  if (eq <= 0) throw invalid(`--set expects key=value, got '${text}'`, { value: text });
  return parseOverride(text.slice(0, eq).trim(), parseYamlValue(text.slice(eq + 1)) ?? null);
}
