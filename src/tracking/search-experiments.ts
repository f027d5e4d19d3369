import { type RawBuilder, sql } from 'kysely';
import { invalid } from '../errors.js';
import type { Store } from '../store/index.js';
import { describeToken, LexError, type Token, tokenize } from './search/filter-lexer.js';
import { toGlobPattern, toLikePattern } from './search/like-pattern.js';
import { decodePageToken, encodePageToken } from './search/page-token.js';
import { type Experiment, LIMITS, type ViewType } from './types.js';

/**
 * MLflow's experiments/search: a filter on `name`, `creation_time`, `last_update_time` and tags
 * (`name LIKE 'churn%' AND tags.team = 'ml'`), order_by on name, experiment_id and the two times,
 * paging by token. As MLflow's SQL store: the default order is creation_time DESC then experiment_id
 * ASC, and any other order ends with experiment_id DESC so pages are stable.
 */

export interface SearchExperimentsOptions {
  filter?: string;
  /** e.g. `['name ASC', 'creation_time DESC']` */
  orderBy?: readonly string[];
  /** @default 'ACTIVE_ONLY' */
  viewType?: ViewType;
  /** @default 1000; at most 50,000 */
  maxResults?: number;
  pageToken?: string;
}

export interface SearchExperimentsResult {
  readonly experiments: Experiment[];
  readonly next_page_token?: string;
}

type Condition = { kind: 'attribute' | 'tag'; key: string; op: string; value: string | number };
type Order = { column: string; ascending: boolean };

const STRING_ATTRIBUTES = new Set(['name']);
const NUMERIC_ATTRIBUTES = new Set(['creation_time', 'last_update_time']);
const ORDER_COLUMNS = new Set(['name', 'experiment_id', 'creation_time', 'last_update_time']);
const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE'];
const NUMERIC_OPS = ['=', '!=', '<', '<=', '>', '>='];
const ENTITY_PREFIXES: Readonly<Record<string, Condition['kind']>> = { attribute: 'attribute', attributes: 'attribute', tag: 'tag', tags: 'tag' };
const STAGES: Readonly<Record<ViewType, readonly string[]>> = { ACTIVE_ONLY: ['active'], DELETED_ONLY: ['deleted'], ALL: ['active', 'deleted'] };

export async function searchExperiments(store: Store, options: SearchExperimentsOptions = {}): Promise<SearchExperimentsResult> {
  const maxResults = options.maxResults ?? LIMITS.searchDefaultResults;
  if (!Number.isInteger(maxResults) || maxResults < 1) {
    throw invalid(`Invalid value for max_results. It must be a positive integer, but got ${maxResults}`);
  }
  if (maxResults > LIMITS.searchMaxResults) {
    throw invalid(`Invalid value for max_results. It must be at most ${LIMITS.searchMaxResults}, but got ${maxResults}`);
  }
  const stages = STAGES[options.viewType ?? 'ACTIVE_ONLY'];
  const conditions = parseExperimentFilter(options.filter ?? '');
  const order = (options.orderBy?.length ? options.orderBy : ['creation_time DESC', 'experiment_id ASC']).map(parseExperimentOrder);
  if (!order.some((o) => o.column === 'experiment_id')) order.push({ column: 'experiment_id', ascending: false });
  const offset = decodePageToken(options.pageToken);

  const where = [sql`e.lifecycle_stage IN (${sql.join(stages.map((s) => sql`${s}`))})`, ...conditions.map((c) => conditionSql(c, store.dialect))];
  // PostgreSQL sorts text by its collation; "C" sorts by code point, as SQLite does.
  const orderBy = order.map((o) =>
    sql`${o.column === 'name' && store.dialect === 'postgres' ? sql`e.name COLLATE "C"` : sql.ref(`e.${o.column}`)} ${sql.raw(o.ascending ? 'ASC' : 'DESC')}`,
  );
  const rows = await sql<{ experiment_id: number | string }>`
    SELECT e.experiment_id FROM experiments AS e
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${sql.join(orderBy)}
    LIMIT ${maxResults + 1} OFFSET ${offset}`.execute(store.db);
  const ids = rows.rows.slice(0, maxResults).map((r) => String(r.experiment_id));
  const experiments = await experimentsByIds(store, ids);
  return rows.rows.length > maxResults ? { experiments, next_page_token: encodePageToken(offset + maxResults) } : { experiments };
}

function conditionSql(c: Condition, dialect: Store['dialect']): RawBuilder<unknown> {
  if (c.kind === 'attribute') return compare(sql.ref(`e.${c.key}`), c.op, c.value, dialect);
  const cond = compare(sql.ref('t.value'), c.op, c.value, dialect);
  return sql`EXISTS (SELECT 1 FROM experiment_tags AS t WHERE t.experiment_id = e.experiment_id AND t.key = ${c.key} AND ${cond})`;
}

/** LIKE is case-sensitive and ILIKE not, on both databases (see search/like-pattern.ts). */
function compare(column: RawBuilder<unknown>, op: string, value: string | number, dialect: Store['dialect']): RawBuilder<unknown> {
  if (op === 'LIKE') {
    return dialect === 'postgres' ? sql`${column} LIKE ${toLikePattern(String(value))}` : sql`${column} GLOB ${toGlobPattern(String(value))}`;
  }
  if (op === 'ILIKE') {
    return dialect === 'postgres'
      ? sql`${column} ILIKE ${toLikePattern(String(value))}`
      : sql`lower(${column}) LIKE lower(${toLikePattern(String(value))}) ESCAPE ${'\\'}`;
  }
  // The times are BIGINT: PostgreSQL would read 1.5 as BIGINT and fail, so such values compare as doubles.
  const bound = typeof value === 'number' && dialect === 'postgres' && !Number.isSafeInteger(value) ? sql`CAST(${value} AS double precision)` : sql`${value}`;
  return sql`${column} ${sql.raw(op === '!=' ? '<>' : op)} ${bound}`;
}

/** Whole experiments for `ids`, in that order, with their tags. */
async function experimentsByIds(store: Store, ids: readonly string[]): Promise<Experiment[]> {
  if (ids.length === 0) return [];
  const numeric = ids.map(Number);
  const [rows, tags] = await Promise.all([
    store.db.selectFrom('experiments').selectAll().where('experiment_id', 'in', numeric).execute(),
    store.db.selectFrom('experiment_tags').selectAll().where('experiment_id', 'in', numeric).orderBy('key').execute(),
  ]);
  const byId = new Map(rows.map((r) => [String(r.experiment_id), r]));
  const tagsOf = new Map<string, { key: string; value: string }[]>();
  for (const t of tags) {
    const id = String(t.experiment_id);
    tagsOf.set(id, [...(tagsOf.get(id) ?? []), { key: t.key, value: t.value }]);
  }
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    return [{
      experiment_id: id, name: r.name, artifact_location: r.artifact_location, lifecycle_stage: r.lifecycle_stage as Experiment['lifecycle_stage'],
      creation_time: Number(r.creation_time), last_update_time: Number(r.last_update_time),
      tags: tagsOf.get(id) ?? [],
    }];
  });
}

const isWord = (t: Token | undefined, word: string) => t?.kind === 'word' && t.text.toUpperCase() === word;

/** `comparison (AND comparison)*`, each `identifier op value`. */
export function parseExperimentFilter(text: string): Condition[] {
  if (text.trim() === '') return [];
  const fail = (detail: string, pos: number) => invalid(`Invalid filter "${text}": ${detail} at position ${pos}`, { filter: text, position: pos });
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (err) {
    if (err instanceof LexError) throw fail(err.detail, err.pos);
    throw err;
  }
  let i = 0;
  const next = () => tokens[Math.min(i++, tokens.length - 1)] as Token;
  const out: Condition[] = [];
  for (;;) {
    const id = next();
    const target = identifier(id, 'filter');
    if (typeof target === 'string') throw fail(target, id.pos);
    let opToken = next();
    let op = opToken.kind === 'op' ? opToken.text : opToken.kind === 'word' ? opToken.text.toUpperCase() : '';
    if (op === 'NOT' && isWord(tokens[i], 'IN')) {
      opToken = next();
      op = 'NOT IN';
    }
    const numeric = target.kind === 'attribute' && NUMERIC_ATTRIBUTES.has(target.key);
    const allowed = numeric ? NUMERIC_OPS : STRING_OPS;
    if (!allowed.includes(op)) {
      throw fail(`operator ${describeToken(opToken)} is not allowed for ${target.kind} '${target.key}' (use ${allowed.join(', ')})`, opToken.pos);
    }
    const value = next();
    if (numeric && value.kind !== 'number') throw fail(`expected a number for attribute '${target.key}', got ${describeToken(value)}`, value.pos);
    if (!numeric && value.kind !== 'string') throw fail(`expected a quoted string for ${target.kind} '${target.key}', got ${describeToken(value)}`, value.pos);
    out.push({ ...target, op, value: value.kind === 'number' || value.kind === 'string' ? value.value : '' });
    const sep = next();
    if (sep.kind === 'eof') return out;
    if (isWord(sep, 'OR')) throw fail('OR is not supported (clauses can only be joined with AND)', sep.pos);
    if (!isWord(sep, 'AND')) throw fail(`expected AND or the end of the filter, got ${describeToken(sep)}`, sep.pos);
  }
}

/** `name`, `attribute.name` or `tags.key`; a string is what is wrong with the token. */
function identifier(token: Token, what: 'filter' | 'order_by'): { kind: Condition['kind']; key: string } | string {
  const valid = what === 'filter' ? [...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES] : [...ORDER_COLUMNS];
  let kind: Condition['kind'] = 'attribute';
  let key: string;
  if (token.kind === 'word') key = token.text;
  else if (token.kind === 'ident') {
    const prefix = ENTITY_PREFIXES[token.head];
    if (!prefix) return `invalid entity type '${token.head}' (use attribute, tag or tags)`;
    kind = prefix;
    key = token.key;
  } else return `expected an attribute such as name or a tag such as tags.team, got ${describeToken(token)}`;
  if (kind === 'tag' && what === 'order_by') return `cannot order experiments by tag '${key}' (use ${valid.join(', ')})`;
  if (kind === 'attribute' && !valid.includes(key)) return `invalid attribute key '${key}' (valid keys are ${valid.join(', ')})`;
  return { kind, key };
}

/** `column [ASC|DESC]`, ascending when no direction is given. */
export function parseExperimentOrder(clause: string): Order {
  const fail = (detail: string, pos: number) => invalid(`Invalid order_by clause "${clause}": ${detail} at position ${pos}`, { order_by: clause });
  let tokens: Token[];
  try {
    tokens = tokenize(clause);
  } catch (err) {
    if (err instanceof LexError) throw fail(err.detail, err.pos);
    throw err;
  }
  const [first, second, third] = tokens as [Token, Token | undefined, Token | undefined];
  const target = identifier(first, 'order_by');
  if (typeof target === 'string') throw fail(target, first.pos);
  if (second && second.kind !== 'eof') {
    if (!isWord(second, 'ASC') && !isWord(second, 'DESC')) throw fail(`expected ASC or DESC, got ${describeToken(second)}`, second.pos);
    if (third && third.kind !== 'eof') throw fail(`expected the end of the clause, got ${describeToken(third)}`, third.pos);
  }
  return { column: target.key, ascending: !isWord(second, 'DESC') };
}
