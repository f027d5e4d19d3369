import type { FastifyRequest } from 'fastify';
import { invalid, SlipwayError } from '../../errors.js';
import {
  type DatasetInput, deleteTag, getRun, logBatch, logInputs, logMetric, logParam, type MetricInput, setTag,
} from '../../tracking/index.js';
import { MlflowApiError } from './mlflow-errors.js';
import type { MlflowRoute } from './mlflow-router.js';
import { badValue, missing, optionalInt, optionalString, type Params, requiredInt, requiredNumber, requiredString } from './request-params.js';
import { pyRepr } from './python-repr.js';
import { badList, keyValueList, runIdParam } from './tracking-params.js';

/** Writes to a run: log-metric, log-parameter, set-tag, delete-tag, log-batch, log-inputs, log-model. */

/** MLflow's cap on a log-batch request body. */
export const LOG_BATCH_BODY_LIMIT = 1_000_000;

const absent = (v: unknown) => v === undefined || v === null || v === '';

/**
 * One metric of a log-batch list. MLflow checks key, value and timestamp are present with one
 * validator of the whole list, so a gap anywhere is reported against `metrics` as a whole.
 */
function metricItem(item: unknown, list: unknown[]): MetricInput {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badList('metrics', list);
  const m = item as Params;
  if (absent(m.key) || absent(m.value) || absent(m.timestamp)) throw badList('metrics', list);
  try {
    const step = optionalInt(m, 'step');
    return { key: requiredString(m, 'key'), value: requiredNumber(m, 'value'), timestamp: requiredInt(m, 'timestamp'), ...(step !== undefined ? { step } : {}) };
  } catch (err) {
    if (err instanceof MlflowApiError) throw badList('metrics', list);
    throw err;
  }
}

function metricList(p: Params): MetricInput[] {
  const v = p.metrics;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badValue('metrics', v);
  return v.map((item) => metricItem(item, v));
}

/** log-batch's param conflicts, listed as MLflow's SQL store lists them (a Python list of dicts). */
function batchConflict(err: unknown, runId: string): unknown {
  const conflicts = err instanceof SlipwayError ? err.context.conflicts : undefined;
  if (!Array.isArray(conflicts)) return err;
  return invalid(`Changing param values is not allowed. Params were already logged='${pyRepr(conflicts)}' for run ID='${runId}'.`);
}

function tooLarge(request: FastifyRequest): MlflowApiError {
  const size = request.headers['content-length'];
  return new MlflowApiError(
    'INVALID_PARAMETER_VALUE',
    `Batched logging API requests must be at most ${LOG_BATCH_BODY_LIMIT} bytes, got a request of size ${size ?? `over ${LOG_BATCH_BODY_LIMIT}`}.`,
  );
}

/** MLflow's DatasetInput messages → Slipway's dataset inputs (the context is the `mlflow.data.context` input tag). */
function datasetInputs(p: Params): DatasetInput[] {
  const list = p.datasets;
  if (absent(list)) throw missing('datasets');
  if (!Array.isArray(list)) throw badValue('datasets', list);
  return list.map((item: unknown) => {
    const input = (typeof item === 'object' && item !== null ? item : {}) as { dataset?: unknown; tags?: unknown };
    if (typeof input.dataset !== 'object' || input.dataset === null) throw invalid('Dataset cannot be None');
    const d = input.dataset as Params;
    for (const field of ['name', 'digest', 'source_type', 'source'] as const) {
      if (d[field] === undefined || d[field] === null) throw invalid(`Dataset ${field} cannot be None`);
      if (typeof d[field] !== 'string') throw badList('datasets', list);
    }
    const name = d.name as string;
    if (name.length > 500) throw invalid('Dataset name exceeds the maximum length of 500');
    const tags = keyValueList({ tags: input.tags }, 'tags');
    return { name, digest: d.digest as string, source: d.source as string, context: tags.find((t) => t.key === 'mlflow.data.context')?.value ?? '' };
  });
}

/** Python's repr of a set of field names (sorted, so the message is stable). */
const pySet = (names: readonly string[]) => `{${[...names].sort().map((n) => `'${n}'`).join(', ')}}`;

const LOGGED_MODELS_TAG = 'mlflow.log-model.history';

/** The stored history; a value that is not a JSON list (set by hand with set-tag) starts a new one. */
function parseList(text: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

export const logRoutes: readonly MlflowRoute[] = [
  {
    method: 'POST', path: 'runs/log-metric', permission: 'edit',
    async handler({ params, store }) {
      const runId = runIdParam(params);
      const key = requiredString(params, 'key');
      const value = requiredNumber(params, 'value');
      const timestamp = requiredInt(params, 'timestamp');
      const step = optionalInt(params, 'step');
      await logMetric(store, runId, { key, value, timestamp, ...(step !== undefined ? { step } : {}) });
      return {};
    },
  },
  {
    method: 'POST', path: 'runs/log-parameter', permission: 'edit',
    async handler({ params, store }) {
      const runId = runIdParam(params);
      await logParam(store, runId, requiredString(params, 'key'), optionalString(params, 'value') ?? '');
      return {};
    },
  },
  {
    method: 'POST', path: 'runs/set-tag', permission: 'edit',
    async handler({ params, store }) {
      const runId = runIdParam(params);
      await setTag(store, runId, requiredString(params, 'key'), optionalString(params, 'value') ?? '');
      return {};
    },
  },
  {
    method: 'POST', path: 'runs/delete-tag', permission: 'edit',
    async handler({ params, store }) {
      const runId = runIdParam(params);
      await deleteTag(store, runId, requiredString(params, 'key'));
      return {};
    },
  },
  {
    method: 'POST', path: 'runs/log-batch', permission: 'edit', bodyLimit: LOG_BATCH_BODY_LIMIT, bodyTooLarge: tooLarge,
    async handler({ params, store }) {
      const runId = runIdParam(params);
      const metrics = metricList(params);
      const batch = { metrics, params: keyValueList(params, 'params'), tags: keyValueList(params, 'tags') };
      try {
        await logBatch(store, runId, batch);
      } catch (err) {
        throw batchConflict(err, runId);
      }
      return {};
    },
  },
  {
    method: 'POST', path: 'runs/log-inputs', permission: 'edit',
    async handler({ params, store }) {
      const runId = runIdParam(params);
      await logInputs(store, runId, datasetInputs(params));
      return {};
    },
  },
  {
    method: 'POST', path: 'runs/log-model', permission: 'edit',
    async handler({ params, store }) {
      const runId = runIdParam(params);
      const text = requiredString(params, 'model_json');
      let model: unknown;
      try {
        model = JSON.parse(text);
      } catch {
        throw invalid(`Malformed model info. \n ${text} \n is not a valid JSON.`);
      }
      if (typeof model !== 'object' || model === null || Array.isArray(model)) throw invalid(`Malformed model info. \n ${text} \n is not a valid JSON.`);
      const lacking = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter((f) => !Object.hasOwn(model as object, f));
      if (lacking.length > 0) throw invalid(`Model json is missing mandatory fields: ${pySet(lacking)}`);
      // The run's logged models are a JSON list in one tag, each model appended, as MLflow keeps them.
      // The read-modify-write is serialised per run, so two calls at once both land.
      await oneAtATime(runId, async () => {
        const previous = (await getRun(store, runId)).data.tags.find((t) => t.key === LOGGED_MODELS_TAG)?.value;
        const history = previous ? parseList(previous) : [];
        await setTag(store, runId, LOGGED_MODELS_TAG, JSON.stringify([...history, model]));
      });
      return {};
    },
  },
];

/** Runs `fn` after every earlier call for the same key has settled (in this process). */
const queues = new Map<string, Promise<void>>();
async function oneAtATime(key: string, fn: () => Promise<void>): Promise<void> {
  const before = queues.get(key) ?? Promise.resolve();
  const mine = before.then(fn, fn);
  const tail = mine.catch(() => undefined);
  queues.set(key, tail);
  try {
    await mine;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}
