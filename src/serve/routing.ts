/**
 * The small contract between the server and its protocol route tables. Routes get the request
 * already read (body bounded by the server) and return a plain reply; the server does the I/O, so
 * protocol code stays testable and the hot path allocates little.
 */
import { SlipwayError } from '../errors.js';
import type { Endpoint } from './endpoint.js';

export interface RequestContext {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** From `x-request-id`, else generated. */
  readonly requestId: string;
}

export interface Reply {
  readonly status: number;
  /** JSON-serialised unless `text` is set. */
  readonly body?: unknown;
  readonly text?: string;
  /** Overrides the content type (`text` defaults to text/plain, `body` to application/json). */
  readonly contentType?: string;
  /** Overrides the echoed request id (OIP's body `id`). */
  readonly requestId?: string;
  /** Which endpoint and model version answered, for metrics and the `x-slipway-served-by` header. */
  readonly served?: ServedBy;
}

export interface ServedBy {
  readonly endpoint: string;
  readonly model: string;
  readonly version: string;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface Route {
  readonly GET?: Handler;
  readonly POST?: Handler;
}

export interface RouteTable {
  /** A short name for metrics and logs: 'v2', 'mlflow', 'feedback', ... */
  readonly protocol?: string;
  /** The route at `path`, or undefined when this table does not own it. */
  match(path: string): Route | undefined;
  /** The protocol's error body. */
  errorBody(status: number, message: string): unknown;
}

/** The endpoints a server answers for, by name; the first one is the default (MLflow's /invocations). */
export class EndpointTable {
  private readonly byName = new Map<string, Endpoint>();
  constructor(endpoints: readonly Endpoint[]) {
    for (const e of endpoints) {
      if (this.byName.has(e.name)) throw new SlipwayError('INVALID_PARAMETER_VALUE', `two endpoints are named '${e.name}'`);
      this.byName.set(e.name, e);
    }
  }
  get(name: string): Endpoint | undefined {
    return this.byName.get(name);
  }
  first(): Endpoint | undefined {
    return this.byName.values().next().value;
  }
  all(): Endpoint[] {
    return [...this.byName.values()];
  }
  isReady(): boolean {
    for (const e of this.byName.values()) if (!e.isReady()) return false;
    return true;
  }
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    throw new HttpError(400, `invalid JSON body: ${(err as Error).message}`);
  }
}

/** Maps an error to a status: Slipway input errors are 400, missing things 404, the rest 500. */
export function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  if (err instanceof SlipwayError) {
    if (err.code === 'INVALID_PARAMETER_VALUE') return 400;
    if (err.code === 'RESOURCE_DOES_NOT_EXIST') return 404;
  }
  return 500;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
