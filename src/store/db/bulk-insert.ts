import { CompiledQuery, type Kysely } from 'kysely';
import type { DialectName } from './dialect.js';
import type { Database } from './schema.js';

/** Bound parameters one statement may carry: SQLite allows 32,766, PostgreSQL 65,535; stay well inside both. */
const MAX_PARAMS = 30_000;

/**
 * Inserts many rows with as few statements as the databases' parameter limits allow.
 *
 * Why not the query builder: building a Kysely AST node for each of thousands of values costs more
 * than the insert itself on SQLite; the statement text here is cached per (table, row count), and
 * every value is still a bound parameter.
 */
export async function bulkInsert<T extends keyof Database & string>(
  db: Kysely<Database>,
  dialect: DialectName,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
  rows: readonly (readonly unknown[])[],
  onConflict = '',
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const text = statementText(dialect, table, columns, chunk.length, onConflict);
    const params: unknown[] = [];
    for (const row of chunk) for (const v of row) params.push(v);
    await db.executeQuery(CompiledQuery.raw(text, params));
  }
}

const textCache = new Map<string, string>();

function statementText(
  dialect: DialectName,
  table: string,
  columns: readonly string[],
  rowCount: number,
  onConflict: string,
): string {
  const cacheKey = `${dialect}|${table}|${columns.join(',')}|${rowCount}|${onConflict}`;
  const cached = textCache.get(cacheKey);
  if (cached) return cached;
  const tuples: string[] = [];
  let n = 0;
  for (let r = 0; r < rowCount; r++) {
    const marks = columns.map(() => (dialect === 'postgres' ? `$${++n}` : '?'));
    tuples.push(`(${marks.join(',')})`);
  }
  const quoted = columns.map((c) => `"${c}"`).join(',');
  const text = `INSERT INTO "${table}" (${quoted}) VALUES ${tuples.join(',')} ${onConflict}`.trimEnd();
  if (textCache.size > 256) textCache.clear();
  textCache.set(cacheKey, text);
  return text;
}
