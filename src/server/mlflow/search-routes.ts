import { invalid } from '../../errors.js';
import { getMetricHistory, LIMITS, searchExperiments, searchRuns } from '../../tracking/index.js';
import type { MlflowCall, MlflowRoute } from './mlflow-router.js';
import { badValue, optionalInt, optionalString, optionalStringArray, requiredString } from './request-params.js';
import { experimentJson, metricJson, runJson } from './tracking-json.js';
import { optionalEnum, runIdParam, VIEW_TYPES } from './tracking-params.js';

/** experiments/search (GET and POST), runs/search, metrics/get-history. */

async function searchExperimentsHandler({ params, store }: MlflowCall): Promise<object> {
  const viewType = optionalEnum(params, 'view_type', VIEW_TYPES);
  const maxResults = optionalInt(params, 'max_results');
  const filter = optionalString(params, 'filter');
  const orderBy = optionalStringArray(params, 'order_by');
  const pageToken = optionalString(params, 'page_token');
  const page = await searchExperiments(store, {
    ...(viewType ? { viewType } : {}),
    // MLflow's server refuses a missing max_results (protobuf reads it as 0); its clients always send one,
    // so an absent one takes the clients' default instead.
    ...(maxResults !== undefined ? { maxResults } : {}),
    ...(filter ? { filter } : {}),
    ...(orderBy ? { orderBy } : {}),
    ...(pageToken ? { pageToken } : {}),
  });
  const out: Record<string, unknown> = {};
  if (page.experiments.length > 0) out.experiments = page.experiments.map(experimentJson);
  if (page.next_page_token) out.next_page_token = page.next_page_token;
  return out;
}

/** metrics/get-history pages by offset; the token is opaque to clients. */
const historyToken = (offset: number) => Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');

function historyOffset(token: string | undefined): number {
  if (!token) return 0;
  let offset: unknown;
  try {
    offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown }).offset;
  } catch {
    offset = undefined;
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalid(`Invalid page_token '${token}': not a token from a previous metrics/get-history call`);
  }
  return offset;
}

export const searchRoutes: readonly MlflowRoute[] = [
  { method: 'POST', path: 'experiments/search', permission: 'read', handler: searchExperimentsHandler },
  { method: 'GET', path: 'experiments/search', permission: 'read', handler: searchExperimentsHandler },
  {
    method: 'POST', path: 'runs/search', permission: 'read',
    async handler({ params, store }) {
      const maxResults = optionalInt(params, 'max_results');
      if (maxResults !== undefined && maxResults > LIMITS.searchMaxResults) throw badValue('max_results', params.max_results);
      const runViewType = optionalEnum(params, 'run_view_type', VIEW_TYPES);
      const filter = optionalString(params, 'filter');
      const orderBy = optionalStringArray(params, 'order_by');
      const pageToken = optionalString(params, 'page_token');
      const page = await searchRuns(store, {
        // No experiment named, no runs: MLflow does not fall back to the default experiment here.
        experimentIds: optionalStringArray(params, 'experiment_ids') ?? [],
        ...(filter ? { filter } : {}),
        ...(orderBy ? { orderBy } : {}),
        ...(runViewType ? { runViewType } : {}),
        ...(maxResults !== undefined ? { maxResults } : {}),
        ...(pageToken ? { pageToken } : {}),
      });
      const out: Record<string, unknown> = {};
      if (page.runs.length > 0) out.runs = page.runs.map(runJson);
      if (page.next_page_token) out.next_page_token = page.next_page_token;
      return out;
    },
  },
  {
    method: 'GET', path: 'metrics/get-history', permission: 'read',
    async handler({ params, store }) {
      const runId = runIdParam(params);
      const key = requiredString(params, 'metric_key');
      const requested = optionalInt(params, 'max_results');
      if (requested !== undefined && requested < 1) throw badValue('max_results', params.max_results);
      // Pages hold at most MLflow's 25,000 points; the client asks for that many and follows the token.
      const pageSize = Math.min(requested ?? LIMITS.metricHistoryPage, LIMITS.metricHistoryPage);
      const offset = historyOffset(optionalString(params, 'page_token'));
      const points = await getMetricHistory(store, runId, key, { maxResults: pageSize + 1, offset });
      const out: Record<string, unknown> = {};
      if (points.length > 0) out.metrics = points.slice(0, pageSize).map(metricJson);
      if (points.length > pageSize) out.next_page_token = historyToken(offset + pageSize);
      return out;
    },
  },
];
