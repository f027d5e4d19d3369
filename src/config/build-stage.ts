/**
 * One validated, interpolated stage body → an immutable StageSpec: paths made project-relative,
 * params refs checked against their files, `uses:` arguments checked by the kind's own schema.
 * `needs` are resolved later, once every stage name is known.
 */
import { parseDuration } from './durations.js';
import type { ExpandedParams } from './pipeline-context.js';
import { DEFAULT_PARAMS_FILE, getParamValue } from './params-files.js';
import {
  DEFAULT_RETRY_POLICY,
  type OutSpec,
  type ParamsRef,
  type RetryPolicy,
  type StageSpec,
  type StageUses,
} from './pipeline-types.js';
import { resolveProjectPath } from './project-paths.js';
import { getStageKind, listStageKinds } from './stage-kinds.js';
import { type RawStage, reportIssues } from './stage-schema.js';
import { didYouMean } from './suggest.js';
import { scalarText } from './templating.js';
import type { ProblemSink, YamlPath } from './yaml-source.js';

export interface BuildInput {
  readonly name: string;
  /** YAML path of the stage fields (`stages.x` or `stages.x.do`). */
  readonly base: YamlPath;
  /** YAML path of the written stage key, where stage-level problems point. */
  readonly keyPath: YamlPath;
  readonly raw: RawStage;
  readonly location: StageSpec['location'];
}

type Entry = string | Readonly<Record<string, unknown>>;

function resolvePath(written: string, wdir: string, path: YamlPath, problems: ProblemSink): string | undefined {
  const r = resolveProjectPath(written, wdir);
  if (r.ok) return r.path;
  problems.add(path, r.reason);
  return undefined;
}

/** `- path` / `- path: {cache, persist}` → OutSpec; DVC caches outs and metrics unless told not to. */
function outSpecs(entries: readonly Entry[] | undefined, wdir: string, base: YamlPath, problems: ProblemSink): OutSpec[] {
  const specs: OutSpec[] = [];
  (entries ?? []).forEach((entry, i) => {
    const [written, flags] = typeof entry === 'string' ? [entry, undefined] : (Object.entries(entry)[0] ?? ['', undefined]);
    const path = resolvePath(written, wdir, [...base, i], problems);
    const f = (flags ?? {}) as { cache?: boolean; persist?: boolean };
    if (path !== undefined) specs.push({ path, cache: f.cache ?? true, persist: f.persist ?? false });
  });
  return specs;
}

/**
 * DVC's params rules: a bare key is in params.yaml (in the stage's wdir), `file: [keys]` names the file,
 * `file:` with no keys depends on the whole file and wins over keys listed for it. Every key must exist.
 */
function paramsRefs(
  entries: RawStage['params'],
  wdir: string,
  stage: BuildInput,
  params: ExpandedParams,
  problems: ProblemSink,
): ParamsRef[] {
  const byFile = new Map<string, { keys: Map<string, YamlPath>; all: YamlPath | undefined }>();
  const slot = (file: string) => {
    let s = byFile.get(file);
    if (!s) byFile.set(file, (s = { keys: new Map(), all: undefined }));
    return s;
  };
  (entries ?? []).forEach((entry, i) => {
    const at: YamlPath = [...stage.base, 'params', i];
    if (typeof entry === 'string') {
      const file = resolvePath(DEFAULT_PARAMS_FILE, wdir, at, problems);
      if (file !== undefined && !slot(file).keys.has(entry)) slot(file).keys.set(entry, at);
      return;
    }
    for (const [written, keys] of Object.entries(entry)) {
      const file = resolvePath(written, wdir, [...at, written], problems);
      if (file === undefined) continue;
      const s = slot(file);
      if (keys === null || keys.length === 0) s.all ??= [...at, written];
      keys?.forEach((k, j) => {
        if (!s.keys.has(k)) s.keys.set(k, [...at, written, j]);
      });
    }
  });
  const refs: ParamsRef[] = [];
  for (const [file, { keys, all }] of byFile) {
    const tree = params.get(file);
    if (tree === undefined) {
      problems.add(all ?? [...keys.values()][0] ?? stage.keyPath, `stage '${stage.name}': params file '${file}' not found`);
      continue;
    }
    if (all === undefined) {
      for (const [key, at] of keys) {
        if (getParamValue(tree, key) === undefined) {
          problems.add(at, `stage '${stage.name}': param '${key}' not found in '${file}'`);
        }
      }
    }
    refs.push({ file, keys: all !== undefined ? 'all' : [...keys.keys()] });
  }
  return refs;
}

function retryPolicy(retries: RawStage['retries']): RetryPolicy {
  if (retries === undefined) return DEFAULT_RETRY_POLICY;
  if (typeof retries === 'number') return { ...DEFAULT_RETRY_POLICY, count: retries };
  return {
    count: retries.count,
    backoffMs: parseDuration(retries.backoff) ?? DEFAULT_RETRY_POLICY.backoffMs,
    factor: retries.factor ?? DEFAULT_RETRY_POLICY.factor,
    maxBackoffMs: parseDuration(retries.max_backoff) ?? DEFAULT_RETRY_POLICY.maxBackoffMs,
  };
}

function stageUses(input: BuildInput, problems: ProblemSink): StageUses | undefined {
  const { raw, base } = input;
  // With both cmd and uses the stage is already wrong; checking the kind too would only add noise.
  if (raw.uses === undefined || raw.cmd !== undefined) return undefined;
  const kind = getStageKind(raw.uses);
  if (!kind) {
    const known = listStageKinds().map((k) => k.name);
    const list = known.length === 0 ? 'none registered' : known.join(', ');
    problems.add([...base, 'uses'], `unknown stage kind '${raw.uses}' (known: ${list})${didYouMean(raw.uses, known)}`);
    return undefined;
  }
  const parsed = kind.schema.safeParse(raw.with ?? {}, { reportInput: true });
  if (!parsed.success) {
    reportIssues(parsed.error.issues, [...base, 'with'], problems, kind.schema);
    return undefined;
  }
  return { kind: kind.name, with: (parsed.data ?? {}) as Record<string, unknown> };
}

/** Builds the stage, or returns undefined after reporting why it cannot be built. */
export function buildStage(input: BuildInput, params: ExpandedParams, problems: ProblemSink): StageSpec | undefined {
  const { raw, base, keyPath } = input;
  // Counts this stage's own problems, so a stage with any is left out of the result.
  let failed = false;
  const sink: ProblemSink = {
    add: (path, message, at) => {
      failed = true;
      problems.add(path, message, at);
    },
  };
  if (raw.cmd !== undefined && raw.uses !== undefined) {
    sink.add(keyPath, "a stage has either 'cmd' or 'uses', not both", 'key');
  } else if (raw.cmd === undefined && raw.uses === undefined) {
    sink.add(keyPath, "missing 'cmd' (or 'uses: <kind>' for a built-in stage kind)", 'key');
  }
  if (raw.with !== undefined && raw.uses === undefined) sink.add([...base, 'with'], "'with' needs 'uses'", 'key');
  const uses = stageUses(input, sink);
  const wdir = resolvePath(raw.wdir ?? '.', '.', [...base, 'wdir'], sink) ?? '.';
  const deps: string[] = [];
  (raw.deps ?? []).forEach((d, i) => {
    const p = resolvePath(d, wdir, [...base, 'deps', i], sink);
    if (p !== undefined && !deps.includes(p)) deps.push(p);
  });
  const kindPaths = uses ? getStageKind(uses.kind)?.paths?.(uses.with) : undefined;
  for (const [i, d] of (kindPaths?.deps ?? []).entries()) {
    const p = resolvePath(d, wdir, [...base, 'with', i], sink);
    if (p !== undefined && !deps.includes(p)) deps.push(p);
  }
  const implicitOuts = (list: readonly string[] | undefined): string[] => [...(list ?? [])];
  const spec: StageSpec = {
    name: input.name,
    cmd: raw.cmd === undefined ? [] : typeof raw.cmd === 'string' ? [raw.cmd] : [...raw.cmd],
    wdir,
    deps,
    params: paramsRefs(raw.params, wdir, input, params, sink),
    outs: outSpecs([...(raw.outs ?? []), ...implicitOuts(kindPaths?.outs)], wdir, [...base, 'outs'], sink),
    metrics: outSpecs([...(raw.metrics ?? []), ...implicitOuts(kindPaths?.metrics)], wdir, [...base, 'metrics'], sink),
    plots: outSpecs(raw.plots, wdir, [...base, 'plots'], sink),
    env: Object.fromEntries(Object.entries(raw.env ?? {}).map(([k, v]) => [k, scalarText(v)])),
    retries: retryPolicy(raw.retries),
    timeoutMs: raw.timeout === undefined ? undefined : parseDuration(raw.timeout),
    alwaysChanged: raw.always_changed ?? (uses ? getStageKind(uses.kind)?.alwaysChanged : undefined) ?? false,
    frozen: raw.frozen ?? false,
    desc: raw.desc,
    needs: raw.needs ?? [],
    uses,
    location: input.location,
  };
  return failed ? undefined : spec;
}
