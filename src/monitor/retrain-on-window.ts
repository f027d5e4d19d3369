/**
 * The `retrain` alert action: the window that breached, with the ground truth that came back for
 * it, becomes training data, and the named pipeline runs on it. The pipeline's own gate decides
 * whether a new version is good enough (against production, on the same holdout rows); a version
 * that passed it is then rolled out to the deployment (blue/green by default, smoke-tested first).
 * A gate that fails, or no new version, leaves the deployment as it is.
 *
 * The action's `with:` keys: `window_to` (the labelled window's CSV, relative to the pipeline file;
 * default raw/live-window.csv, appended to so windows accumulate), `strategy` (bluegreen | canary |
 * none: register only), `percent` (canary); any other key is a parameter override of the run.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadPipeline } from '../config/index.js';
import { getModelVersion, isBlessed, searchModelVersions } from '../registry/index.js';
import { deploy, getDeployment, joinFeedback, type Strategy } from '../serve/index.js';
import { runPipeline } from '../pipeline/index.js';
import type { Store } from '../store/index.js';
import { readModelFromOnnx } from '../train/index.js';
import type { RetrainOutcome, RetrainRequest } from './alerts/index.js';

export const DEFAULT_WINDOW_FILE = 'raw/live-window.csv';
const RESERVED = new Set(['window_to', 'strategy', 'percent']);

export interface RetrainContext {
  readonly store: Store;
  /** The folder pipeline file names are relative to (the project's). */
  readonly projectRoot: string;
  /** Which alias the deployment's versions are gated for. @default 'production' */
  readonly alias?: string;
  readonly log?: (line: string) => void;
}

export async function retrainOnWindow(ctx: RetrainContext, request: RetrainRequest): Promise<RetrainOutcome> {
  const { store } = ctx;
  const say = ctx.log ?? (() => {});
  const deployment = await getDeployment(store, request.deployment);
  const ref = deployment.spec.stable;
  const serving = await getModelVersion(store, ref.model, ref.version);
  const model = readModelFromOnnx(await store.objects.get(serving.blob.hash));

  const joined = await joinFeedback(store, { deployment: request.deployment, from: request.window.start, to: request.window.end });
  const rows = joined.rows.filter((r) => r.role !== 'shadow');
  if (rows.length === 0) return { status: 'skipped', message: 'no labelled rows in the window: nothing to retrain on' };

  const file = resolve(ctx.projectRoot, String(request.with.window_to ?? DEFAULT_WINDOW_FILE));
  const header = await existingHeader(file);
  const columns = header ?? [...model.preprocessor.features.map((f) => f.name), model.target];
  const lines = rows.map((r) => columns.map((c) => csvCell(c === model.target ? r.label : r.inputs[c])).join(','));
  await mkdir(dirname(file), { recursive: true });
  if (header) await appendFile(file, `${lines.join('\n')}\n`);
  else await writeFile(file, `${columns.join(',')}\n${lines.join('\n')}\n`);
  say(`retrain: ${rows.length} labelled rows of the window appended to ${file}`);

  const overrides = Object.fromEntries(Object.entries(request.with).filter(([k]) => !RESERVED.has(k)));
  const before = await newestVersion(store, ref.model);
  const spec = await loadPipeline(resolve(ctx.projectRoot, request.pipeline), { overrides });
  const report = await runPipeline(store, spec, { overrides: Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, String(v)])) });
  const failed = report.stages.find((s) => s.outcome === 'failed');
  if (failed) return { status: 'failed', ...(report.parentRunId ? { runId: report.parentRunId } : {}), message: `stage ${failed.stage} failed: ${failed.error ?? ''}`.trim() };
  const after = await newestVersion(store, ref.model);
  if (after === before || after === undefined) return { status: 'succeeded', ...(report.parentRunId ? { runId: report.parentRunId } : {}), message: 'the pipeline registered no new version' };

  const alias = ctx.alias ?? 'production';
  if (!(await isBlessed(store, ref.model, after, alias))) {
    return { status: 'succeeded', ...(report.parentRunId ? { runId: report.parentRunId } : {}), message: `version ${after} has no passed gate for @${alias}: not deployed` };
  }
  const strategy = String(request.with.strategy ?? 'bluegreen');
  if (strategy === 'none') return { status: 'succeeded', ...(report.parentRunId ? { runId: report.parentRunId } : {}), message: `registered version ${after} (gate passed); not deployed (strategy none)` };
  const rollout = await deploy(store, request.deployment, {
    uri: `models:/${ref.model}/${after}`, strategy: strategy as Strategy,
    ...(request.with.percent === undefined ? {} : { percent: Number(request.with.percent) }),
    reason: `retrained by monitor ${request.monitor} (${request.rule}) on the window ${new Date(request.window.start).toISOString()}..${new Date(request.window.end).toISOString()}`,
  });
  say(`retrain: version ${after} passed the gate for @${alias} and is rolling out (${strategy}, revision ${rollout.deployment.revision})`);
  return { status: 'succeeded', ...(report.parentRunId ? { runId: report.parentRunId } : {}), message: `version ${after} passed the gate and was deployed ${strategy} (revision ${rollout.deployment.revision})` };
}

async function newestVersion(store: Store, name: string): Promise<string | undefined> {
  const versions = await searchModelVersions(store, { name });
  return versions.map((v) => Number(v.version)).sort((a, b) => b - a)[0]?.toString();
}

async function existingHeader(file: string): Promise<string[] | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const first = text.split(/\r?\n/)[0];
  return first ? first.split(',') : undefined;
}

/** RFC 4180: quoted when it holds a comma, quote or line break; null as an empty field. */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

