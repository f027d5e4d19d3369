import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { invalid } from '../errors.js';
import type { Store } from '../store/index.js';
import { readModels } from './models.js';
import { readVersions } from './read-versions.js';
import type { ModelVersion, RegisteredModel } from './types.js';

/**
 * Paged registry search (MLflow's registered-models/search and model-versions/search) over typed,
 * AND-ed clauses; the MLflow filter grammar is parsed at the HTTP edge, the SQL lives here.
 *
 * LIKE means the same on both databases: case-sensitive, `%` and `_` wildcards, backslash escapes the
 * next character (PostgreSQL's default). SQLite's own LIKE ignores ASCII case, so it is run as GLOB.
 */

export type TextOp = '=' | '!=' | 'LIKE' | 'ILIKE';
export type NumberOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type RegistryClause =
  | { readonly kind: 'attribute'; readonly key: 'name' | 'run_id' | 'source'; readonly op: TextOp; readonly value: string }
  | { readonly kind: 'attribute'; readonly key: 'run_id'; readonly op: 'IN'; readonly value: readonly string[] }
  | { readonly kind: 'attribute'; readonly key: 'version'; readonly op: NumberOp; readonly value: number }
  | { readonly kind: 'tag'; readonly key: string; readonly op: TextOp; readonly value: string };

export interface RegistryOrder {
  readonly key: 'name' | 'version' | 'creation_time' | 'last_updated_time';
  readonly ascending: boolean;
}

export interface RegistrySearchOptions {
  readonly filter?: readonly RegistryClause[];
  /** Ties are broken by name ascending (then, for versions, version descending). */
  readonly orderBy?: readonly RegistryOrder[];
  /** @default 100 */
  readonly maxResults?: number;
  /** Rows to skip, from a previous page. @default 0 */
  readonly offset?: number;
}

export interface RegistryPage<T> {
  readonly items: T[];
  /** Whether rows follow this page. */
  readonly hasMore: boolean;
}

const DEFAULT_VERSION_ORDER: readonly RegistryOrder[] = [
  { key: 'last_updated_time', ascending: false }, { key: 'name', ascending: true }, { key: 'version', ascending: false },
];

export async function searchRegisteredModelsPage(store: Store, options: RegistrySearchOptions = {}): Promise<RegistryPage<RegisteredModel>> {
  let q = store.db.selectFrom('registered_models').select('registered_models.name');
  for (const c of options.filter ?? []) {
    if (c.kind === 'tag') {
      q = q.where((eb) => eb.exists(eb.selectFrom('registered_model_tags as t').select(sql.lit(1).as('one'))
        .whereRef('t.name', '=', 'registered_models.name').where('t.key', '=', c.key).where(compareText(store, sql.ref('t.value'), c.op, c.value))));
    } else if (c.key === 'name') {
      q = q.where(compareText(store, sql.ref('registered_models.name'), c.op, c.value));
    } else {
      throw invalid(`Registered models cannot be searched by '${c.key}': use name or tags.<key>.`);
    }
  }
  const order = withTieBreaks(options.orderBy ?? [], false);
  for (const o of order) {
    if (o.key === 'version') throw invalid('Registered models cannot be ordered by version.');
    q = q.orderBy(orderExpr(store, `registered_models.${o.key}`, o.key), o.ascending ? 'asc' : 'desc');
  }
  const { limit, offset } = page(options);
  const rows = await q.limit(limit + 1).offset(offset).execute();
  const items = await readModels(store, rows.slice(0, limit).map((r) => r.name));
  return { items, hasMore: rows.length > limit };
}

export async function searchModelVersionsPage(store: Store, options: RegistrySearchOptions = {}): Promise<RegistryPage<ModelVersion>> {
  let q = store.db.selectFrom('model_versions').selectAll('model_versions');
  for (const c of options.filter ?? []) {
    if (c.kind === 'tag') {
      q = q.where((eb) => eb.exists(eb.selectFrom('model_version_tags as t').select(sql.lit(1).as('one'))
        .whereRef('t.name', '=', 'model_versions.name').whereRef('t.version', '=', 'model_versions.version')
        .where('t.key', '=', c.key).where(compareText(store, sql.ref('t.value'), c.op, c.value))));
    } else if (c.key === 'version') {
      q = q.where(compareNumber(sql.ref('model_versions.version'), c.op, c.value));
    } else if (c.op === 'IN') {
      const ids = c.value;
      q = ids.length ? q.where('model_versions.run_id', 'in', ids) : q.where(sql<SqlBool>`1 = 0`);
    } else if (typeof c.value === 'string') {
      // A version without a run has run_id '' in MLflow's answers, so it compares as ''.
      const column = c.key === 'run_id' ? sql`coalesce(model_versions.run_id, '')` : sql.ref(`model_versions.${c.key}`);
      q = q.where(compareText(store, column, c.op, c.value));
    }
  }
  for (const o of withTieBreaks(options.orderBy?.length ? options.orderBy : DEFAULT_VERSION_ORDER, true)) {
    q = q.orderBy(orderExpr(store, `model_versions.${o.key}`, o.key), o.ascending ? 'asc' : 'desc');
  }
  const { limit, offset } = page(options);
  const rows = await q.limit(limit + 1).offset(offset).execute();
  return { items: await readVersions(store.db, rows.slice(0, limit)), hasMore: rows.length > limit };
}

function page(options: RegistrySearchOptions): { limit: number; offset: number } {
  const limit = options.maxResults ?? 100;
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 1) throw invalid(`max_results must be a positive integer, got ${limit}.`);
  if (!Number.isSafeInteger(offset) || offset < 0) throw invalid(`offset must be a non-negative integer, got ${offset}.`);
  return { limit, offset };
}

/** Refuses a field listed twice (the second would never decide anything) and appends the tie-breakers. */
function withTieBreaks(order: readonly RegistryOrder[], versions: boolean): RegistryOrder[] {
  const seen = new Set<string>();
  for (const o of order) {
    if (seen.has(o.key)) throw invalid(`order_by names '${o.key}' twice.`);
    seen.add(o.key);
  }
  const out = [...order];
  if (!seen.has('name')) out.push({ key: 'name', ascending: true });
  if (versions && !seen.has('version')) out.push({ key: 'version', ascending: false });
  return out;
}

/** Names sort by code point on both databases (PostgreSQL's locale collation would not match SQLite's). */
function orderExpr(store: Store, column: string, key: RegistryOrder['key']): RawBuilder<unknown> {
  return key === 'name' && store.dialect === 'postgres' ? sql`${sql.ref(column)} collate "C"` : sql`${sql.ref(column)}`;
}

function compareText(store: Store, column: RawBuilder<unknown>, op: TextOp, value: string): RawBuilder<SqlBool> {
  switch (op) {
    case '=':
      return sql<SqlBool>`${column} = ${value}`;
    case '!=':
      return sql<SqlBool>`${column} <> ${value}`;
    case 'LIKE':
      return store.dialect === 'postgres' ? sql<SqlBool>`${column} like ${closeEscape(value)}` : sql<SqlBool>`${column} glob ${toGlob(value)}`;
    case 'ILIKE':
      return store.dialect === 'postgres'
        ? sql<SqlBool>`${column} ilike ${closeEscape(value)}`
        : sql<SqlBool>`${column} like ${closeEscape(value)} escape '\\'`;
  }
}

function compareNumber(column: RawBuilder<unknown>, op: NumberOp, value: number): RawBuilder<SqlBool> {
  const ops: Record<NumberOp, string> = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
  return sql<SqlBool>`${column} ${sql.raw(ops[op])} ${value}`;
}

/** A lone trailing backslash means itself (PostgreSQL would reject the pattern). */
function closeEscape(pattern: string): string {
  const trailing = /\\*$/.exec(pattern)?.[0].length ?? 0;
  return trailing % 2 === 1 ? `${pattern}\\` : pattern;
}

/** The LIKE pattern as a GLOB pattern: `%` → `*`, `_` → `?`, escaped or GLOB-special characters as `[c]`. */
function toGlob(pattern: string): string {
  const chars = Array.from(pattern);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    let c = chars[i] as string;
    if (c === '\\' && i + 1 < chars.length) {
      c = chars[++i] as string;
      out += c === '*' || c === '?' || c === '[' ? `[${c}]` : c;
    } else if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else out += c === '*' || c === '?' || c === '[' ? `[${c}]` : c;
  }
  return out;
}
