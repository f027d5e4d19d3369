import type { FastifyRequest } from 'fastify';
import { MlflowApiError } from './mlflow-errors.js';

/**
 * A request's parameters as MLflow's handlers read them: the query string for GET (where a
 * repeated field may come as `k=a&k=b` or `k[]=a`), the JSON body otherwise (an absent body is `{}`).
 */
export type Params = Readonly<Record<string, unknown>>;

export function readParams(request: FastifyRequest): Params {
  if (request.method === 'GET' || request.method === 'HEAD') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
      const key = k.endsWith('[]') ? k.slice(0, -2) : k.replace(/\[\d+\]$/, '');
      if (key !== k) out[key] = [...((out[key] as unknown[] | undefined) ?? []), ...(Array.isArray(v) ? v : [v])];
      else out[key] = v;
    }
    return out;
  }
  const body = request.body;
  if (body === undefined || body === null || body === '') return {};
  if (typeof body === 'string') {
    // Old clients double-encode their JSON as a string; MLflow decodes it a second time.
    try {
      return asObject(JSON.parse(body));
    } catch {
      throw new MlflowApiError('MALFORMED_REQUEST', 'The request body is not valid JSON.');
    }
  }
  return asObject(body);
}

function asObject(v: unknown): Params {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MlflowApiError('INVALID_PARAMETER_VALUE', 'The request body must be a JSON object.');
  return v as Params;
}

const SUFFIX = ' See the API docs for more information about request parameters.';

/** Python's name for a JSON value's type, as MLflow's validation messages print it. */
function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export const missing = (name: string) => new MlflowApiError('INVALID_PARAMETER_VALUE', `Missing value for required parameter '${name}'.${SUFFIX}`);
export const badValue = (name: string, v: unknown) =>
  new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid value ${pyRepr(v)} for parameter '${name}' supplied. Hint: Value was of type '${pyType(v)}'.${SUFFIX}`);

const absent = (v: unknown) => v === undefined || v === null || v === '';

/** A required string (MLflow: `_assert_required, _assert_string`). `run_id` falls back to the legacy `run_uuid`. */
export function requiredString(p: Params, name: string): string {
  const v = name === 'run_id' && absent(p[name]) ? p.run_uuid : p[name];
  if (absent(v)) throw missing(name);
  if (typeof v !== 'string') throw badValue(name, v);
  return v;
}

export function optionalString(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badValue(name, v);
  return v;
}

/** An int64 field: JSON number or decimal string, as protobuf's JSON mapping accepts. */
export function optionalInt(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw badValue(name, v);
  return n;
}

export function requiredInt(p: Params, name: string): number {
  const n = optionalInt(p, name);
  if (n === undefined) throw missing(name);
  return n;
}

/** A double: number, or the strings protobuf's JSON mapping allows ("NaN", "Infinity", "-Infinity", decimal text). */
export function requiredNumber(p: Params, name: string): number {
  const v = p[name];
  if (absent(v)) throw missing(name);
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return n;
  }
  throw badValue(name, v);
}

export function optionalBool(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw badValue(name, v);
}

/** A repeated field; a single GET value counts as a list of one. */
export function optionalArray(p: Params, name: string): unknown[] | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [v];
  throw badValue(name, v);
}

export function optionalStringArray(p: Params, name: string): string[] | undefined {
  const a = optionalArray(p, name);
  if (a && !a.every((x) => typeof x === 'string')) throw badValue(name, a);
  return a as string[] | undefined;
}
