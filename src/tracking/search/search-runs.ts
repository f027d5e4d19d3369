import { type Kysely, sql } from 'kysely';
import { invalid } from '../../errors.js';
import type { DialectName } from '../../store/index.js';
import type { Database } from '../../store/index.js';
import { LIMITS, type ViewType } from '../types.js';
import { compileFilter } from './compile-filter.js';
import { compileOrder } from './compile-order.js';
import { parseFilter } from './filter-parser.js';
import { chooseMetricStrategy } from './metric-strategy.js';
import { parseOrderBy } from './order-by.js';
import { decodePageToken, encodePageToken } from './page-token.js';

export interface SearchRunsQuery {
  experimentIds: readonly string[];
  /** MLflow filter grammar, e.g. `metrics.acc > 0.9 AND params.model = 'xgb'`. */
  filter?: string;
  /** e.g. `["metrics.acc DESC", "attributes.start_time ASC"]`; default start_time DESC, then run id. */
  orderBy?: readonly string[];
  /** @default 'ACTIVE_ONLY' */
  runViewType?: ViewType;
  /** @default 1000; at most 50,000. */
  maxResults?: number;
  pageToken?: string;
  /** Which SQL the database speaks; found out from `db` when omitted. */
  dialect?: DialectName;
}

export interface SearchRunsPage {
  runIds: string[];
  /** Present only when more runs follow. */
  nextPageToken?: string;
}

const VIEW_STAGES: Readonly<Record<ViewType, string | undefined>> = {
  ACTIVE_ONLY: 'active',
  DELETED_ONLY: 'deleted',
  ALL: undefined,
};

/**
 * The ids of the runs in `experimentIds` matching `filter`, sorted by `orderBy`, one page at a time,
 * with MLflow's runs/search semantics. One SQL statement finds the page (on SQLite a capped index count
 * may run first to pick its shape, see metric-strategy.ts); every value in either, metric/param/tag keys
 * included, is a bound parameter.
 *
 * @example
 *   const { runIds, nextPageToken } = await searchRunIds(db, {
 *     experimentIds: ['0'], filter: 'metrics.acc > 0.9', orderBy: ['metrics.acc DESC'], maxResults: 10,
 *   });
 */
export async function searchRunIds(db: Kysely<Database>, query: SearchRunsQuery): Promise<SearchRunsPage> {
  const maxResults = query.maxResults ?? LIMITS.searchDefaultResults;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > LIMITS.searchMaxResults) {
    throw invalid(
      `Invalid value ${maxResults} for parameter 'max_results': it must be a whole number from 1 to ${LIMITS.searchMaxResults}`,
      { max_results: maxResults },
    );
  }
  const runViewType = query.runViewType ?? 'ACTIVE_ONLY';
  if (!Object.hasOwn(VIEW_STAGES, runViewType)) {
    throw invalid(`Invalid run_view_type '${runViewType}': use ACTIVE_ONLY, DELETED_ONLY or ALL`, { run_view_type: runViewType });
  }
  const offset = decodePageToken(query.pageToken);
  const comparisons = parseFilter(query.filter ?? '');
  const terms = parseOrderBy(query.orderBy ?? []);

  // Experiment ids are integers in the store: another id can match no run (and would be a type error
  // on PostgreSQL), so it is dropped rather than sent.
  const experimentIds = [...new Set(query.experimentIds)].filter((id) => /^[0-9]{1,18}$/.test(id));
  if (experimentIds.length === 0) return { runIds: [] };

  const dialect = query.dialect ?? dialectOf(db);
  const strategy = await chooseMetricStrategy(db, dialect, comparisons, terms, offset + maxResults + 1);
  const filter = compileFilter(comparisons, dialect, strategy);
  const order = compileOrder(terms, filter.keyJoins, dialect);

  const where = [sql`r.experiment_id IN (${sql.join(experimentIds.map((id) => sql`${id}`))})`, ...filter.where];
  const stage = VIEW_STAGES[runViewType];
  if (stage !== undefined) where.push(sql`r.lifecycle_stage = ${stage}`);

  // One row more than the page tells whether another page follows, so the last page has no token.
  const result = await sql<{ run_uuid: string }>`
    SELECT r.run_uuid FROM runs AS r
    ${sql.join([...filter.joins, ...order.joins], sql` `)}
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${sql.join(order.orderBy)}
    LIMIT ${maxResults + 1} OFFSET ${offset}`.execute(db);

  const rows = result.rows;
  const runIds = rows.slice(0, maxResults).map((row) => row.run_uuid);
  return rows.length > maxResults ? { runIds, nextPageToken: encodePageToken(offset + maxResults) } : { runIds };
}

const dialects = new WeakMap<object, DialectName>();

/** Tells the dialect from how Kysely writes a parameter: `$1` on PostgreSQL, `?` on SQLite. */
function dialectOf(db: Kysely<Database>): DialectName {
  let dialect = dialects.get(db);
  if (!dialect) {
    const probe = db.selectFrom('runs').select('run_uuid').where('run_uuid', '=', '').compile();
    dialect = probe.sql.includes('$1') ? 'postgres' : 'sqlite';
    dialects.set(db, dialect);
  }
  return dialect;
}
