/**
 * The small contract between the server and its protocol route tables. Routes get the request
 * already read (body bounded by the server) and return a plain reply; the server does the I/O, so
 * protocol code stays testable and the hot path allocates little.
 */
import { SlipwayError } from '../errors.js';
import type { InferenceModel } from './inference-model.js';

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
  /** Overrides the echoed request id (OIP's body `id`). */
  readonly requestId?: string;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface Route {
  readonly GET?: Handler;
  readonly POST?: Handler;
}

export interface RouteTable {
  /** The route at `path`, or undefined when this table does not own it. */
  match(path: string): Route | undefined;
  /** The protocol's error body. */
  errorBody(status: number, message: string): unknown;
}

/** Models by name, then by version; the first model given under a name is its default version. */
export class ModelRegistry {
  private readonly byName = new Map<string, Map<string, InferenceModel>>();
  constructor(models: readonly InferenceModel[]) {
    for (const m of models) {
      let versions = this.byName.get(m.name);
      if (!versions) this.byName.set(m.name, (versions = new Map()));
      if (versions.has(m.version)) throw new SlipwayError('INVALID_PARAMETER_VALUE', `model '${m.name}' version '${m.version}' given twice`);
      versions.set(m.version, m);
    }
  }
  get(name: string, version?: string): InferenceModel | undefined {
    const versions = this.byName.get(name);
    if (!versions) return undefined;
    return version === undefined ? versions.values().next().value : versions.get(version);
  }
  versions(name: string): string[] {
    return [...(this.byName.get(name)?.keys() ?? [])];
  }
  all(): InferenceModel[] {
    return [...this.byName.values()].flatMap((v) => [...v.values()]);
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
