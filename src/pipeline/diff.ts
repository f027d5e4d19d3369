import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { PipelineSpec } from '../config/index.js';
import { invalid } from '../errors.js';
import { RUN_ID_PATTERN, type Store } from '../store/index.js';
import { type TrackingClient, trackingClientFor } from '../tracking/index.js';
import { gitShow } from './git-info.js';
import { parseLock } from './lock-file.js';
import { flattenMetrics, flattenParams } from './metrics-files.js';
import { stageParams } from './stage-state.js';

/** One row of `params diff` / `metrics diff`: where the value lives, its key, and the two values. */
export interface DiffRow {
  readonly path: string;
  readonly key: string;
  readonly old: string | number | null;
  readonly new: string | number | null;
  /** Metrics only: new − old when both are numbers. */
  readonly change?: number;
}

/**
 * A side of a diff: 'workspace', a git ref (its slipway.lock and files), or a run id (its logged
 * params and metrics; for a pipeline run, its stages').
 */
export type DiffSide = string;

type Values = Map<string, string | number>; // "path\0key" → value

export async function paramsDiff(store: Store, spec: PipelineSpec, a = 'HEAD', b = 'workspace', all = false): Promise<DiffRow[]> {
  // Run ids name runs wherever `slipway run` recorded them: the server SLIPWAY_TRACKING_URI names, else the store.
  const tracking = trackingClientFor(store);
  return diffRows(await paramsAt(tracking, spec, a), await paramsAt(tracking, spec, b), all, false);
}

export async function metricsDiff(store: Store, spec: PipelineSpec, a = 'HEAD', b = 'workspace', all = false): Promise<DiffRow[]> {
  const tracking = trackingClientFor(store);
  return diffRows(await metricsAt(tracking, spec, a), await metricsAt(tracking, spec, b), all, true);
}

async function paramsAt(tracking: TrackingClient, spec: PipelineSpec, side: DiffSide): Promise<Values> {
  const out: Values = new Map();
  if (RUN_ID_PATTERN.test(side)) {
    for (const run of await runsOf(tracking, side)) for (const p of run.data.params) out.set(`run\0${p.key}`, p.value);
    return out;
  }
  if (side === 'workspace') {
    for (const stage of spec.stages) {
      for (const [file, values] of Object.entries(await stageParams(spec, stage))) {
        for (const [k, v] of Object.entries(flattenParams(values))) out.set(`${file}\0${k}`, v);
      }
    }
    return out;
  }
  const text = gitShow(spec.root, side, 'slipway.lock');
  if (text === undefined) return out; // no lock at that ref: every param is new
  for (const s of Object.values(parseLock(text, `slipway.lock@${side}`).stages)) {
    for (const [file, values] of Object.entries(s.params)) {
      for (const [k, v] of Object.entries(flattenParams(values))) out.set(`${file}\0${k}`, v);
    }
  }
  return out;
}

async function metricsAt(tracking: TrackingClient, spec: PipelineSpec, side: DiffSide): Promise<Values> {
  const out: Values = new Map();
  if (RUN_ID_PATTERN.test(side)) {
    for (const run of await runsOf(tracking, side)) {
      for (const m of run.data.metrics) if (!m.key.startsWith('slipway.')) out.set(`${run.info.run_name}\0${m.key}`, m.value);
    }
    return out;
  }
  for (const path of spec.stages.flatMap((s) => s.metrics.map((m) => m.path))) {
    let text: string | undefined;
    if (side === 'workspace') text = await readFile(join(spec.root, path), 'utf8').catch(() => undefined);
    else text = gitShow(spec.root, side, path);
    if (text === undefined) continue;
    let tree: unknown;
    try {
      tree = path.endsWith('.json') ? JSON.parse(text) : parse(text);
    } catch {
      throw invalid(`metrics file ${path} at ${side} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}.`);
    }
    for (const [k, v] of Object.entries(flattenMetrics(tree))) out.set(`${path}\0${k}`, v);
  }
  return out;
}

async function runsOf(tracking: TrackingClient, runId: string) {
  const run = await tracking.getRun(runId);
  const children = await tracking.listChildRuns(runId);
  if (children.length === 0) return [run];
  // Stages that were up to date in that pipeline run are represented by the runs that produced their outs.
  const ran = new Set(children.map((c) => c.run_name));
  const linked = run.data.tags
    .filter((t) => t.key.startsWith('slipway.stage_run.') && !ran.has(t.key.slice('slipway.stage_run.'.length)))
    .map((t) => t.value);
  // A linked run may be missing where this pipeline run is: the run cache can name a run recorded with other tracking.
  const linkedRuns = await Promise.all(linked.map((id) => tracking.getRun(id).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw err;
  })));
  return [...(await Promise.all(children.map((c) => tracking.getRun(c.run_id)))), ...linkedRuns.filter((r) => r !== undefined)];
}

function diffRows(a: Values, b: Values, all: boolean, numeric: boolean): DiffRow[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const rows: DiffRow[] = [];
  for (const k of keys) {
    const [path = '', key = ''] = k.split('\0');
    const oldV = a.get(k) ?? null;
    const newV = b.get(k) ?? null;
    if (!all && oldV === newV) continue;
    const change = numeric && typeof oldV === 'number' && typeof newV === 'number' ? newV - oldV : undefined;
    rows.push({ path, key, old: oldV, new: newV, ...(change !== undefined ? { change } : {}) });
  }
  return rows;
}

/** A Markdown table (for a pull-request comment, as CML posts). */
export function diffMarkdown(rows: readonly DiffRow[], a: string, b: string, withChange: boolean): string {
  const cell = (v: string | number | null | undefined) => (v === null || v === undefined ? '-' : typeof v === 'number' ? String(Number(v.toPrecision(6))) : v.replace(/\|/g, '\\|'));
  const head = ['Path', 'Key', a, b, ...(withChange ? ['Change'] : [])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${[r.path, r.key, cell(r.old), cell(r.new), ...(withChange ? [cell(r.change)] : [])].join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
