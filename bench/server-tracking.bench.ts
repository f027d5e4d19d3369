import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { openStore, type Store } from '../src/store/index.js';
import { createRun, logBatch, logMetric, searchRuns } from '../src/tracking/index.js';
import { type BenchResult, medianMs } from './report.js';
import { seedSearchRuns } from './seed-runs.js';

const MIB = 1024 * 1024;
const SEARCH_RUNS = 100_000;
const CLIENTS = 200;
const BATCHES = 100;
const PER_BATCH = 10;

/**
 * `slipway server`'s MLflow tracking routes over HTTP on 127.0.0.1, the server in its own process
 * (SQLite store in a temp folder), each figure beside the same tracking call made in this process on
 * the same database, so the ratio is what HTTP, JSON and routing add:
 *   (a) runs/log-batch with 1,000 metrics, median and p95 (MLflow 2.10 takes 211-257 ms), bar 25 ms;
 *   (b) one runs/log-metric, median, bar 2 ms;
 *   (c) runs/search with a metric filter and order_by over 100,000 runs, first page of 1,000, bar 300 ms;
 *   (d) 200 clients each logging 100 batches of 10 metrics at once: no errors, every row stored,
 *       throughput, and the server's RSS after all of it within 20% of its RSS after the first tenth.
 */
export async function serverTrackingBench(): Promise<BenchResult[]> {
  return [...(await latencyFigures()), ...(await concurrencyFigures())];
}

async function latencyFigures(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-tracking-'));
  const home = join(dir, 'home');
  const store = await openStore({ location: { home, databaseUrl: `sqlite:${join(home, 'slipway.db')}`, artifacts: join(home, 'objects') }, actor: 'bench' });
  let server: Server | undefined;
  try {
    const searchExperiment = await seedRuns(store);
    const newRun = async () => (await createRun(store, {})).info.run_id;
    const [httpBatchRun, localBatchRun, httpMetricRun, localMetricRun] = [await newRun(), await newRun(), await newRun(), await newRun()];
    server = await startServer(home, dir);
    const client = new JsonClient(server.port, 1);

    // (a) log-batch of 1,000 metrics. Bodies are built beforehand: the client's JSON work is not the server's.
    const batch = (n: number) => Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 10}`, value: Math.sin(n * 1000 + i), timestamp: 1_700_000_000_000 + n, step: n * 100 + Math.floor(i / 10) }));
    const BATCH_N = 40;
    const bodies = Array.from({ length: BATCH_N + 5 }, (_, n) => JSON.stringify({ run_id: httpBatchRun, metrics: batch(n) }));
    const httpBatch = await timeEach(bodies, (body) => client.post('/api/2.0/mlflow/runs/log-batch', body), 5);
    let n = 0;
    const localBatch = await medianMs(BATCH_N, () => logBatch(store, localBatchRun, { metrics: batch(n++) }));

    // (b) one log-metric, as the client sends it.
    const METRIC_N = 300;
    const metricBodies = Array.from({ length: METRIC_N + 20 }, (_, i) => JSON.stringify({ run_uuid: httpMetricRun, key: 'loss', value: 1 / (i + 1), timestamp: 1_700_000_000_000 + i, step: i, run_id: httpMetricRun }));
    const httpMetric = await timeEach(metricBodies, (body) => client.post('/api/2.0/mlflow/runs/log-metric', body), 20);
    let m = 0;
    const localMetric = await medianMs(METRIC_N, () => logMetric(store, localMetricRun, { key: 'loss', value: 1 / (m + 1), timestamp: 1_700_000_000_000 + m, step: m++ }));

    // (c) runs/search over 100,000 runs.
    const query = { experiment_ids: [searchExperiment], filter: 'metrics.acc > 0.8', order_by: ['metrics.acc DESC'], max_results: 1000 };
    let answer = '';
    const searchBody = JSON.stringify(query);
    const httpSearch = await timeEach(Array.from({ length: 9 }, () => searchBody), async (body) => {
      answer = await client.post('/api/2.0/mlflow/runs/search', body);
    }, 2);
    // Counted outside the timing: parsing the answer is the client's work.
    const found = ((JSON.parse(answer) as { runs?: unknown[] }).runs ?? []).length;
    const localSearch = await medianMs(7, () => searchRuns(store, { experimentIds: query.experiment_ids, filter: query.filter, orderBy: query.order_by, maxResults: 1000 }));
    client.close();

    return [
      {
        name: `runs/log-batch, 1,000 metrics over HTTP: median (p95 ${httpBatch.p95.toFixed(1)} ms; MLflow 2.10: 211-257 ms)`,
        value: httpBatch.median, unit: 'ms', baseline: { value: localBatch, what: 'logBatch in-process' }, ratio: httpBatch.median / localBatch,
        target: 'median < 25 ms', pass: httpBatch.median < 25,
      },
      {
        name: `runs/log-metric over HTTP: median (p95 ${httpMetric.p95.toFixed(2)} ms)`, value: httpMetric.median, unit: 'ms',
        baseline: { value: localMetric, what: 'logMetric in-process' }, ratio: httpMetric.median / localMetric, target: 'median < 2 ms', pass: httpMetric.median < 2,
      },
      {
        name: `runs/search over HTTP, ${SEARCH_RUNS.toLocaleString('en-US')} runs, "${query.filter}" order by ${query.order_by[0]}, first page (${found} runs)`,
        value: httpSearch.median, unit: 'ms', baseline: { value: localSearch, what: 'searchRuns in-process' }, ratio: httpSearch.median / localSearch,
        target: 'median < 300 ms', pass: httpSearch.median < 300 && found === 1000,
      },
    ];
  } finally {
    await server?.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function concurrencyFigures(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-tracking-load-'));
  const home = join(dir, 'home');
  const server = await startServer(home, dir);
  const client = new JsonClient(server.port, CLIENTS);
  try {
    const runIds = await Promise.all(Array.from({ length: CLIENTS }, async (_, c) =>
      (JSON.parse(await client.post('/api/2.0/mlflow/runs/create', JSON.stringify({ experiment_id: '0', run_name: `client-${c}` }))) as { run: { info: { run_id: string } } }).run.info.run_id));
    let errors = 0;
    const phase = async (from: number, to: number) => {
      const t = performance.now();
      await Promise.all(runIds.map(async (runId, c) => {
        for (let b = from; b < to; b++) {
          const metrics = Array.from({ length: PER_BATCH }, (_, i) => ({ key: `m${i}`, value: c + b / 1000 + i, timestamp: 1_700_000_000_000 + b, step: b }));
          await client.post('/api/2.0/mlflow/runs/log-batch', JSON.stringify({ run_id: runId, metrics })).catch(() => errors++);
        }
      }));
      return performance.now() - t;
    };
    const tenth = BATCHES / 10;
    const firstMs = await phase(0, tenth);
    const rssTenth = await rss(server.child.pid as number);
    const restMs = await phase(tenth, BATCHES);
    const rssEnd = await rss(server.child.pid as number);
    client.close();

    const store = await openStore({ location: { home, databaseUrl: `sqlite:${join(home, 'slipway.db')}`, artifacts: join(home, 'objects') } });
    const stored = await store.db.selectFrom('metrics').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()
      .then((row) => Number(row.n)).finally(() => store.close());
    const expected = CLIENTS * BATCHES * PER_BATCH;
    const requests = CLIENTS * BATCHES;
    const rps = requests / ((firstMs + restMs) / 1000);
    return [
      {
        name: `${CLIENTS} clients x ${BATCHES} log-batch calls of ${PER_BATCH} metrics at once: ${stored.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} rows stored, ${errors} errors (${Math.round(rps * PER_BATCH).toLocaleString('en-US')} metrics/s)`,
        value: rps, unit: 'requests/s', target: 'no errors, every row stored', pass: errors === 0 && stored === expected,
      },
      {
        name: `server RSS after all ${requests.toLocaleString('en-US')} requests vs after the first tenth`, value: rssEnd / MIB, unit: 'MB',
        baseline: { value: rssTenth / MIB, what: 'RSS after the first tenth' }, ratio: rssEnd / rssTenth, target: '<= 1.20x', pass: rssEnd / rssTenth <= 1.2,
      },
    ];
  } finally {
    client.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** 100,000 finished runs with acc, loss, lr and a name, in their own experiment, inserted raw as the run-search bench does. */
async function seedRuns(store: Store): Promise<string> {
  const db = store.sqlite;
  if (!db) throw new Error('benchmark needs SQLite');
  const experimentId = String(db.prepare(`INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES ('search', '', 'active', 0, 0)`).run().lastInsertRowid);
  seedSearchRuns(db, experimentId, SEARCH_RUNS);
  return experimentId;
}

/** Keep-alive JSON POSTs to 127.0.0.1; a non-200 answer rejects. */
class JsonClient {
  readonly #agent: Agent;
  constructor(readonly port: number, connections: number) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: connections });
  }
  post(path: string, body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, path, method: 'POST', agent: this.#agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) resolve(text);
          else reject(new Error(`${path}: ${res.statusCode} ${text.slice(0, 200)}`));
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  close(): void {
    this.#agent.destroy();
  }
}

/** Sends each body in turn; the first `warmup` are not counted. */
async function timeEach(bodies: readonly string[], send: (body: string) => Promise<unknown>, warmup: number): Promise<{ median: number; p95: number }> {
  const times: number[] = [];
  for (const [i, body] of bodies.entries()) {
    const t = performance.now();
    await send(body);
    if (i >= warmup) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] ?? Number.NaN, p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] ?? Number.NaN };
}

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

/** `slipway server` in its own process over SLIPWAY_HOME=home, so its latency and memory are its own. */
async function startServer(home: string, cwd: string): Promise<Server> {
  // The store is SLIPWAY_HOME's alone: a developer's own database or artifact settings must not leak in.
  const { SLIPWAY_DATABASE_URL: _database, SLIPWAY_ARTIFACTS: _artifacts, ...env } = process.env;
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'slipway.js'), 'server', '--port', '0', '--log-level', 'error'], {
    cwd, env: { ...env, SLIPWAY_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /http:\/\/(?:127\.0\.0\.1|localhost):(\d+)/.exec(out);
      if (found) resolve(Number(found[1]));
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`slipway server exited with ${code}: ${out}`)));
  });
  return {
    child, port,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Resident set size of a process, from /proc (Linux), in bytes. */
async function rss(pid: number): Promise<number> {
  const kb = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}
