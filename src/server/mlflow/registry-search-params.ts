import type { RegistryOrder, RegistrySearchOptions } from '../../registry/index.js';
import { MlflowApiError } from './mlflow-errors.js';
import { parseRegistryFilter, type RegistrySearchKind } from './registry-filter.js';
import { optionalInt, optionalString, optionalStringArray, type Params } from './request-params.js';

/**
 * The search parameters of registered-models/search and model-versions/search: filter, order_by,
 * max_results and page_token, with MLflow's defaults and limits (100 and at most 1000 models; 200,000
 * versions, the REST default, which is also the most).
 */

const LIMITS: Readonly<Record<RegistrySearchKind, { default: number; max: number }>> = {
  models: { default: 100, max: 1000 },
  versions: { default: 200_000, max: 200_000 },
};

/** order_by keys as MLflow names them → the column they sort on. `timestamp` is MLflow's short form. */
const ORDER_KEYS: Readonly<Record<RegistrySearchKind, Readonly<Record<string, RegistryOrder['key']>>>> = {
  models: { name: 'name', timestamp: 'last_updated_time', last_updated_timestamp: 'last_updated_time', creation_timestamp: 'creation_time' },
  versions: { name: 'name', version_number: 'version', creation_timestamp: 'creation_time', last_updated_timestamp: 'last_updated_time' },
};

export function readSearchOptions(p: Params, kind: RegistrySearchKind): RegistrySearchOptions {
  const limits = LIMITS[kind];
  const maxResults = optionalInt(p, 'max_results') ?? limits.default;
  if (maxResults < 1 || maxResults > limits.max) {
    throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid value ${maxResults} for parameter 'max_results': it must be between 1 and ${limits.max}.`);
  }
  return {
    filter: parseRegistryFilter(optionalString(p, 'filter'), kind),
    orderBy: parseOrderBy(optionalStringArray(p, 'order_by') ?? [], kind),
    maxResults,
    offset: decodePageToken(optionalString(p, 'page_token')),
  };
}

function parseOrderBy(clauses: readonly string[], kind: RegistrySearchKind): RegistryOrder[] {
  const keys = ORDER_KEYS[kind];
  const seen = new Map<RegistryOrder['key'], string>();
  return clauses.map((clause) => {
    const m = /^\s*(?:(?:attribute|attributes|attr)\.)?(`?)([\w]+)\1(?:\s+(asc|desc))?\s*$/i.exec(clause);
    const key = m?.[2] ? keys[m[2]] : undefined;
    if (!m?.[2] || !key) {
      throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid order_by clause '${clause}': expected one of ${Object.keys(keys).join(', ')}, optionally followed by ASC or DESC.`);
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new MlflowApiError('INVALID_PARAMETER_VALUE', `order_by sorts on the same field twice: '${earlier}' and '${clause}'.`);
    seen.set(key, clause);
    return { key, ascending: m[3]?.toLowerCase() !== 'desc' };
  });
}

/** MLflow's page token: base64 of `{"offset": N}`; opaque to clients, so any equivalent form works. */
export function encodePageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const bad = new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid page_token '${token}': it is not a token from a previous page of this search.`);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(token)) throw bad;
  let offset: unknown;
  try {
    offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown } | null)?.offset;
  } catch {
    throw bad;
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw bad;
  return offset;
}
