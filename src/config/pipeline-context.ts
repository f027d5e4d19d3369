/**
 * The values `${}` can name, built as DVC builds them: params files first (params.yaml by default),
 * then each `vars` entry in order — inline mappings or `file.yaml[:key1,key2]` — merged without
 * letting one source silently redefine another's value.
 */
import { invalid } from '../errors.js';
import {
  getParamValue,
  type ParamOverride,
  type ParamsTree,
  parseOverride,
  parseParamsText,
  setParamValue,
} from './params-files.js';
import { resolveProjectPath } from './project-paths.js';
import { isPlainObject, mergeVars, TemplateError } from './templating.js';
import type { Problems } from './yaml-source.js';

/** Reads a project-relative file's text; undefined when it does not exist. */
export type ReadProjectFile = (relPath: string) => string | undefined;

/** Params files read on demand, each parsed once, with `--set` overrides applied in memory. */
export class ExpandedParams {
  private readonly cache = new Map<string, ParamsTree | undefined>();
  private readonly overrides = new Map<string, ParamOverride[]>();

  constructor(
    private readonly read: ReadProjectFile,
    overrides: Readonly<Record<string, unknown>>,
    defaultFile: string,
  ) {
    for (const [written, value] of Object.entries(overrides)) {
      const o = parseOverride(written, value);
      const target = o.file === undefined ? { ok: true as const, path: defaultFile } : resolveProjectPath(o.file);
      if (!target.ok) throw invalid(`--set ${written}: ${target.reason}`, { key: written });
      this.overrides.set(target.path, [...(this.overrides.get(target.path) ?? []), o]);
    }
  }

  get(file: string): ParamsTree | undefined {
    if (this.cache.has(file)) return this.cache.get(file);
    const text = this.read(file);
    let tree = text === undefined ? undefined : parseParamsText(text, file);
    for (const o of this.overrides.get(file) ?? []) tree = setParamValue(tree ?? {}, o.key, o.value);
    this.cache.set(file, tree);
    return tree;
  }

  /** Every params file that exists (or was created by an override), by project-relative path. */
  values(): Record<string, ParamsTree> {
    for (const file of this.overrides.keys()) this.get(file);
    const out: Record<string, ParamsTree> = {};
    for (const [file, tree] of [...this.cache].sort(([a], [b]) => a.localeCompare(b))) if (tree) out[file] = tree;
    return out;
  }
}

export interface PipelineContext {
  /** Everything `${}` can name. */
  readonly context: Record<string, unknown>;
  /** Only what the `vars:` section contributed. */
  readonly vars: Record<string, unknown>;
}

/** Picks `keys` (dotted) out of a vars file, as `vars: [file.yaml:a,b.c]` asks. */
function selectKeys(tree: ParamsTree, keys: readonly string[], file: string): ParamsTree {
  let out: ParamsTree = {};
  for (const key of keys) {
    const value = getParamValue(tree, key);
    if (value === undefined) throw new TemplateError(`key '${key}' not found in '${file}'`);
    out = setParamValue(out, key, value);
  }
  return out;
}

export function buildContext(
  top: { params?: readonly string[]; vars?: unknown },
  paramsFiles: readonly { path: string; index: number }[],
  params: ExpandedParams,
  read: ReadProjectFile,
  problems: Problems,
): PipelineContext {
  const context: Record<string, unknown> = {};
  const vars: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  for (const { path: file, index } of paramsFiles) {
    const tree = params.get(file);
    // DVC: a missing default params.yaml is simply not used; a file the pipeline lists must exist.
    if (tree === undefined) {
      if (top.params !== undefined) problems.add(['params', index], `params file '${file}' not found`);
      continue;
    }
    try {
      mergeVars(context, tree, `'${file}'`, origins);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      problems.add(['params', index], err.message);
    }
  }
  const entries: unknown[] = top.vars === undefined ? [] : Array.isArray(top.vars) ? top.vars : [top.vars];
  entries.forEach((entry, i) => {
    const at = Array.isArray(top.vars) ? ['vars', i] : ['vars'];
    try {
      let values: ParamsTree;
      let source: string;
      if (typeof entry === 'string') {
        const colon = entry.indexOf(':');
        const written = colon >= 0 ? entry.slice(0, colon) : entry;
        const keys = colon >= 0 ? entry.slice(colon + 1).split(',').map((k) => k.trim()).filter(Boolean) : [];
        const path = resolveProjectPath(written);
        if (!path.ok) throw new TemplateError(path.reason);
        const text = read(path.path);
        if (text === undefined) throw new TemplateError(`vars file '${path.path}' not found`);
        const tree = parseParamsText(text, path.path);
        values = keys.length > 0 ? selectKeys(tree, keys, path.path) : tree;
        source = `'${path.path}'`;
      } else {
        values = isPlainObject(entry) ? entry : {};
        source = `vars[${i}]`;
      }
      mergeVars(context, values, source, origins);
      mergeVars(vars, values, source, new Map());
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      problems.add(at, err.message);
    }
  });
  return { context, vars };
}
