/**
 * Ground truth by request id, and its join with the payload log: what monitoring needs to compute
 * real accuracy once labels arrive (often hours or days after the prediction).
 *
 * One label per request id (the table's key): a later label replaces the earlier one, whichever
 * deployment it was posted to. For a request of n > 1 rows, a label that is an array of exactly n
 * items is read as one label per row; any other label applies to every row of its request.
 */
import { invalid } from '../errors.js';
import { bulkInsert, type Store } from '../store/index.js';
import { listPayloadBatches, readPayloadBatch } from './payload-batches.js';
import type { PayloadRole, PayloadRow } from './payload-rows.js';

export interface FeedbackItem {
  readonly requestId: string;
  readonly label: unknown;
}

export const MAX_REQUEST_ID_LENGTH = 256;
/** A label's JSON text may be this long; ground truth is a class or a number, not a document. */
export const MAX_LABEL_JSON_LENGTH = 64 * 1024;
const MAX_LABEL_DEPTH = 32;

/** Why `v` is not a valid request id, or undefined when it is. */
export function requestIdProblem(v: unknown): string | undefined {
  if (v === undefined) return 'is missing';
  if (typeof v !== 'string') return `must be a string, got ${describe(v)}`;
  if (v.length === 0) return 'is empty';
  if (v.length > MAX_REQUEST_ID_LENGTH) return `is ${v.length} characters long; the limit is ${MAX_REQUEST_ID_LENGTH}`;
  return undefined;
}

/** Why `v` is not a valid label, or undefined when it is: any JSON value but null, finite numbers only. */
export function labelProblem(v: unknown): string | undefined {
  if (v === undefined) return 'is missing';
  if (v === null) return 'is null; send the true value';
  const inner = jsonProblem(v, 0);
  if (inner) return inner;
  const length = JSON.stringify(v).length;
  if (length > MAX_LABEL_JSON_LENGTH) return `is ${length} characters of JSON; the limit is ${MAX_LABEL_JSON_LENGTH}`;
  return undefined;
}

function jsonProblem(v: unknown, depth: number): string | undefined {
  if (depth > MAX_LABEL_DEPTH) return `nests deeper than ${MAX_LABEL_DEPTH} levels`;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : `holds ${String(v)}, which JSON cannot carry`;
  if (Array.isArray(v)) {
    for (const x of v) {
      const p = jsonProblem(x, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v)) {
      const p = jsonProblem(x, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  return `holds ${describe(v)}, which is not JSON`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return v.constructor?.name && v.constructor !== Object ? `a ${v.constructor.name}` : 'an object';
  return typeof v === 'string' ? JSON.stringify(v) : `${typeof v} ${String(v)}`;
}

/** Rows per statement are bounded by bulkInsert; this bounds one call's work. */
const MAX_ITEMS = 100_000;

/**
 * Stores labels for served requests in one transaction (upserting by request id; within one call the
 * last item for an id wins). Returns how many items were accepted. Throws INVALID_PARAMETER_VALUE
 * naming the first bad item, and then stores nothing.
 *
 * @example
 *   await recordFeedback(store, [{ requestId: 'a1', label: 'churned' }], 'churn');
 */
export async function recordFeedback(store: Store, items: readonly FeedbackItem[], deployment: string): Promise<number> {
  if (!Array.isArray(items)) throw invalid(`feedback must be a list of {requestId, label}, got ${describe(items)}`);
  if (items.length > MAX_ITEMS) throw invalid(`at most ${MAX_ITEMS} feedback items per call; got ${items.length}`);
  const deploymentProblem = requestIdProblem(deployment);
  if (deploymentProblem) throw invalid(`the deployment name ${deploymentProblem}`);
  const latest = new Map<string, string>();
  items.forEach((item: unknown, i) => {
    if (typeof item !== 'object' || item === null)
      throw invalid(`feedback item ${i} must be an object, got ${describe(item)}`, { index: i });
    const { requestId, label } = item as Partial<FeedbackItem>;
    const idProblem = requestIdProblem(requestId);
    if (idProblem) throw invalid(`feedback item ${i}: requestId ${idProblem}`, { index: i, field: 'requestId' });
    const p = labelProblem(label);
    if (p) throw invalid(`feedback item ${i}: label ${p}`, { index: i, field: 'label' });
    latest.delete(requestId as string); // re-inserting keeps the map in last-given order
    latest.set(requestId as string, JSON.stringify(label));
  });
  if (latest.size === 0) return 0;
  const time = store.now();
  const rows = [...latest].map(([id, label]) => [id, deployment, label, time]);
  await store.db
    .transaction()
    .execute((trx) =>
      bulkInsert(
        trx,
        store.dialect,
        'feedback',
        ['request_id', 'deployment', 'label', 'time'],
        rows,
        'ON CONFLICT ("request_id") DO UPDATE SET "deployment" = excluded."deployment", "label" = excluded."label", "time" = excluded."time"',
      ),
    );
  return items.length;
}

export interface JoinFeedbackOptions {
  readonly deployment: string;
  /** Predictions whose request arrived at or after this time (epoch ms). */
  readonly from?: number;
  /** Predictions whose request arrived before this time (epoch ms, exclusive). */
  readonly to?: number;
  /** The deployment's logged rows, when the caller has read the window already (they are filtered the same way). */
  readonly logged?: readonly PayloadRow[];
}

/** A logged prediction row with its ground truth. */
export interface LabelledRow {
  readonly requestId: string;
  readonly row: number;
  readonly time: number;
  readonly model: string;
  readonly version: string;
  readonly role: PayloadRole;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly label: unknown;
}

export interface FeedbackCounts {
  /** Successful prediction rows logged in the window. */
  readonly predictions: number;
  /** Those of them that have a label. */
  readonly labelled: number;
}

export interface FeedbackJoin extends FeedbackCounts {
  /** Every labelled, successful prediction row in the window, shadow rows included (see `role`), in log order. */
  readonly rows: LabelledRow[];
  /**
   * `predictions` and `labelled` count the rows that answered callers (primary and canary): what
   * real accuracy is computed over. Mirrored shadow rows are counted here instead, so a shadow's
   * accuracy can be computed too.
   */
  readonly shadow: FeedbackCounts;
}

/** Request ids per lookup query: well inside both databases' parameter limits. */
const LOOKUP_CHUNK = 1000;

/**
 * Joins the payload log of one deployment over [from, to) with its feedback. Only successful rows
 * (status < 400) are predictions; rows of requests that were sampled out were never logged, so they
 * cannot be joined and are not counted. Feedback posted to another deployment does not join.
 */
export async function joinFeedback(store: Store, options: JoinFeedbackOptions): Promise<FeedbackJoin> {
  const { deployment, from = -Infinity, to = Infinity } = options;
  const keep = (r: PayloadRow) => r.time >= from && r.time < to && r.status < 400 && r.deployment === deployment;
  const predictions: PayloadRow[] = options.logged ? options.logged.filter(keep) : [];
  if (!options.logged) {
    const batches = await listPayloadBatches(store, {
      deployment,
      ...(Number.isFinite(from) ? { from } : {}),
      ...(Number.isFinite(to) ? { to } : {}),
    });
    for (const batch of batches) for (const r of await readPayloadBatch(store, batch)) if (keep(r)) predictions.push(r);
  }
  const labels = await lookupLabels(store, deployment, [...new Set(predictions.map((r) => r.requestId))]);
  // A shadow answers the same request id as its primary: count each side's rows apart.
  const sideOf = (r: PayloadRow) => `${r.role === 'shadow' ? 's' : 'p'}${r.requestId}`;
  const rowsPerRequest = new Map<string, number>();
  for (const r of predictions) rowsPerRequest.set(sideOf(r), (rowsPerRequest.get(sideOf(r)) ?? 0) + 1);

  const rows: LabelledRow[] = [];
  const served = { predictions: 0, labelled: 0 };
  const shadow = { predictions: 0, labelled: 0 };
  for (const r of predictions) {
    const counts = r.role === 'shadow' ? shadow : served;
    counts.predictions++;
    if (!labels.has(r.requestId)) continue;
    counts.labelled++;
    const label = labels.get(r.requestId);
    const n = rowsPerRequest.get(sideOf(r)) ?? 1;
    const perRow = n > 1 && Array.isArray(label) && label.length === n ? (label as unknown[])[r.row] : label;
    rows.push({
      requestId: r.requestId,
      row: r.row,
      time: r.time,
      model: r.model,
      version: r.version,
      role: r.role,
      inputs: r.inputs,
      outputs: r.outputs,
      label: perRow,
    });
  }
  return { rows, predictions: served.predictions, labelled: served.labelled, shadow };
}

async function lookupLabels(store: Store, deployment: string, ids: readonly string[]): Promise<Map<string, unknown>> {
  const labels = new Map<string, unknown>();
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const found = await store.db
      .selectFrom('feedback')
      .select(['request_id', 'label'])
      .where('deployment', '=', deployment)
      .where('request_id', 'in', ids.slice(i, i + LOOKUP_CHUNK))
      .execute();
    for (const f of found) labels.set(f.request_id, JSON.parse(f.label) as unknown);
  }
  return labels;
}
