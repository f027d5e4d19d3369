import { readdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { binary, createArtifactServer, PROXY, type ArtifactServer } from './mlflow-artifacts-fixture.js';
import { listAllArtifacts } from '../../src/tracking/index.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite') ?? (BACKENDS[0] as (typeof BACKENDS)[number]);

/** Sends one request exactly as written (no URL normalisation on the way) and returns the status line's code. */
function rawStatus(port: number, method: string, path: string): Promise<number> {
  const body = method === 'PUT' ? 'evil' : '';
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    });
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1])));
    socket.on('error', reject);
  });
}

describe('artifact proxy over a real socket', () => {
  let s: ArtifactServer;
  let port: number;
  beforeAll(async () => {
    s = await createArtifactServer(sqlite);
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    const address = s.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => s.dispose());

  it('refuses literal traversal in the request line, which an HTTP client library would have normalised away', async () => {
    for (const path of [`${s.root}/../../../../etc/passwd`, `${s.root}/..\\..\\x`, `${PROXY}/%2e%2e/%2e%2e/x`, `${PROXY}/../x`, `${s.root}/a/%2E%2E/%2E%2E/%2E%2E/%2E%2E/x`]) {
      for (const method of ['PUT', 'GET', 'DELETE']) expect([method, path, await rawStatus(port, method, path)]).toEqual([method, path, 400]);
    }
    expect(await listAllArtifacts(s.ts.store, s.runId)).toEqual([]);
  });

  it('takes a chunked upload (no Content-Length), as a client streaming a generator sends it', async () => {
    const parts = [binary(70_000), binary(1), binary(300_000)];
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: `${s.root}/chunked.bin`, method: 'PUT' }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      for (const part of parts) req.write(part);
      req.end();
    });
    expect(status).toBe(200);
    expect((await s.raw('GET', `${s.root}/chunked.bin`)).bytes.equals(Buffer.concat(parts))).toBe(true);
    await s.raw('DELETE', `${s.root}/chunked.bin`);
  });

  it('records nothing and leaves no temp file when the client hangs up mid-upload', async () => {
    const tmp = join(s.ts.store.location.artifacts, 'tmp');
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write(`PUT ${s.root}/cut.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`);
    socket.write(binary(1024 * 1024));
    // The upload is under way once its temp file exists in the object store.
    for (let i = 0; i < 100 && (await readdir(tmp).catch(() => [])).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await readdir(tmp)).length).toBe(1);
    socket.destroy();
    await closed;
    for (let i = 0; i < 100 && (await readdir(tmp).catch(() => [])).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await readdir(tmp).catch(() => [])).toEqual([]);
    expect(await listAllArtifacts(s.ts.store, s.runId)).toEqual([]);
  });

  it('cuts a download short, before its last bytes, when the stored blob fails its hash', async () => {
    const bytes = binary(3 * 1024 * 1024);
    await s.upload('rot.bin', bytes);
    const [file] = await listAllArtifacts(s.ts.store, s.runId);
    const hash = file?.hash ?? '';
    await writeFile(join(s.ts.store.location.artifacts, 'sha256', hash.slice(0, 2), hash), binary(bytes.length));
    const outcome = await new Promise<{ status: number; received: number; complete: boolean }>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: `${s.root}/rot.bin` }, (res) => {
        let received = 0;
        res.on('data', (d: Buffer) => (received += d.length));
        const done = () => resolve({ status: res.statusCode ?? 0, received, complete: res.complete });
        res.on('end', done);
        res.on('error', done);
        res.on('aborted', done);
      });
      req.end();
    });
    expect(outcome.status).toBe(200);
    expect(outcome.complete).toBe(false);
    expect(outcome.received).toBeLessThan(bytes.length);
  });
});
