import { type PipelineSpec, readParamsFile, requireParamValue, type StageSpec } from '../config/index.js';
import { invalid } from '../errors.js';
import type { LockedPath, LockedStage } from './lock-file.js';
import { sortKeys, stageKey } from './stage-key.js';
import { type HashState, hashPath, type PathHash } from './workspace/index.js';

/** What a stage would run with now, compared with what the lock says it last ran with. */
export interface StageState {
  readonly stage: string;
  readonly deps: readonly LockedPath[];
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly key: string;
  /** Empty when the stage is up to date. Human sentences: "dep data/train.csv changed". */
  readonly reasons: readonly string[];
  /** Deps that do not exist yet (an upstream stage that has not run would produce them). */
  readonly missingDeps: readonly string[];
}

export function toLocked(path: string, h: Exclude<PathHash, { kind: 'missing' }>): LockedPath {
  return { path, hash: h.hash, size: h.size, ...(h.kind === 'directory' ? { nfiles: h.files.length } : {}) };
}

/** The values of the params a stage tracks, by file then dotted key; `--set` overrides already applied. */
export async function stageParams(spec: PipelineSpec, stage: StageSpec): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const ref of stage.params) {
    const tree = spec.paramValues?.[ref.file] ?? (await readParamsFile(spec.root, ref.file));
    if (tree === undefined) throw invalid(`stage '${stage.name}': params file '${ref.file}' does not exist.`);
    if (ref.keys === 'all') out[ref.file] = { ...(tree as Record<string, unknown>) };
    else {
      const values: Record<string, unknown> = { ...(out[ref.file] ?? {}) };
      for (const key of ref.keys) values[key] = requireParamValue(tree, key, { stage: stage.name, file: ref.file });
      out[ref.file] = values;
    }
  }
  return out;
}

/** Hashes deps (stat-only when unchanged, thanks to HashState) and compares everything with the lock. */
export async function stageState(spec: PipelineSpec, stage: StageSpec, locked: LockedStage | undefined, state: HashState): Promise<StageState> {
  const deps: LockedPath[] = [];
  const missingDeps: string[] = [];
  for (const dep of stage.deps) {
    const h = await hashPath(spec.root, dep, state);
    if (h.kind === 'missing') missingDeps.push(dep);
    else deps.push(toLocked(dep, h));
  }
  const params = await stageParams(spec, stage);
  const key = stageKey(stage, deps, params);
  const reasons = locked ? await changes(spec, stage, locked, deps, missingDeps, params, state) : ['never run'];
  if (stage.alwaysChanged && reasons.length === 0) reasons.push('always_changed');
  return { stage: stage.name, deps, params, key, reasons, missingDeps };
}

async function changes(
  spec: PipelineSpec, stage: StageSpec, locked: LockedStage, deps: readonly LockedPath[], missingDeps: readonly string[],
  params: Record<string, Record<string, unknown>>, state: HashState,
): Promise<string[]> {
  const reasons: string[] = [];
  const cmdNow = stage.uses ? [] : stage.cmd;
  if (JSON.stringify(cmdNow) !== JSON.stringify(locked.cmd)) reasons.push('cmd changed');
  if (stage.uses && JSON.stringify(stage.uses) !== JSON.stringify(locked.uses ?? null)) reasons.push(`uses ${stage.uses.kind} arguments changed`);
  if (JSON.stringify(sortKeys(stage.env)) !== JSON.stringify(sortKeys(locked.env ?? {}))) reasons.push('env changed');
  const lockedDeps = new Map(locked.deps.map((d) => [d.path, d.hash]));
  for (const d of missingDeps) reasons.push(`dep ${d} missing`);
  for (const d of deps) {
    const before = lockedDeps.get(d.path);
    if (before === undefined) reasons.push(`dep ${d.path} added`);
    else if (before !== d.hash) reasons.push(`dep ${d.path} changed`);
  }
  for (const p of lockedDeps.keys()) if (!stage.deps.includes(p)) reasons.push(`dep ${p} removed`);
  for (const [file, values] of Object.entries(params)) {
    const before = locked.params[file] ?? {};
    for (const [k, v] of Object.entries(values)) {
      if (!(k in before)) reasons.push(`param ${k} added`);
      else if (JSON.stringify(before[k]) !== JSON.stringify(v)) reasons.push(`param ${k} changed`);
    }
    for (const k of Object.keys(before)) if (!(k in values)) reasons.push(`param ${k} removed`);
  }
  for (const file of Object.keys(locked.params)) if (!(file in params)) reasons.push(`params file ${file} no longer tracked`);
  const lockedOuts = new Map(locked.outs.map((o) => [o.path, o.hash]));
  for (const out of [...stage.outs, ...stage.metrics, ...stage.plots]) {
    const before = lockedOuts.get(out.path);
    const now = await hashPath(spec.root, out.path, state);
    if (now.kind === 'missing') reasons.push(`out ${out.path} missing`);
    else if (before === undefined) reasons.push(`out ${out.path} added`);
    else if (before !== now.hash) reasons.push(`out ${out.path} modified`);
  }
  return reasons;
}
