import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, with the exact bytes of its body (signatures are over those). */
export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  /** The body parsed as JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read webhook bodies field by field
  readonly body: any;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

export interface Receiver {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 (port 0) standing in for a webhook receiver. `answer(n, request)`
 * decides the reply to its n-th request (1-based); the default is 200.
 */
export async function startReceiver(answer: (n: number, r: Received) => Answer = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        body = undefined;
      }
      const r: Received = { path: req.url ?? '/', headers: req.headers, rawBody, body };
      received.push(r);
      const a = answer(received.length, r);
      const send = () => {
        res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
        res.end(a.status < 300 ? 'ok' : 'no');
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Polls `done` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(done: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
