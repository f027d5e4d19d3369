/**
 * Loads a pipeline file (slipway.yaml) into an immutable PipelineSpec. Every problem — YAML syntax,
 * schema, templating, paths, params, needs — is an INVALID_PARAMETER_VALUE whose message starts with
 * `file:line:col:` and names the key path. Building the DAG (cycles, duplicate outs) is not done here.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { notFound } from '../errors.js';
import { buildStage } from './build-stage.js';
import { expandStage, type StageInstance } from './expand-stages.js';
import { DEFAULT_PARAMS_FILE } from './params-files.js';
import { buildContext, ExpandedParams, type ReadProjectFile } from './pipeline-context.js';
import type { PipelineSpec, StageSpec } from './pipeline-types.js';
import { resolveProjectPath } from './project-paths.js';
import { OPAQUE_SECTIONS, type RawStage, reportIssues, STAGE_KEYS, show, stageSchema, topSchema } from './stage-schema.js';
import { didYouMean } from './suggest.js';
import { interpolate, isPlainObject, TemplateError } from './templating.js';
import { Problems, type ProblemSink, type YamlPath, YamlSource } from './yaml-source.js';

export interface ParseOptions {
  /** Text of a project-relative file (params and vars files); without it no such file exists. */
  readonly readFile?: ReadProjectFile;
  /** `--set` values: `a.b.c` (in the first params file) or `file.yaml:a.b` → value. */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

export interface LoadOptions {
  readonly overrides?: Readonly<Record<string, unknown>>;
}

// DVC forbids punctuation other than '_' and '-' in stage names; '@' is reserved for generated ones.
const STAGE_NAME = /^[\p{L}\p{N}_-]+$/u;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A stage body with `key: null` entries dropped, so `deps:` left empty reads as "no deps". */
const withoutNulls = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));

interface Built {
  readonly spec: StageSpec;
  readonly instance: StageInstance;
  readonly sink: ProblemSink;
}

/** Interpolates, validates and builds one expanded stage; undefined after reporting its problems. */
function buildInstance(
  instance: StageInstance,
  source: YamlSource,
  params: ExpandedParams,
  sink: ProblemSink,
): StageSpec | undefined {
  let body: unknown;
  try {
    body = interpolate(instance.body, instance.context, instance.base);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    sink.add(err.path, err.message);
    return undefined;
  }
  const parsed = stageSchema.safeParse(withoutNulls(body as Record<string, unknown>), { reportInput: true });
  if (!parsed.success) {
    const extra = STAGE_KEYS.filter((k) => !(k in stageSchema.shape));
    reportIssues(parsed.error.issues, instance.base, sink, stageSchema, extra);
    return undefined;
  }
  const keyPath: YamlPath = ['stages', instance.group ?? instance.name];
  const location = source.locate(keyPath, 'key');
  return buildStage({ name: instance.name, base: instance.base, keyPath, raw: parsed.data as RawStage, location }, params, sink);
}

/** `needs` may name a stage or a foreach/matrix group (meaning all of its stages). */
function resolveNeeds(built: readonly Built[]): StageSpec[] {
  const names = new Set(built.map((b) => b.spec.name));
  const groups = new Map<string, string[]>();
  for (const { spec, instance } of built) {
    if (instance.group !== undefined) groups.set(instance.group, [...(groups.get(instance.group) ?? []), spec.name]);
  }
  return built.map(({ spec, instance, sink }) => {
    const needs: string[] = [];
    spec.needs.forEach((need, i) => {
      const targets = names.has(need) ? [need] : groups.get(need);
      if (!targets) {
        const others = [...names, ...groups.keys()].filter((n) => n !== spec.name && n !== instance.group);
        const hint = didYouMean(need, others);
        sink.add([...instance.base, 'needs', i], `unknown stage '${need}'${hint}`);
      }
      for (const t of targets ?? []) if (!needs.includes(t)) needs.push(t);
    });
    return { ...spec, needs };
  });
}

/** Parses pipeline text without touching the disk (files come from `options.readFile`). */
export function parsePipeline(text: string, file: string, root: string, options: ParseOptions = {}): PipelineSpec {
  const source = YamlSource.parse(text, file);
  const problems = new Problems(source);
  const data = source.toJS();
  if (!isPlainObject(data)) {
    return problems.fail([], `expected a mapping with 'stages', got ${data === null ? 'an empty file' : show(data)}`);
  }
  // `stages:` left empty (null) reads as absent, like an empty stage field; opaque sections stay as written.
  const own = ['name', 'params', 'vars', 'stages'];
  const top = topSchema.safeParse(
    Object.fromEntries(Object.entries(data).filter(([k, v]) => !(v === null && own.includes(k)))),
    { reportInput: true },
  );
  if (!top.success) reportIssues(top.error.issues, [], problems, topSchema);
  problems.throwIfAny();
  const t = top.data as { name?: string; params?: string[]; vars?: unknown; stages?: Record<string, unknown> };

  // Kept with their written index so a problem points at the right entry.
  const listed: { path: string; index: number }[] = [];
  (t.params ?? [DEFAULT_PARAMS_FILE]).forEach((written, index) => {
    const r = resolveProjectPath(written);
    if (!r.ok) problems.add(['params', index], r.reason);
    else if (!listed.some((l) => l.path === r.path)) listed.push({ path: r.path, index });
  });
  const paramsFiles = listed.map((l) => l.path);
  const read = options.readFile ?? (() => undefined);
  const params = new ExpandedParams(read, options.overrides ?? {}, paramsFiles[0] ?? DEFAULT_PARAMS_FILE);
  const { context, vars } = buildContext(t, listed, params, read, problems);
  problems.throwIfAny();

  const built: Built[] = [];
  const seen = new Set<string>();
  for (const [name, def] of Object.entries(t.stages ?? {})) {
    if (!STAGE_NAME.test(name)) {
      problems.add(['stages', name], `invalid stage name '${name}': use letters, digits, '_' and '-'`, 'key');
      continue;
    }
    for (const instance of expandStage(name, def, context, problems)) {
      const sink = instance.group === undefined ? problems : problems.noted(` (in stage '${instance.name}')`);
      if (seen.has(instance.name)) {
        problems.add(['stages', name], `duplicate stage name '${instance.name}'`, 'key');
        continue;
      }
      seen.add(instance.name);
      const spec = buildInstance(instance, source, params, sink);
      if (spec) built.push({ spec, instance, sink });
    }
  }
  const stages = resolveNeeds(built);
  problems.throwIfAny();

  const extra = Object.fromEntries(OPAQUE_SECTIONS.filter((k) => k in data).map((k) => [k, data[k]]));
  return deepFreeze({
    file,
    root,
    name: t.name ?? basename(root),
    paramsFiles,
    vars,
    stages,
    extra,
    paramValues: params.values(),
  });
}

/** Reads and parses `file`; its folder is the project root that every path is relative to. */
export async function loadPipeline(file: string, options: LoadOptions = {}): Promise<PipelineSpec> {
  const absolute = resolve(file);
  const root = dirname(absolute);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`pipeline file '${file}' not found`, { file });
    throw err;
  }
  // Synchronous on purpose: which params/vars files are needed is only known while resolving
  // templates (a foreach item can name one), and these files are small.
  const readProjectFile: ReadProjectFile = (relPath) => {
    try {
      return readFileSync(join(root, relPath), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  };
  return parsePipeline(text, file, root, { readFile: readProjectFile, overrides: options.overrides });
}
