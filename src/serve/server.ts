/**
 * The model server on plain `node:http`: no framework, so the per-request cost is a route lookup, a
 * bounded body read and one JSON parse. Speaks the Open Inference Protocol (v2) and MLflow's scoring
 * protocol side by side.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InferenceModel } from './inference-model.js';
import { mlflowRoutes } from './mlflow-routes.js';
import { oipRoutes } from './oip-routes.js';
import { HttpError, ModelRegistry, type Reply, type Route, type RouteTable, statusOf } from './routing.js';

export interface ModelServerOptions {
  readonly models: readonly InferenceModel[];
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
  const registry = new ModelRegistry(options.models);
  const tables: RouteTable[] = [oipRoutes(registry), mlflowRoutes(registry)];
  const server: Server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers['x-request-id'];
    const requestId = (Array.isArray(header) ? header[0] : header) || randomUUID();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let table: RouteTable = tables[0] as RouteTable;
    let reply: Reply;
    try {
      let route: Route | undefined;
      for (const t of tables) {
        route = matchSafely(t, path);
        if (route) {
          table = t;
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
      reply = { status, body: table.errorBody(status, message) };
      if (err instanceof HttpError && err.status === 413 && !req.complete) drain(req, maxBodyBytes * DRAIN_FACTOR);
    }
    send(res, reply, reply.requestId ?? requestId);
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
      await Promise.all(options.models.map((m) => m.close()));
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
  res.writeHead(reply.status, {
    'content-type': reply.text === undefined ? 'application/json' : 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'x-request-id': requestId,
  });
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
