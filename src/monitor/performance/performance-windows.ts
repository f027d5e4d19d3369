/**
 * Live model quality: the payload log joined with ground-truth labels by request id (src/serve's
 * joinFeedback), scored with the evaluate module's metrics for the model's task, window by window and
 * per model version.
 *
 * Which rows count:
 * - predictions: successful rows (status < 400) logged in the window; overall, those answering callers
 *   (primary and canary); per version, every row of that version (a shadow version's mirrored answers
 *   included, so a shadow can be scored before it is promoted).
 * - labelled: those of them whose request has a label.
 * - scored: labelled rows whose label and prediction can be scored: classification labels are strings,
 *   numbers or booleans (compared as text) of a known class; regression labels and predictions (the
 *   `variable` output) are finite numbers. A one-item list is read as its item.
 * Probability metrics (log_loss, roc_auc, …) are computed when every scored row of the group carries a
 * `probabilities` vector with one value in [0, 1] per class.
 */
import { type EvaluationTask, evaluatePredictions } from '../../evaluate/index.js';
import { invalid } from '../../errors.js';
import { joinFeedback, type LabelledRow, OUTPUT_LABEL, OUTPUT_PROBABILITIES, OUTPUT_VALUE, type PayloadRow } from '../../serve/index.js';
import type { Store } from '../../store/index.js';
import { compareCodePoints } from '../../train/index.js';
import { payloadWindow } from './payload-window.js';
import { type TimeWindow, timeWindows, type WindowSpec } from './time-windows.js';

export const DEFAULT_MIN_LABELLED = 30;

export interface PerformanceWindowsOptions {
  readonly deployment: string;
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  /** Each window's length in ms, or `{count}` equal windows over [from, to). */
  readonly window: WindowSpec;
  readonly task: EvaluationTask;
  /**
   * Classification: the model's classes in the order of its probability outputs (sorted, as Slipway's
   * trainers make them). Labels or predictions outside them are not scored.
   * @default the sorted distinct labels and predictions of the whole range (probability metrics then
   *   need every class of the model to have been seen)
   */
  readonly classes?: readonly string[];
  /**
   * Binary: the class precision, recall, F1 and ROC AUC are about.
   * @default the second class in sorted order (as the evaluate stage)
   */
  readonly positive?: string;
  /**
   * A window (or version) with fewer scored rows reports `metrics: null`, verdict 'insufficient_data'.
   * @default 30
   */
  readonly minLabelled?: number;
  /** The range's logged rows (payloadWindow), when the caller has read them already. */
  readonly logged?: readonly PayloadRow[];
}

export type PerformanceVerdict = 'ok' | 'insufficient_data';

export interface PerformanceFigures {
  readonly predictions: number;
  readonly labelled: number;
  readonly scored: number;
  readonly verdict: PerformanceVerdict;
  /** The evaluate module's metrics for the task (null where undefined on the rows); null when insufficient. */
  readonly metrics: Record<string, number | null> | null;
}

export interface PerformanceWindow extends TimeWindow, PerformanceFigures {
  /** The same figures per model version, by version string. */
  readonly byVersion: Readonly<Record<string, PerformanceFigures>>;
}

/** One labelled row reduced to what scoring needs. */
interface Item {
  readonly window: number;
  readonly version: string;
  readonly served: boolean;
  readonly truth: string | number | undefined;
  readonly predicted: string | number | undefined;
  readonly probabilities: readonly number[] | undefined;
}

/**
 * @example
 *   const day = 86_400_000;
 *   const windows = await performanceWindows(store, {
 *     deployment: 'income', from: now - 7 * day, to: now, window: day, task: 'binary', classes: ['<=50K', '>50K'],
 *   });
 *   windows.map((w) => w.metrics?.accuracy ?? null); // one figure per day, null where too few labels came back
 */
export async function performanceWindows(store: Store, options: PerformanceWindowsOptions): Promise<PerformanceWindow[]> {
  const { deployment, from, to, task } = options;
  if (!['binary', 'multiclass', 'regression'].includes(task)) throw invalid(`task must be binary, multiclass or regression, got '${String(task)}'`);
  const minLabelled = options.minLabelled ?? DEFAULT_MIN_LABELLED;
  if (!Number.isInteger(minLabelled) || minLabelled < 0) throw invalid(`minLabelled must be a non-negative integer, got ${minLabelled}`);
  const windows = timeWindows(from, to, options.window);
  const windowOf = (t: number) => {
    let lo = 0;
    let hi = windows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((windows[mid] as TimeWindow).start <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  const predictions = windows.map(() => ({ served: 0, byVersion: new Map<string, number>() }));
  const logged = options.logged ?? (await payloadWindow(store, deployment, from, to));
  for (const r of logged) {
    if (r.status >= 400) continue;
    const w = predictions[windowOf(r.time)] as (typeof predictions)[number];
    if (r.role !== 'shadow') w.served++;
    w.byVersion.set(r.version, (w.byVersion.get(r.version) ?? 0) + 1);
  }
  const joined = await joinFeedback(store, { deployment, from, to, logged });
  const items = joined.rows.map((r) => itemOf(r, windowOf(r.time), task));
  const classes = task === 'regression' ? undefined : resolveClasses(task, options, items);

  const figures = (group: readonly Item[], count: number): PerformanceFigures => {
    const scorable = group.filter((it) => isScorable(it, task, classes?.known));
    const enough = scorable.length >= Math.max(1, minLabelled);
    return {
      predictions: count,
      labelled: group.length,
      scored: scorable.length,
      verdict: enough ? 'ok' : 'insufficient_data',
      metrics: enough ? score(scorable, task, classes) : null,
    };
  };
  return windows.map((win, w) => {
    const inWindow = items.filter((it) => it.window === w);
    const counts = predictions[w] as (typeof predictions)[number];
    const versions = [...new Set([...counts.byVersion.keys(), ...inWindow.map((it) => it.version)])].sort(compareCodePoints);
    return {
      ...win,
      ...figures(inWindow.filter((it) => it.served), counts.served),
      byVersion: Object.fromEntries(versions.map((v) => [v, figures(inWindow.filter((it) => it.version === v), counts.byVersion.get(v) ?? 0)])),
    };
  });
}

function itemOf(r: LabelledRow, window: number, task: EvaluationTask): Item {
  const regression = task === 'regression';
  return {
    window,
    version: r.version,
    served: r.role !== 'shadow',
    truth: regression ? numberOf(r.label) : classOf(r.label),
    predicted: regression ? numberOf(r.outputs[OUTPUT_VALUE]) : classOf(r.outputs[OUTPUT_LABEL]),
    probabilities: regression ? undefined : vectorOf(r.outputs[OUTPUT_PROBABILITIES]),
  };
}

const single = (v: unknown): unknown => (Array.isArray(v) && v.length === 1 ? v[0] : v);

function classOf(v: unknown): string | undefined {
  const x = single(v);
  return typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)) ? String(x) : undefined;
}

function numberOf(v: unknown): number | undefined {
  const x = single(v);
  const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function vectorOf(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && x >= 0 && x <= 1) ? (v as number[]) : undefined;
}

interface Classes {
  /** In evaluation order: classes[1] is the binary positive class. */
  readonly order: string[];
  readonly known: ReadonlySet<string>;
  /** For each class in `order`, its column in the model's probability vectors. */
  readonly columns: number[];
}

function resolveClasses(task: EvaluationTask, options: PerformanceWindowsOptions, items: readonly Item[]): Classes | undefined {
  let model: string[];
  if (options.classes) {
    model = [...options.classes];
    if (new Set(model).size !== model.length) throw invalid(`classes [${model.join(', ')}] name a class twice`);
  } else {
    const seen = new Set<string>();
    for (const it of items) for (const v of [it.truth, it.predicted]) if (typeof v === 'string') seen.add(v);
    if (options.positive !== undefined) seen.add(options.positive);
    if (seen.size === 0) return undefined; // no labelled rows: every window is insufficient anyway
    model = [...seen].sort(compareCodePoints);
  }
  if (task === 'binary' && model.length !== 2) {
    throw invalid(`a binary task needs two classes, ${options.classes ? 'got' : 'but the labels and predictions hold'} [${model.join(', ')}]; pass classes`);
  }
  if (task === 'multiclass' && model.length < 2) throw invalid(`a multiclass task needs at least two classes, got [${model.join(', ')}]; pass classes`);
  let order = model;
  if (options.positive !== undefined) {
    if (task !== 'binary') throw invalid('positive applies to binary tasks only');
    if (!model.includes(options.positive)) throw invalid(`positive class '${options.positive}' is not one of the classes [${model.join(', ')}]`);
    if (model[1] !== options.positive) order = [model[1] as string, model[0] as string];
  }
  return { order, known: new Set(model), columns: order.map((c) => model.indexOf(c)) };
}

function isScorable(it: Item, task: EvaluationTask, known: ReadonlySet<string> | undefined): boolean {
  if (it.truth === undefined || it.predicted === undefined) return false;
  if (task === 'regression') return true;
  return known !== undefined && known.has(String(it.truth)) && known.has(String(it.predicted));
}

function score(items: readonly Item[], task: EvaluationTask, classes: Classes | undefined): Record<string, number | null> {
  if (task === 'regression') {
    return evaluatePredictions({
      task,
      yTrue: Float64Array.from(items, (it) => it.truth as number),
      predictions: { values: Float64Array.from(items, (it) => it.predicted as number) },
    }).metrics;
  }
  const { order, columns } = classes as Classes;
  const k = order.length;
  const withVectors = items.every((it) => it.probabilities?.length === k);
  let probabilities: Float64Array | undefined;
  if (withVectors) {
    probabilities = new Float64Array(items.length * k);
    items.forEach((it, i) => columns.forEach((col, j) => ((probabilities as Float64Array)[i * k + j] = (it.probabilities as number[])[col] as number)));
  }
  return evaluatePredictions({
    task,
    classes: order,
    yTrue: items.map((it) => String(it.truth)),
    predictions: { labels: items.map((it) => String(it.predicted)), probabilities },
  }).metrics;
}
