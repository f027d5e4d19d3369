import type { Store } from '../store/index.js';
import { readRuns } from './read-runs.js';
import { searchRunIds } from './search/index.js';
import type { Run, ViewType } from './types.js';

export interface SearchRunsOptions {
  /** @default ['0'] */
  experimentIds?: readonly string[];
  /** MLflow's filter grammar, e.g. `metrics.acc > 0.8 and params.lr = '0.1'`. */
  filter?: string;
  /** e.g. `['metrics.acc DESC', 'attributes.start_time ASC']` */
  orderBy?: readonly string[];
  /** @default 'ACTIVE_ONLY' */
  runViewType?: ViewType;
  /** @default 1000 (at most 50,000) */
  maxResults?: number;
  pageToken?: string;
}

export interface SearchRunsResult {
  readonly runs: Run[];
  readonly next_page_token?: string;
}

/** Searches runs with MLflow's semantics and returns them whole, in order. */
export async function searchRuns(store: Store, options: SearchRunsOptions = {}): Promise<SearchRunsResult> {
  const page = await searchRunIds(store.db, {
    dialect: store.dialect,
    experimentIds: options.experimentIds ?? ['0'],
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    ...(options.orderBy !== undefined ? { orderBy: options.orderBy } : {}),
    ...(options.runViewType !== undefined ? { runViewType: options.runViewType } : {}),
    ...(options.maxResults !== undefined ? { maxResults: options.maxResults } : {}),
    ...(options.pageToken !== undefined ? { pageToken: options.pageToken } : {}),
  });
  const runs = await readRuns(store.db, page.runIds);
  return page.nextPageToken ? { runs, next_page_token: page.nextPageToken } : { runs };
}
