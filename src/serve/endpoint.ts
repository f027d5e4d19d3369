/**
 * An endpoint is a name in the serving API (`/v2/models/{name}`, `/invocations`) and decides which
 * loaded model version answers each request: always the same one for a plain model, or by the
 * deployment's traffic split (see deployments/). The protocol routes validate against the model the
 * endpoint picked, so two versions with different inputs can be served side by side.
 */
import type { Predictions } from '../train/index.js';
import type { InferenceModel } from './inference-model.js';
import type { Columns } from './micro-batcher.js';
import { HttpError, type RequestContext } from './routing.js';

/** Which side of a rollout answered: the stable version, a canary/A-B candidate, or a silent shadow. */
export type Role = 'primary' | 'canary' | 'shadow';

export interface PredictionEvent {
  readonly endpoint: string;
  readonly model: InferenceModel;
  readonly role: Role;
  readonly requestId: string;
  /** Epoch ms when serving began. */
  readonly time: number;
  readonly columns: Columns;
  readonly rows: number;
  readonly predictions?: Predictions;
  /** Set when the runtime failed (a server error, not a bad request). */
  readonly error?: unknown;
  readonly latencyMs: number;
}

/** Told of every prediction (and runtime failure) after it is made; must not throw or block. */
export type PredictionObserver = (event: PredictionEvent) => void;

export interface Prepared {
  readonly columns: Columns;
  readonly rows: number;
}

export interface Served {
  readonly model: InferenceModel;
  readonly role: Role;
  readonly predictions: Predictions;
  readonly rows: number;
}

export interface Endpoint {
  readonly name: string;
  /** The model answering unpinned requests now (for metadata), if any is loaded. */
  current(): InferenceModel | undefined;
  /** A loaded version by its version string. */
  get(version: string): InferenceModel | undefined;
  versions(): string[];
  isReady(): boolean;
  /**
   * Picks the model (or `version`, pinned), lets `prepare` validate the request against it (throwing
   * a 400 before any runtime call), predicts and reports to the observers.
   */
  serve(ctx: RequestContext, prepare: (model: InferenceModel) => Prepared, version?: string): Promise<Served>;
  close(): Promise<void>;
}

/** Predicts with `model` and reports the outcome to every observer; rethrows a runtime failure. */
export async function predictObserved(
  endpoint: string,
  model: InferenceModel,
  role: Role,
  ctx: RequestContext,
  prepared: Prepared,
  observers: readonly PredictionObserver[],
): Promise<Served> {
  const time = Date.now();
  const start = performance.now();
  let predictions: Predictions | undefined;
  let error: unknown;
  try {
    predictions = await model.predict(prepared.columns, prepared.rows);
  } catch (err) {
    error = err;
  }
  const event: PredictionEvent = {
    endpoint, model, role, requestId: ctx.requestId, time, columns: prepared.columns, rows: prepared.rows,
    latencyMs: performance.now() - start, ...(predictions ? { predictions } : { error }),
  };
  for (const observe of observers) observe(event);
  if (!predictions) throw error;
  return { model, role, predictions, rows: prepared.rows };
}

/** One or more fixed versions under one name; the first is the default. */
export function staticEndpoint(name: string, models: readonly InferenceModel[], observers: readonly PredictionObserver[] = []): Endpoint {
  const byVersion = new Map(models.map((m) => [m.version, m]));
  const first = models[0];
  return {
    name,
    current: () => first,
    get: (version) => byVersion.get(version),
    versions: () => [...byVersion.keys()],
    isReady: () => models.every((m) => m.isReady()),
    async serve(ctx, prepare, version) {
      const model = version === undefined ? first : byVersion.get(version);
      if (!model) throw new HttpError(404, version === undefined ? `no model is loaded for '${name}'` : `unknown model '${name}' version '${version}'`);
      return predictObserved(name, model, 'primary', ctx, prepare(model), observers);
    },
    close: async () => {
      await Promise.all(models.map((m) => m.close()));
    },
  };
}
