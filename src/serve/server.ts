/**
 * The model server on plain `node:http`: no framework, so the per-request cost is a route lookup, a
 * bounded body read and one JSON parse. Speaks the Open Inference Protocol (v2) and MLflow's scoring
 * protocol side by side.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Endpoint, type PredictionObserver, staticEndpoint } from './endpoint.js';
import type { InferenceModel } from './inference-model.js';
import { mlflowRoutes } from './mlflow-routes.js';
import { oipRoutes } from './oip-routes.js';
import { EndpointTable, HttpError, type Reply, type Route, type RouteTable, type ServedBy, statusOf } from './routing.js';

/** What the server tells `onResponse` after each reply (metrics, access logs). */
export interface ResponseInfo {
  readonly method: string;
  readonly path: string;
  /** The route table's protocol ('v2', 'mlflow', ...), or '' for no route. */
  readonly protocol: string;
  readonly status: number;
  readonly seconds: number;
  readonly requestId: string;
  readonly served: ServedBy | undefined;
  /** The error message of a 4xx/5xx reply. */
  readonly error: string | undefined;
}

export interface ModelServerOptions {
  /** Fixed models, served under their names (versions of one name side by side, the first the default). */
  readonly models?: readonly InferenceModel[];
  /** Endpoints that choose their model per request (deployments). */
  readonly endpoints?: readonly Endpoint[];
  /** Told of every prediction the fixed `models` make (payload log, ...). */
  readonly observers?: readonly PredictionObserver[];
  /** More route tables, tried after the protocols' (feedback, metrics). */
  readonly routes?: readonly RouteTable[];
  readonly onResponse?: (info: ResponseInfo) => void;
  /** Largest request body accepted; bigger ones get 413. @default 10 MiB */
  readonly maxBodyBytes?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
}

export interface ModelServer {
  listen(): Promise<{ port: number }>;
  /** Stops accepting connections and closes the models. */
  close(): Promise<void>;
}

const MIB = 1024 * 1024;
/** A body this many times over the limit is not drained any further: the connection is cut. */
const DRAIN_FACTOR = 4;

export function createModelServer(options: ModelServerOptions): ModelServer {
  const maxBodyBytes = options.maxBodyBytes ?? 10 * MIB;
  const byName = new Map<string, InferenceModel[]>();
  for (const m of options.models ?? []) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
  for (const [name, versions] of byName) {
    const seen = new Set<string>();
    for (const v of versions) {
      if (seen.has(v.version)) throw new HttpError(500, `model '${name}' version '${v.version}' given twice`);
      seen.add(v.version);
    }
  }
  const endpoints = new EndpointTable([
    ...(options.endpoints ?? []),
    ...[...byName].map(([name, versions]) => staticEndpoint(name, versions, options.observers ?? [])),
  ]);
  const tables: RouteTable[] = [oipRoutes(endpoints), mlflowRoutes(endpoints), ...(options.routes ?? [])];
  const onResponse = options.onResponse;
  const server: Server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers['x-request-id'];
    const requestId = (Array.isArray(header) ? header[0] : header) || randomUUID();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const start = onResponse ? performance.now() : 0;
    let table: RouteTable = tables[0] as RouteTable;
    let matched = false;
    let error: string | undefined;
    let reply: Reply;
    try {
      let route: Route | undefined;
      for (const t of tables) {
        route = matchSafely(t, path);
        if (route) {
          table = t;
          matched = true;
          break;
        }
      }
      if (!route) throw new HttpError(404, `no route ${path}`);
      const handler = req.method === 'GET' || req.method === 'HEAD' ? route.GET : req.method === 'POST' ? route.POST : undefined;
      if (!handler) {
        res.setHeader('allow', Object.keys(route).join(', '));
        throw new HttpError(405, `method ${req.method ?? '?'} is not allowed on ${path}`);
      }
      const body = req.method === 'POST' ? await readBody(req, maxBodyBytes) : Buffer.alloc(0);
      reply = await handler({ method: req.method ?? 'GET', path, headers: req.headers, body, requestId });
    } catch (err) {
      const status = statusOf(err);
      const message = status === 500 ? `internal error: ${(err as Error).message}` : (err as Error).message;
      error = message;
      reply = { status, body: table.errorBody(status, message) };
      if (err instanceof HttpError && err.status === 413 && !req.complete) drain(req, maxBodyBytes * DRAIN_FACTOR);
    }
    const id = reply.requestId ?? requestId;
    send(res, reply, id);
    onResponse?.({
      method: req.method ?? 'GET', path, protocol: matched ? (table.protocol ?? '') : '', status: reply.status,
      seconds: (performance.now() - start) / 1000, requestId: id, served: reply.served, error,
    });
  }

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          resolve({ port: (server.address() as AddressInfo).port });
        });
      }),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await Promise.all(endpoints.all().map((e) => e.close()));
    },
  };
}

function matchSafely(table: RouteTable, path: string): Route | undefined {
  try {
    return table.match(path);
  } catch {
    throw new HttpError(400, `malformed path ${path}`); // e.g. a bad %-escape
  }
}

function send(res: ServerResponse, reply: Reply, requestId: string): void {
  const payload = reply.text ?? JSON.stringify(reply.body ?? {});
  const headers: Record<string, string | number> = {
    'content-type': reply.contentType ?? (reply.text === undefined ? 'application/json' : 'text/plain; charset=utf-8'),
    'content-length': Buffer.byteLength(payload),
    'x-request-id': requestId,
  };
  if (reply.served) headers['x-slipway-served-by'] = `${reply.served.model}/${reply.served.version}`;
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** The whole body, or a 413 as soon as it is known to exceed `limit` (declared or streamed). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new HttpError(413, `the request body is ${declared} bytes; the limit is ${limit}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new HttpError(413, `the request body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * Reads and discards the rest of a rejected body so the client, still sending, can read the 413
 * (closing at once makes most clients report a reset instead); past `cap` the connection is cut.
 */
function drain(req: IncomingMessage, cap: number): void {
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > cap) req.socket.destroy();
  });
  req.resume();
}
