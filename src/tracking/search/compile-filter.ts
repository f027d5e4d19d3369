import { type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../../store/index.js';
import type { Comparison, ComparisonOp } from './filter-parser.js';
import { toGlobPattern, toLikePattern } from './like-pattern.js';

/**
 * Compiles parsed comparisons to SQL fragments over `runs AS r`. Every value and every metric/param/tag
 * key is a bound parameter; the only text spliced into SQL is chosen from the fixed tables below.
 *
 * Metric, param and tag comparisons become inner joins on their table, one join per (entity, key) with
 * all of that key's conditions in its ON clause: each table holds one row per run and key, so the join
 * cannot multiply runs, and a metric join on `latest_metrics(key, value)` lets the planner range-scan
 * that index (and read it in order when the same metric is the sort key).
 */

/** A join made for a filter on a key, reused by order_by on the same key. */
export interface KeyJoin {
  readonly alias: string;
  /** True when the filter already excludes NaN (every comparison but `!=` does). */
  readonly nanFree: boolean;
}

export interface FilterSql {
  readonly joins: RawBuilder<unknown>[];
  readonly where: RawBuilder<unknown>[];
  /** Joins by `entity:key`, for order_by. */
  readonly keyJoins: ReadonlyMap<string, KeyJoin>;
}

/** Run attributes to their `runs` columns; the set is closed, so these names are safe to splice. */
export const ATTRIBUTE_COLUMNS: Readonly<Record<string, string>> = {
  run_id: 'run_uuid',
  run_name: 'name',
  user_id: 'user_id',
  status: 'status',
  artifact_uri: 'artifact_uri',
  lifecycle_stage: 'lifecycle_stage',
  start_time: 'start_time',
  end_time: 'end_time',
};

/** MLflow's dataset fields to `input_datasets` columns: digest is our content hash, context our role. */
const DATASET_COLUMNS: Readonly<Record<string, string>> = { name: 'name', digest: 'hash', context: 'role' };

const TABLES = { metric: 'latest_metrics', param: 'params', tag: 'tags' } as const;

const SQL_OPS: Readonly<Record<'=' | '!=' | '>' | '>=' | '<' | '<=', string>> = {
  '=': '=',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

/** MLflow stores the run name both as a column and as this tag; Slipway reads the column for both. */
export const RUN_NAME_TAG = 'mlflow.runName';

export function joinKey(entity: string, key: string): string {
  return `${entity}:${key}`;
}

/** `metrics` says whether metric filters become joins or EXISTS probes (see metric-strategy.ts). */
export function compileFilter(
  comparisons: readonly Comparison[],
  dialect: DialectName,
  metrics: 'join' | 'exists' = 'join',
): FilterSql {
  const where: RawBuilder<unknown>[] = [];
  const groups = new Map<string, { entity: 'metric' | 'param' | 'tag'; key: string; items: Comparison[] }>();
  for (const c of comparisons) {
    if (c.entity === 'tag' && c.key === RUN_NAME_TAG) {
      where.push(stringCondition(sql.ref('r.name'), c.op, c.value, dialect));
    } else if (c.entity === 'attribute') {
      where.push(attributeCondition(c, dialect));
    } else if (c.entity === 'dataset') {
      const column = sql.ref(`d.${DATASET_COLUMNS[c.key] as string}`);
      const cond = stringCondition(column, c.op, c.value, dialect);
      where.push(sql`EXISTS (SELECT 1 FROM input_datasets AS d WHERE d.run_uuid = r.run_uuid AND ${cond})`);
    } else {
      const id = joinKey(c.entity, c.key);
      const group = groups.get(id) ?? { entity: c.entity, key: c.key, items: [] };
      group.items.push(c);
      groups.set(id, group);
    }
  }

  const joins: RawBuilder<unknown>[] = [];
  const keyJoins = new Map<string, KeyJoin>();
  let n = 0;
  for (const [id, group] of groups) {
    const alias = `f${n++}`;
    const value = sql.ref(`${alias}.value`);
    const conds = group.items.map((c) =>
      group.entity === 'metric'
        ? metricCondition(alias, c.op, c.value as number)
        : stringCondition(value, c.op, c.value, dialect),
    );
    const table = sql.table(TABLES[group.entity]);
    if (group.entity === 'metric' && metrics === 'exists') {
      where.push(
        sql`EXISTS (SELECT 1 FROM ${table} AS ${sql.id(alias)} WHERE ${sql.ref(`${alias}.run_uuid`)} = r.run_uuid AND ${sql.ref(`${alias}.key`)} = ${group.key} AND ${sql.join(conds, sql` AND `)})`,
      );
      continue;
    }
    joins.push(
      sql`JOIN ${table} AS ${sql.id(alias)} ON ${sql.ref(`${alias}.run_uuid`)} = r.run_uuid AND ${sql.ref(`${alias}.key`)} = ${group.key} AND ${sql.join(conds, sql` AND `)}`,
    );
    keyJoins.set(id, { alias, nanFree: group.entity !== 'metric' || group.items.some((c) => c.op !== '!=') });
  }
  return { joins, where, keyJoins };
}

/**
 * NaN is stored as value 0 with is_nan = 1. It compares as IEEE NaN does: false for = < <= > >=, and
 * true for != (NaN differs from every number), so a NaN can never pass for a 0.
 */
function metricCondition(alias: string, op: ComparisonOp, value: number): RawBuilder<unknown> {
  const isNan = sql.ref(`${alias}.is_nan`);
  const column = sql.ref(`${alias}.value`);
  if (op === '!=') return sql`(${isNan} <> 0 OR ${column} <> ${value})`;
  return sql`${isNan} = 0 AND ${column} ${sql.raw(SQL_OPS[op as keyof typeof SQL_OPS])} ${value}`;
}

function attributeCondition(c: Comparison, dialect: DialectName): RawBuilder<unknown> {
  const column = sql.ref(`r.${ATTRIBUTE_COLUMNS[c.key] as string}`);
  if (typeof c.value !== 'number') return stringCondition(column, c.op, c.value, dialect);
  // start_time/end_time are BIGINT: PostgreSQL would parse a parameter like 1.5 or 1e300 as BIGINT and
  // fail, so such values are compared as double precision; whole numbers stay BIGINT to keep indexes usable.
  const value =
    dialect === 'postgres' && !Number.isSafeInteger(c.value) ? sql`CAST(${c.value} AS double precision)` : sql`${c.value}`;
  return sql`${column} ${sql.raw(SQL_OPS[c.op as keyof typeof SQL_OPS])} ${value}`;
}

/** `=`/`!=` exact, LIKE case-sensitive and ILIKE case-insensitive on both dialects, IN lists. */
function stringCondition(
  column: RawBuilder<unknown>,
  op: ComparisonOp,
  value: number | string | string[],
  dialect: DialectName,
): RawBuilder<unknown> {
  if (op === 'IN' || op === 'NOT IN') {
    const list = sql.join((value as string[]).map((v) => sql`${v}`));
    return op === 'IN' ? sql`${column} IN (${list})` : sql`${column} NOT IN (${list})`;
  }
  const text = value as string;
  switch (op) {
    case '=':
      return sql`${column} = ${text}`;
    case '!=':
      return sql`${column} <> ${text}`;
    case 'LIKE':
      return dialect === 'postgres' ? sql`${column} LIKE ${toLikePattern(text)}` : sql`${column} GLOB ${toGlobPattern(text)}`;
    case 'ILIKE':
      // SQLite: lower() on both sides, so even with case_sensitive_like switched on this stays case-insensitive.
      return dialect === 'postgres'
        ? sql`${column} ILIKE ${toLikePattern(text)}`
        : sql`lower(${column}) LIKE lower(${toLikePattern(text)}) ESCAPE ${'\\'}`;
    default:
      throw new Error(`unreachable: operator ${op} on a string field`);
  }
}
