import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../../store/index.js';
import type { Database } from '../../store/index.js';
import type { Comparison } from './filter-parser.js';
import type { OrderTerm } from './order-by.js';

/**
 * How metric filters reach SQL: `join` drives the query from the latest_metrics(key, value) index,
 * `exists` walks runs newest-first and probes each run's metric by primary key.
 *
 * Why a choice: SQLite has no statistics unless ANALYZE ran, so it always drives from the index range.
 * That is ideal when the metric is also the sort key (the index is read in order and the scan stops at
 * the page) or when few runs match, but with the default order and a filter matching most runs it
 * sorts every match (≈170 ms for 50k matches of 100k runs) where probing runs in start_time order
 * finds a page in a few milliseconds. A capped count on the covering index tells the two apart for
 * about a millisecond. PostgreSQL keeps statistics and plans this itself, so it always gets `join`.
 */
export type MetricStrategy = 'join' | 'exists';

const SQL_OPS = { '=': '=', '>': '>', '>=': '>=', '<': '<', '<=': '<=' } as const;

export async function chooseMetricStrategy(
  db: Kysely<Database>,
  dialect: DialectName,
  comparisons: readonly Comparison[],
  terms: readonly OrderTerm[],
  rowsNeeded: number,
): Promise<MetricStrategy> {
  if (dialect !== 'sqlite') return 'join';
  // Only these can use the index range; `!=` matches nearly everything and is better probed.
  const ranged = comparisons.filter((c) => c.entity === 'metric' && c.op !== '!=');
  if (ranged.length === 0) return 'exists';
  const firstOrder = terms[0];
  if (firstOrder?.entity === 'metric' && ranged.some((c) => c.key === firstOrder.key)) return 'join';

  // Past this many matches, probing runs in order wins (cost ~ rows needed × runs per match vs matches).
  const cap = Math.max(5000, 5 * rowsNeeded);
  for (const c of ranged) {
    const op = sql.raw(SQL_OPS[c.op as keyof typeof SQL_OPS]);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*) AS n FROM (
        SELECT 1 FROM latest_metrics WHERE key = ${c.key} AND value ${op} ${c.value as number} LIMIT ${cap}
      ) AS m`.execute(db);
    if (Number(rows[0]?.n ?? 0) < cap) return 'join';
  }
  return 'exists';
}
