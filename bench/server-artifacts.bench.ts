import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { openStore } from '../src/store/index.js';
import { createRun } from '../src/tracking/index.js';
import type { BenchResult } from './report.js';

const MIB = 1024 * 1024;
const FILE_BYTES = 1024 * MIB;
const CHUNK = MIB;
const RSS_BAR_MB = 250;

/**
 * Issue (artifact proxy): a 1 GiB artifact goes up (PUT) and comes back (GET) through `slipway server`
 * in its own process on 127.0.0.1, streamed: the server's peak RSS (VmHWM, over its whole life)
 * stays under 250 MB, and each direction runs at least half as fast as a bare node:http server
 * (also a child process) doing the same byte work: hash + write + fsync up, read + hash down. The
 * ratio is what Fastify, auth, the database and the stream plumbing cost on top of the bytes.
 */
export async function serverArtifactsBench(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-artifacts-'));
  const home = join(dir, 'home');
  const file = join(dir, 'big.bin');
  const children: ChildProcess[] = [];
  try {
    const expected = await writeBigFile(file);
    const store = await openStore({ location: { home, databaseUrl: `sqlite:${join(home, 'slipway.db')}`, artifacts: join(home, 'objects') } });
    const runId = await createRun(store, { experimentId: '0' }).then((r) => r.info.run_id).finally(() => store.close());
    const bare = await startBareServer(file, join(dir, 'bare-upload.bin'));
    children.push(bare.child);
    const bareUploadMs = await timed(() => upload(bare.port, '/', file)).finally(() => rm(join(dir, 'bare-upload.bin'), { force: true }));
    const bareDownloadMs = await timed(async () => {
      if ((await download(bare.port, '/')) !== expected) throw new Error('the bare server sent other bytes');
    });
    await stop(bare.child);

    const server = await startServer(home, dir);
    children.push(server.child);
    const url = `/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/data/big.bin`;
    const idle = await peakRss(server.child.pid as number);
    const uploadMs = await timed(() => upload(server.port, url, file));
    const afterUpload = await peakRss(server.child.pid as number);
    let downloaded = '';
    const downloadMs = await timed(async () => {
      downloaded = await download(server.port, url);
    });
    const peak = await peakRss(server.child.pid as number);
    if (downloaded !== expected) throw new Error(`downloaded bytes hash to ${downloaded}, not ${expected}`);

    const mbps = (ms: number) => FILE_BYTES / MIB / (ms / 1000);
    return [
      {
        name: '1 GiB artifact upload (PUT, hashed, fsynced) through slipway server', value: mbps(uploadMs), unit: 'MB/s',
        baseline: { value: mbps(bareUploadMs), what: 'bare node:http: sha256 + write + fsync' }, ratio: bareUploadMs / uploadMs,
        target: '>= 0.5x bare node:http', pass: bareUploadMs / uploadMs >= 0.5,
      },
      {
        name: '1 GiB artifact download (GET, hash-verified) through slipway server', value: mbps(downloadMs), unit: 'MB/s',
        baseline: { value: mbps(bareDownloadMs), what: 'bare node:http: read + sha256 + send' }, ratio: bareDownloadMs / downloadMs,
        target: '>= 0.5x bare node:http', pass: bareDownloadMs / downloadMs >= 0.5,
      },
      {
        name: `server peak RSS (VmHWM) over its life, 1 GiB up and down (before: ${idle.toFixed(0)} MB; after the upload: ${afterUpload.toFixed(0)} MB)`, value: peak, unit: 'MB',
        baseline: { value: idle, what: 'the same server idle, before the transfer' }, ratio: peak / idle,
        target: `< ${RSS_BAR_MB} MB`, pass: peak < RSS_BAR_MB,
      },
    ];
  } finally {
    for (const child of children) await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}

/** 1 GiB of incompressible bytes, no two blocks alike; returns its sha256. */
async function writeBigFile(path: string): Promise<string> {
  const handle = await open(path, 'w');
  const block = randomBytes(CHUNK);
  const hasher = createHash('sha256');
  for (let written = 0; written < FILE_BYTES; written += block.length) {
    block.writeUInt32LE(written / block.length, 0);
    hasher.update(block);
    await handle.write(block);
  }
  await handle.close();
  return hasher.digest('hex');
}

async function hashStream(stream: AsyncIterable<unknown>): Promise<string> {
  const hasher = createHash('sha256');
  for await (const chunk of stream) hasher.update(chunk as Buffer);
  return hasher.digest('hex');
}

function upload(port: number, path: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': FILE_BYTES } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`upload answered ${res.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    createReadStream(file, { highWaterMark: CHUNK }).on('error', reject).pipe(req);
  });
}

function download(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`download answered ${res.statusCode}`));
      hashStream(res).then((hash) => (res.complete ? resolve(hash) : reject(new Error('download cut short'))), reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The highest resident set size the process has had, from /proc (Linux), in MB. */
async function peakRss(pid: number): Promise<number> {
  const kb = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmHWM for process ${pid}`);
  return Number(kb) / 1024;
}

/** `slipway server` on a free port of 127.0.0.1 over the store in `home`, in its own process. */
async function startServer(home: string, cwd: string): Promise<{ child: ChildProcess; port: number }> {
  // The store is SLIPWAY_HOME's alone: a developer's own database or artifact settings must not leak in.
  const { SLIPWAY_DATABASE_URL: _database, SLIPWAY_ARTIFACTS: _artifacts, ...env } = process.env;
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'slipway.js'), 'server', '--port', '0', '--log-level', 'error'], {
    cwd, env: { ...env, SLIPWAY_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return started(child, 'slipway server');
}

/** Waits for a child server to print its URL; returns its port. */
async function started(child: ChildProcess, what: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/(?:127\.0\.0\.1|localhost):(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${out}`)));
  });
  return { child, port };
}

/**
 * The baseline: node:http alone, in its own process, doing the same byte work as the object store:
 * PUT hashes the body while writing it to `dest`, then fsyncs; GET hashes `file` while sending it.
 */
const BARE_SERVER = `
const http = require('node:http'), fs = require('node:fs'), crypto = require('node:crypto');
const [file, dest] = process.argv.slice(1);
http.createServer((req, res) => {
  const hash = crypto.createHash('sha256');
  if (req.method === 'PUT') {
    const fd = fs.openSync(dest, 'w');
    const out = fs.createWriteStream(null, { fd, autoClose: false });
    req.on('data', (d) => hash.update(d));
    req.pipe(out).on('finish', () => { fs.fsyncSync(fd); fs.closeSync(fd); res.end(JSON.stringify({ hash: hash.digest('hex') })); });
  } else {
    res.writeHead(200, { 'content-length': fs.statSync(file).size });
    fs.createReadStream(file, { highWaterMark: ${CHUNK} }).on('data', (d) => hash.update(d)).pipe(res);
  }
}).listen(0, '127.0.0.1', function () { console.log('http://127.0.0.1:' + this.address().port); });
`;

async function startBareServer(file: string, dest: string): Promise<{ child: ChildProcess; port: number }> {
  return started(spawn(process.execPath, ['-e', BARE_SERVER, file, dest], { stdio: ['ignore', 'pipe', 'pipe'] }), 'bare node:http server');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
