import { SlipwayError } from '../../errors.js';
import { VERSION } from '../../version.js';
import { errorFromResponse } from './mlflow-error-map.js';

export interface MlflowHttpOptions {
  /** The server's base URL, without a trailing slash. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /**
   * Retries after the first attempt, for connection failures and 408, 429, 500, 502, 503, 504 answers
   * (MLflow's client retries the same).
   * @default MLFLOW_HTTP_REQUEST_MAX_RETRIES, else 5
   */
  readonly maxRetries?: number;
  /**
   * Seconds: the first retry waits only the jitter, the n-th waits factor × 2^(n-1) (at most 120 s),
   * as urllib3's Retry does for MLflow. A `Retry-After` header on a 429 or 503 is honoured instead.
   * @default MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR, else 2
   */
  readonly backoffFactor?: number;
  /** Seconds: up to this much random delay is added to every wait. @default MLFLOW_HTTP_REQUEST_BACKOFF_JITTER, else 1 */
  readonly backoffJitter?: number;
  /** Seconds to wait for an answer's headers. @default MLFLOW_HTTP_REQUEST_TIMEOUT, else 120 */
  readonly timeout?: number;
  /** Injectable for tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What fetch accepts as a body (the DOM's BodyInit, which Node's types do not name). */
type RequestBody = NonNullable<RequestInit['body']>;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export interface SendOptions {
  readonly query?: Readonly<Record<string, string | number | readonly string[] | undefined>>;
  /** Called once per attempt, so a file upload can be re-opened when it is retried. */
  readonly body?: () => RequestBody;
  readonly headers?: Readonly<Record<string, string>>;
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const MAX_BACKOFF_S = 120;

/**
 * HTTP to a Slipway (or MLflow) server with MLflow's client behaviour: bearer token, retries with
 * exponential backoff for transient failures, and errors that name the server and the route and
 * carry the SlipwayError code the server's `error_code` stands for.
 */
export class MlflowHttp {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly maxRetries: number;
  private readonly backoffFactor: number;
  private readonly backoffJitter: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: MlflowHttpOptions) {
    this.url = options.url;
    this.token = options.token;
    this.maxRetries = options.maxRetries ?? envNumber('MLFLOW_HTTP_REQUEST_MAX_RETRIES', 5);
    this.backoffFactor = options.backoffFactor ?? envNumber('MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', 2);
    this.backoffJitter = options.backoffJitter ?? envNumber('MLFLOW_HTTP_REQUEST_BACKOFF_JITTER', 1);
    this.timeoutMs = (options.timeout ?? envNumber('MLFLOW_HTTP_REQUEST_TIMEOUT', 120)) * 1000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * One MLflow REST call by its route below `/api/2.0/mlflow/` (e.g. `runs/get`): GET sends `params`
   * as the query string, the other methods as a JSON body. Returns the parsed answer.
   */
  async call<T>(method: Exclude<Method, 'PUT'>, route: string, params: Readonly<Record<string, unknown>> = {}): Promise<T> {
    return this.json<T>(method, `/api/2.0/mlflow/${route}`, params);
  }

  /** Like `call`, for any path on the server (the native API under `/api/v1/`, say). */
  async json<T>(method: Exclude<Method, 'PUT'>, path: string, params: Readonly<Record<string, unknown>> = {}): Promise<T> {
    const get = method === 'GET';
    const query: Record<string, string | readonly string[]> = {};
    if (get) {
      for (const [k, v] of Object.entries(params)) {
        if (v === undefined || v === null) continue;
        query[k] = Array.isArray(v) ? v.map(String) : String(v);
      }
    }
    const body = JSON.stringify(params);
    const res = await this.send(method, path, {
      query, ...(get ? {} : { body: () => body, headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    try {
      return (text === '' ? {} : JSON.parse(text)) as T;
    } catch {
      throw new SlipwayError('INTERNAL_ERROR', `The tracking server ${this.url} answered ${method} ${path} with something other than JSON: '${text.slice(0, 200)}'. Is SLIPWAY_TRACKING_URI a Slipway server?`, { server: this.url, route: path });
    }
  }

  /** Sends a request (retrying as MLflow does) and returns a 2xx response; anything else is thrown as a SlipwayError. */
  async send(method: Method, path: string, options: SendOptions = {}): Promise<Response> {
    const url = this.url + path + queryString(options.query);
    const headers: Record<string, string> = { 'user-agent': `slipway/${VERSION}`, ...options.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let failure = '';
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      let res: Response;
      try {
        res = await this.fetchOnce(url, method, headers, options.body?.());
      } catch (err) {
        failure = describeFetchError(err, this.timeoutMs);
        if (attempt < this.maxRetries) {
          await this.sleep(this.backoffMs(attempt + 1, undefined));
          continue;
        }
        throw new SlipwayError(
          'INTERNAL_ERROR',
          `Cannot reach the tracking server ${this.url} (SLIPWAY_TRACKING_URI): ${method} ${path} failed after ${attempt + 1} attempt(s): ${failure}. ` +
            'Start it with `slipway server`, or unset SLIPWAY_TRACKING_URI to track in the local store.',
          { server: this.url, route: path, attempts: attempt + 1 },
          { cause: err },
        );
      }
      if (res.ok) return res;
      if (RETRY_STATUSES.has(res.status) && attempt < this.maxRetries) {
        const retryAfter = res.status === 429 || res.status === 503 ? retryAfterSeconds(res.headers.get('retry-after')) : undefined;
        await res.body?.cancel();
        await this.sleep(this.backoffMs(attempt + 1, retryAfter));
        continue;
      }
      throw errorFromResponse({ server: this.url, method, path, status: res.status, body: await res.text(), attempts: attempt + 1 });
    }
    // Unreachable: the loop either returns or throws on its last attempt.
    throw new SlipwayError('INTERNAL_ERROR', `${method} ${path} on ${this.url} failed: ${failure}`);
  }

  private async fetchOnce(url: string, method: Method, headers: Record<string, string>, body: RequestBody | undefined): Promise<Response> {
    // The timeout covers waiting for the answer's headers; a long download then streams at its own pace.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const init: RequestInit & { duplex?: 'half' } = { method, headers, signal: controller.signal };
      if (body !== undefined) {
        init.body = body;
        if (body instanceof ReadableStream) init.duplex = 'half';
      }
      return await fetch(url, init);
    } finally {
      clearTimeout(timer);
    }
  }

  /** urllib3's schedule: nothing before the first retry, then factor × 2^(n-1), capped; plus jitter. */
  private backoffMs(retry: number, retryAfter: number | undefined): number {
    const base = retryAfter ?? (retry <= 1 ? 0 : Math.min(MAX_BACKOFF_S, this.backoffFactor * 2 ** (retry - 1)));
    return Math.min(MAX_BACKOFF_S, base + Math.random() * this.backoffJitter) * 1000;
  }
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new SlipwayError('INVALID_PARAMETER_VALUE', `${name} expects a non-negative number, got '${raw}'.`);
  return n;
}

function queryString(query: SendOptions['query']): string {
  if (!query) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const n = Number(header);
  if (Number.isFinite(n) && n >= 0) return n;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

/** undici says "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND, a timeout) in `cause`. */
function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000}s (MLFLOW_HTTP_REQUEST_TIMEOUT)`;
  const cause = e?.cause;
  if (cause?.message) return cause.code && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.message;
  return e?.message ?? String(err);
}
