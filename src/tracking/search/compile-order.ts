import { type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../../store/index.js';
import { ATTRIBUTE_COLUMNS, joinKey, type KeyJoin, RUN_NAME_TAG } from './compile-filter.js';
import type { OrderTerm } from './order-by.js';

/**
 * ORDER BY for runs/search, as MLflow's SQL store sorts (sqlalchemy_store._get_orderby_clauses):
 * for each term, first a rank that puts real values before NaN (metrics) before a missing key, in
 * either direction; then the value in the requested direction. After the terms, start_time DESC
 * unless start_time was one of them, then run_uuid ascending, so the order is total and paging by
 * offset is stable.
 */

export interface OrderSql {
  readonly joins: RawBuilder<unknown>[];
  readonly orderBy: RawBuilder<unknown>[];
}

const TABLES = { metric: 'latest_metrics', param: 'params', tag: 'tags' } as const;

/** Text columns of `runs` (the others are numbers or ids). */
const TEXT_ATTRIBUTES = new Set(['run_name', 'user_id', 'status', 'artifact_uri', 'lifecycle_stage']);

export function compileOrder(
  terms: readonly OrderTerm[],
  keyJoins: ReadonlyMap<string, KeyJoin>,
  dialect: DialectName,
): OrderSql {
  const joins: RawBuilder<unknown>[] = [];
  const orderBy: RawBuilder<unknown>[] = [];
  const direction = (t: OrderTerm) => sql.raw(t.ascending ? 'ASC' : 'DESC');
  // PostgreSQL sorts text by the database's collation (often locale-aware); "C" sorts by code point as
  // SQLite's BINARY does, so both backends return the same order.
  const text = (e: RawBuilder<unknown>) => (dialect === 'postgres' ? sql`${e} COLLATE "C"` : e);

  for (const [i, term] of terms.entries()) {
    if (term.entity === 'attribute' || (term.entity === 'tag' && term.key === RUN_NAME_TAG)) {
      const key = term.entity === 'attribute' ? term.key : 'run_name';
      const column = sql.ref(`r.${ATTRIBUTE_COLUMNS[key] as string}`);
      // end_time is the one nullable attribute: unfinished runs sort last, as a missing key does.
      if (key === 'end_time') orderBy.push(sql`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`);
      orderBy.push(sql`${TEXT_ATTRIBUTES.has(key) ? text(column) : column} ${direction(term)}`);
      continue;
    }
    const filtered = keyJoins.get(joinKey(term.entity, term.key));
    let alias: string;
    if (filtered) {
      alias = filtered.alias; // the filter's inner join: the key is present on every row
    } else {
      alias = `o${i}`;
      joins.push(
        sql`LEFT JOIN ${sql.table(TABLES[term.entity])} AS ${sql.id(alias)} ON ${sql.ref(`${alias}.run_uuid`)} = r.run_uuid AND ${sql.ref(`${alias}.key`)} = ${term.key}`,
      );
    }
    const present = sql.ref(`${alias}.run_uuid`);
    const value = sql.ref(`${alias}.value`);
    if (term.entity === 'metric') {
      // Skipped when the filter already guarantees a non-NaN value, so SQLite can read the
      // (key, value) index in order and stop at the page instead of sorting every match.
      if (!filtered?.nanFree) {
        orderBy.push(sql`CASE WHEN ${present} IS NULL THEN 2 WHEN ${sql.ref(`${alias}.is_nan`)} <> 0 THEN 1 ELSE 0 END`);
      }
      orderBy.push(sql`${value} ${direction(term)}`);
    } else {
      if (!filtered) orderBy.push(sql`CASE WHEN ${present} IS NULL THEN 1 ELSE 0 END`);
      orderBy.push(sql`${text(value)} ${direction(term)}`);
    }
  }

  const byStartTime = terms.some((t) => t.entity === 'attribute' && t.key === 'start_time');
  if (!byStartTime) orderBy.push(sql`r.start_time DESC`);
  orderBy.push(sql`r.run_uuid ASC`);
  return { joins, orderBy };
}
