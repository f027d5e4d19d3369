import { notFound } from '../../errors.js';
import { RUN_ID_PATTERN } from '../../store/index.js';
import { MlflowApiError } from './mlflow-errors.js';
import { pyRepr } from './python-repr.js';
import { badValue, type Params, requiredString } from './request-params.js';

/**
 * Ids and enums of tracking requests, read as MLflow's server reads them. An id that cannot name
 * anything in this store (not a decimal experiment id, not a 32-hex run id) is answered as MLflow
 * answers an id it does not know, RESOURCE_DOES_NOT_EXIST, rather than as malformed input.
 */

export const experimentNotFound = (id: string) => notFound(`No Experiment with id=${id} exists`);
export const runNotFound = (id: string) => notFound(`Run with id=${id} not found`);

export function experimentIdParam(p: Params, name = 'experiment_id'): string {
  const id = requiredString(p, name);
  if (!/^\d{1,15}$/.test(id)) throw experimentNotFound(id);
  return id;
}

/** `run_id`, or the deprecated `run_uuid` older clients send. */
export function runIdParam(p: Params): string {
  const id = requiredString(p, 'run_id');
  if (!RUN_ID_PATTERN.test(id)) throw runNotFound(id);
  return id;
}

/**
 * A protobuf enum field: its name, or its number (protobuf's JSON mapping accepts both; the query
 * string of a GET brings numbers as text). `names[i]` has number i + 1, as in MLflow's protos.
 */
export function optionalEnum<T extends string>(p: Params, name: string, names: readonly T[]): T | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string' && (names as readonly string[]).includes(v)) return v as T;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  const byNumber = Number.isInteger(n) ? names[n - 1] : undefined;
  if (byNumber === undefined) throw badValue(name, v);
  return byNumber;
}

export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;

/**
 * A repeated {key, value} message (tags, params): a missing `value` is '' as protobuf leaves it. A
 * list that is not of objects with a non-empty string key is MLflow's "Invalid value … for parameter"
 * error, which names the whole list (MLflow checks the items with one validator of the list).
 */
export function keyValueList(p: Params, name: string): { key: string; value: string }[] {
  const v = p[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badValue(name, v);
  return v.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badList(name, v);
    const { key, value } = item as { key?: unknown; value?: unknown };
    if (typeof key !== 'string' || key === '' || (value !== undefined && value !== null && typeof value !== 'string')) throw badList(name, v);
    return { key, value: typeof value === 'string' ? value : '' };
  });
}

/** MLflow's "Invalid value" error for a list, which it prints as Python does (`[{'key': 'a'}]`). */
export function badList(name: string, list: readonly unknown[]): MlflowApiError {
  return new MlflowApiError(
    'INVALID_PARAMETER_VALUE',
    `Invalid value ${pyRepr(list)} for parameter '${name}' supplied. Hint: Value was of type 'list'. ` +
      'See the API docs for more information about request parameters.',
  );
}
