import { Agent, request } from 'node:http';

export interface Load {
  readonly requests: number;
  readonly rps: number;
  readonly p99: number;
  /** Non-200 answers and connection errors. */
  readonly errors: number;
}

export interface LoadOptions {
  readonly port: number;
  readonly path: string;
  readonly body: string;
  readonly connections: number;
  /** Stop after this long... */
  readonly durationMs?: number;
  /** ...or after this many requests, whichever comes first. */
  readonly requests?: number;
  /** Extra headers per request (e.g. a routing key). */
  readonly headers?: (n: number) => Record<string, string>;
}

/** A bounded closed-loop load on 127.0.0.1: `connections` keep-alive clients, by time or by count. */
export async function httpLoad(o: LoadOptions): Promise<Load> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const end = performance.now() + (o.durationMs ?? Number.POSITIVE_INFINITY);
  const limit = o.requests ?? Number.POSITIVE_INFINITY;
  const length = Buffer.byteLength(o.body);
  const one = (n: number) =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      const headers = { 'content-type': 'application/json', 'content-length': length, ...o.headers?.(n) };
      const req = request({ host: '127.0.0.1', port: o.port, path: o.path, method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) errors++;
          latencies.push(performance.now() - t);
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(o.body);
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: o.connections }, async () => {
    while (performance.now() < end && issued < limit) await one(issued++);
  }));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, rps: latencies.length / seconds, p99: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN, errors };
}
