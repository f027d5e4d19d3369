import { invalid, notFound } from '../errors.js';
import { bulkInsert } from '../store/index.js';
import type { Store } from '../store/index.js';
import { getRunInfo, requireActiveRun } from './runs.js';
import { type KeyValue, LIMITS, type Metric } from './types.js';
import { checkFiniteInteger, checkKey, checkValueLength } from './validate.js';

/** A metric point as callers send it: `step` defaults to 0, `timestamp` to now. */
export interface MetricInput {
  readonly key: string;
  readonly value: number;
  readonly timestamp?: number;
  readonly step?: number;
}

export interface LogBatchInput {
  readonly metrics?: readonly MetricInput[];
  readonly params?: readonly KeyValue[];
  readonly tags?: readonly KeyValue[];
}

/**
 * Logs metrics, params and tags to a run atomically: everything or nothing, as MLflow's log-batch.
 * Metrics append to the full history and advance the per-key latest value (MLflow's order: step, then
 * timestamp, then value). A param, once logged, cannot change value.
 */
export async function logBatch(store: Store, runId: string, input: LogBatchInput): Promise<void> {
  const metrics = input.metrics ?? [];
  const params = input.params ?? [];
  const tags = input.tags ?? [];
  checkBatchLimits(metrics.length, params.length, tags.length);
  const now = store.now();
  const metricRows = metrics.map((m) => metricRow(runId, m, now));
  for (const p of params) {
    checkKey('Param', p.key);
    checkValueLength('Param', p.key, String(p.value), LIMITS.paramValue);
  }
  for (const t of tags) {
    checkKey('Tag', t.key);
    checkValueLength('Tag', t.key, String(t.value), LIMITS.tagValue);
  }
  const duplicates = params.map((p) => p.key).filter((k, i, all) => all.indexOf(k) !== i);
  if (duplicates.length > 0) {
    throw invalid(
      `Duplicate parameter keys have been submitted: [${[...new Set(duplicates)].map((k) => `'${k}'`).join(', ')}]. ` +
        'Please ensure the request contains only one param value per param key.',
    );
  }
  await requireActiveRun(store, runId);

  await store.db.transaction().execute(async (trx) => {
    if (params.length > 0) {
      await bulkInsert(trx, store.dialect, 'params', ['run_uuid', 'key', 'value'],
        params.map((p) => [runId, p.key, String(p.value)]), 'ON CONFLICT ("run_uuid", "key") DO NOTHING');
      // Read back after inserting: a concurrent writer's value wins the row, and a different value here must fail.
      const stored = await trx.selectFrom('params').select(['key', 'value']).where('run_uuid', '=', runId)
        .where('key', 'in', params.map((p) => p.key)).execute();
      const storedValue = new Map(stored.map((s) => [s.key, s.value]));
      const conflicts = params
        .map((p) => ({ key: p.key, old_value: storedValue.get(p.key), new_value: String(p.value) }))
        .filter((c) => c.old_value !== undefined && c.old_value !== c.new_value);
      const first = conflicts[0];
      if (first) {
        // Every conflict rides along in the context, for protocols that list them all (MLflow's log-batch).
        throw invalid(
          `Changing param values is not allowed. Param with key='${first.key}' was already logged with value='${first.old_value}' ` +
            `for run ID='${runId}'. Attempted logging new value '${first.new_value}'.`,
          { run_id: runId, conflicts },
        );
      }
    }
    if (tags.length > 0) {
      const last = new Map(tags.map((t) => [t.key, String(t.value)]));
      await bulkInsert(trx, store.dialect, 'tags', ['run_uuid', 'key', 'value'],
        [...last].map(([k, v]) => [runId, k, v]), 'ON CONFLICT ("run_uuid", "key") DO UPDATE SET "value" = excluded."value"');
      const runName = last.get('mlflow.runName');
      if (runName !== undefined) await trx.updateTable('runs').set({ name: runName }).where('run_uuid', '=', runId).execute();
    }
    if (metricRows.length > 0) {
      await bulkInsert(trx, store.dialect, 'metrics', ['run_uuid', 'key', 'value', 'step', 'timestamp', 'is_nan'], metricRows);
      await bulkInsert(trx, store.dialect, 'latest_metrics', ['run_uuid', 'key', 'value', 'step', 'timestamp', 'is_nan'],
        latestPerKey(metricRows), LATEST_UPSERT);
    }
  });
}

/** A newer point replaces the stored latest only when it sorts after it by (step, timestamp, value). */
const LATEST_UPSERT =
  'ON CONFLICT ("run_uuid", "key") DO UPDATE SET "value" = excluded."value", "step" = excluded."step", ' +
  '"timestamp" = excluded."timestamp", "is_nan" = excluded."is_nan" ' +
  'WHERE (excluded."step", excluded."timestamp", excluded."value") > ' +
  '("latest_metrics"."step", "latest_metrics"."timestamp", "latest_metrics"."value")';

export async function logMetric(store: Store, runId: string, metric: MetricInput): Promise<void> {
  await logBatch(store, runId, { metrics: [metric] });
}

export async function logParam(store: Store, runId: string, key: string, value: string): Promise<void> {
  await logBatch(store, runId, { params: [{ key, value }] });
}

export async function setTag(store: Store, runId: string, key: string, value: string): Promise<void> {
  await logBatch(store, runId, { tags: [{ key, value }] });
}

export async function deleteTag(store: Store, runId: string, key: string): Promise<void> {
  await requireActiveRun(store, runId);
  const res = await store.db.deleteFrom('tags').where('run_uuid', '=', runId).where('key', '=', key).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) {
    throw notFound(`No tag with name: ${key} in run with id ${runId}`);
  }
}

export interface MetricHistoryOptions {
  /** @default 25000 (MLflow's page size) */
  maxResults?: number;
  /** Return points after this many (paging). */
  offset?: number;
}

/** Every logged point of one metric, in (step, timestamp) order. */
export async function getMetricHistory(store: Store, runId: string, key: string, options: MetricHistoryOptions = {}): Promise<Metric[]> {
  await getRunInfo(store, runId);
  const rows = await store.db
    .selectFrom('metrics')
    .select(['key', 'value', 'step', 'timestamp', 'is_nan'])
    .where('run_uuid', '=', runId)
    .where('key', '=', key)
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('value')
    .limit(options.maxResults ?? LIMITS.metricHistoryPage)
    .offset(options.offset ?? 0)
    .execute();
  return rows.map((r) => ({ key: r.key, value: r.is_nan ? Number.NaN : r.value, step: Number(r.step), timestamp: Number(r.timestamp) }));
}

function metricRow(runId: string, m: MetricInput, now: number): unknown[] {
  checkKey('Metric', m.key);
  if (typeof m.value !== 'number') throw invalid(`Got invalid value ${JSON.stringify(m.value)} for metric '${m.key}' (timestamp=${m.timestamp}). Please specify value as a valid double (64-bit floating point)`);
  const step = m.step === undefined ? 0 : checkFiniteInteger(`Step of metric '${m.key}'`, m.step);
  const ts = m.timestamp === undefined ? now : checkFiniteInteger(`Timestamp of metric '${m.key}'`, m.timestamp);
  const isNan = Number.isNaN(m.value);
  return [runId, m.key, isNan ? 0 : m.value, step, ts, isNan ? 1 : 0];
}

/** One row per key: the point that sorts last by (step, timestamp, value) within this batch. */
function latestPerKey(rows: unknown[][]): unknown[][] {
  const best = new Map<string, unknown[]>();
  for (const r of rows) {
    const key = r[1] as string;
    const cur = best.get(key);
    if (!cur || laterThan(r, cur)) best.set(key, r);
  }
  return [...best.values()];
}

function laterThan(a: unknown[], b: unknown[]): boolean {
  for (const i of [3, 4, 2]) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x > y;
  }
  return false;
}

function checkBatchLimits(metrics: number, params: number, tags: number) {
  const over = (what: string, n: number, max: number) =>
    invalid(`A batch logging request can contain at most ${max} ${what}. Got ${n} ${what}. Please split up ${what} across multiple requests and try again.`);
  if (metrics > LIMITS.batchMetrics) throw over('metrics', metrics, LIMITS.batchMetrics);
  if (params > LIMITS.batchParams) throw over('params', params, LIMITS.batchParams);
  if (tags > LIMITS.batchTags) throw over('tags', tags, LIMITS.batchTags);
  const total = metrics + params + tags;
  if (total > LIMITS.batchTotal) {
    throw invalid(`A batch logging request can contain at most ${LIMITS.batchTotal} total params, metrics, and tags. Got ${total} total. Please split up across multiple requests and try again.`);
  }
}
