/**
 * The model server as `slipway serve` runs it: endpoints (fixed models and/or deployments that
 * follow the store), with the payload log, ground-truth feedback, Prometheus metrics and structured
 * JSON logs wired in. The CLI, the demo and the tests all start servers through here.
 */
import type { Store } from '../store/index.js';
import { type Endpoint, type PredictionObserver, staticEndpoint } from './endpoint.js';
import { createInferenceModel, type InferenceModel } from './inference-model.js';
import { createDeploymentEndpoint, type DeploymentEndpoint, loadVersion, type ModelRef } from './deployments/index.js';
import { feedbackRoutes } from './feedback-routes.js';
import type { JsonLogger } from './json-log.js';
import { metricsRoutes } from './metrics-routes.js';
import type { MicroBatcherOptions } from './micro-batcher.js';
import { createPayloadLog, type PayloadLog, type PayloadLogOptions } from './payload-log.js';
import { payloadObserver } from './payload-observer.js';
import type { RouteTable } from './routing.js';
import { createModelServer, type ModelServer, type ResponseInfo } from './server.js';
import { createServerMetrics, type ServerMetrics } from './server-metrics.js';

export interface FixedModel {
  readonly name: string;
  readonly version: string;
  /** The .onnx bytes or file path. */
  readonly source: Uint8Array | string;
}

export interface ServingAppOptions {
  /** Needed for deployments, the payload log and feedback. */
  readonly store?: Store;
  /** Deployment names to serve, each following its stored state. */
  readonly deployments?: readonly string[];
  readonly models?: readonly FixedModel[];
  readonly batching?: MicroBatcherOptions | false;
  /** Requests of at least this many rows run in a worker thread; false: never. @default DEFAULT_OFFLOAD_ROWS */
  readonly offloadMinRows?: number | false;
  /** Logs served predictions to the object store (needs `store`); false or absent: off. */
  readonly payloadLog?: Omit<PayloadLogOptions, 'store' | 'onError'> | false;
  /** How often deployments check for a new revision. @default 1000 */
  readonly pollMs?: number;
  readonly log?: JsonLogger;
  /** One log line per request (info); errors are logged regardless. @default false */
  readonly accessLog?: boolean;
  readonly host?: string;
  readonly port?: number;
  readonly maxBodyBytes?: number;
}

export interface ServingApp {
  readonly port: number;
  readonly url: string;
  readonly endpoints: readonly Endpoint[];
  readonly deployments: readonly DeploymentEndpoint[];
  readonly metrics: ServerMetrics;
  readonly payloadLog: PayloadLog | undefined;
  /** Stops listening, writes the buffered payload log and closes the models. */
  close(): Promise<void>;
}

export async function startServingApp(options: ServingAppOptions): Promise<ServingApp> {
  const { store, log } = options;
  const needsStore = (what: string) => {
    if (!store) throw new Error(`${what} needs a store`);
    return store;
  };
  const metrics = createServerMetrics();
  const payloadLog = options.payloadLog
    ? createPayloadLog({ ...options.payloadLog, store: needsStore('the payload log'), onError: (err) => log?.error('payload log write failed', { error: (err as Error).message }) })
    : undefined;
  if (payloadLog) metrics.trackPayloadLog(payloadLog);
  const observers: PredictionObserver[] = payloadLog ? [payloadObserver(payloadLog)] : [];

  /** A model with batch-size and queue-depth metrics; closing it stops its queue gauge. */
  async function instrumented(name: string, version: string, make: (batching: MicroBatcherOptions | false) => Promise<InferenceModel>): Promise<InferenceModel> {
    const batching = options.batching === false ? false : { ...options.batching, onBatch: (rows: number) => metrics.observeBatch(name, version, rows) };
    const model = await make(batching);
    const untrack = metrics.trackQueue(name, version, () => model.queuedRows());
    return { ...model, close: async () => { untrack(); await model.close(); } };
  }

  const deployments: DeploymentEndpoint[] = [];
  const endpoints: Endpoint[] = [];
  try {
    for (const name of options.deployments ?? []) {
      const s = needsStore('serving a deployment');
      const endpoint = createDeploymentEndpoint({
        store: s, name, observers, ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }), ...(log ? { log: log.child({ deployment: name }) } : {}),
        load: (ref: ModelRef) => instrumented(ref.model, ref.version, (batching) => loadVersion(s, ref, batching, options.offloadMinRows)),
      });
      await endpoint.start();
      deployments.push(endpoint);
      endpoints.push(endpoint);
    }
    const byName = new Map<string, InferenceModel[]>();
    for (const m of options.models ?? []) {
      const model = await instrumented(m.name, m.version, (batching) => createInferenceModel({
        name: m.name, version: m.version, source: m.source, batching, ...(options.offloadMinRows === undefined ? {} : { offloadMinRows: options.offloadMinRows }),
      }));
      byName.set(m.name, [...(byName.get(m.name) ?? []), model]);
    }
    for (const [name, versions] of byName) endpoints.push(staticEndpoint(name, versions, observers));
  } catch (err) {
    await Promise.all(endpoints.map((e) => e.close()));
    throw err;
  }

  const defaultDeployment = endpoints[0]?.name ?? '';
  const routes: RouteTable[] = [metricsRoutes(metrics)];
  if (store) routes.push(feedbackRoutes({ store, deployment: () => defaultDeployment }));

  const onResponse = (r: ResponseInfo) => {
    if (r.protocol === 'v2' || r.protocol === 'mlflow' || r.protocol === 'feedback') {
      metrics.observeRequest({
        deployment: r.served?.endpoint ?? '', model: r.served?.model ?? '', version: r.served?.version ?? '', protocol: r.protocol, status: r.status, seconds: r.seconds,
      });
    }
    if (!log) return;
    if (r.status >= 500) log.error('request failed', { request_id: r.requestId, method: r.method, path: r.path, status: r.status, error: r.error });
    else if (options.accessLog) {
      log.info('request', {
        request_id: r.requestId, method: r.method, path: r.path, status: r.status, ms: Number((r.seconds * 1000).toFixed(3)),
        ...(r.served ? { deployment: r.served.endpoint, model: r.served.model, version: r.served.version } : {}), ...(r.error ? { error: r.error } : {}),
      });
    }
  };

  const server: ModelServer = createModelServer({
    endpoints, routes, onResponse,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
  });
  const { port } = await server.listen();
  const host = options.host ?? '127.0.0.1';
  log?.info('serving', { url: `http://${host}:${port}`, endpoints: endpoints.map((e) => ({ name: e.name, versions: e.versions() })) });
  return {
    port, url: `http://${host}:${port}`, endpoints, deployments, metrics, payloadLog,
    async close() {
      await server.close();
      await payloadLog?.close();
      log?.info('stopped', payloadLog ? { payload_log: payloadLog.stats() } : {});
    },
  };
}
