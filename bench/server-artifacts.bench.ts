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
 * stays under 250 MB, and each direction's throughput is shown beside what the same machine does
 * locally with the same bytes in the same run (copy + sha256 + fsync for the upload, which is the
 * work the server must do; read + sha256 for the download, as the server verifies while it sends).
 */
export async function serverArtifactsBench(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-artifacts-'));
  const home = join(dir, 'home');
  const file = join(dir, 'big.bin');
  let child: ChildProcess | undefined;
  try {
    const expected = await writeBigFile(file);
    const store = await openStore({ location: { home, databaseUrl: `sqlite:${join(home, 'slipway.db')}`, artifacts: join(home, 'objects') } });
    const runId = await createRun(store, { experimentId: '0' }).then((r) => r.info.run_id).finally(() => store.close());
    const copyMs = await timed(() => copyHashSync(file, join(dir, 'copy.bin')));
    await rm(join(dir, 'copy.bin'));
    const hashMs = await timed(async () => {
      if ((await hashStream(createReadStream(file, { highWaterMark: CHUNK }))) !== expected) throw new Error('hash changed');
    });

    const server = await startServer(home, dir);
    child = server.child;
    const url = `/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/data/big.bin`;
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
        name: '1 GiB artifact upload (PUT) through slipway server', value: mbps(uploadMs), unit: 'MB/s',
        baseline: { value: mbps(copyMs), what: 'local copy + sha256 + fsync of the same file' }, ratio: copyMs / uploadMs,
        target: '>= 0.5x the local copy', pass: copyMs / uploadMs >= 0.5,
      },
      {
        name: '1 GiB artifact download (GET, verified) through slipway server', value: mbps(downloadMs), unit: 'MB/s',
        baseline: { value: mbps(hashMs), what: 'local read + sha256 of the same file' }, ratio: hashMs / downloadMs,
        target: '>= 0.5x the local read', pass: hashMs / downloadMs >= 0.5,
      },
      {
        name: `server peak RSS (VmHWM) over its life, 1 GiB up and down (after the upload: ${afterUpload.toFixed(0)} MB)`, value: peak, unit: 'MB',
        baseline: { value: FILE_BYTES / MIB, what: 'the file size' }, ratio: peak / RSS_BAR_MB,
        target: `< ${RSS_BAR_MB} MB`, pass: peak < RSS_BAR_MB,
      },
    ];
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child?.once('exit', r));
    }
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

/** What the server does with an upload, minus the network: read, hash, write, fsync. */
async function copyHashSync(from: string, to: string): Promise<void> {
  const out = await open(to, 'w');
  const hasher = createHash('sha256');
  for await (const chunk of createReadStream(from, { highWaterMark: CHUNK })) {
    hasher.update(chunk as Buffer);
    await out.write(chunk as Buffer);
  }
  await out.sync();
  await out.close();
  hasher.digest('hex');
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
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/(?:127\.0\.0\.1|localhost):(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`slipway server exited with ${code}: ${out}`)));
  });
  return { child, port };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
