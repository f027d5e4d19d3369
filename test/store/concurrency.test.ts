import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/index.js';
import { createRegisteredModel, searchModelVersions } from '../../src/registry/index.js';
import { createRun, getMetricHistory, getRun } from '../../src/tracking/index.js';
import { BACKENDS } from '../backends.js';
import { ensureBuilt, ROOT } from '../helpers/ensure-dist.js';
import { createTestStore, type TestStore } from '../helpers/test-store.js';

const WORKERS = 8;
const BATCHES = 50;
const PER_BATCH = 100;

/** Runs in a plain `node` child: opens the store like the CLI does and acts through the compiled services. */
const WORKER = `
const [mode, argJson] = process.argv.slice(2);
const a = JSON.parse(argJson);
const { openStore } = await import(a.storeUrl);
const tracking = await import(a.trackingUrl);
const registry = await import(a.registryUrl);
const store = await openStore({ location: { databaseUrl: a.databaseUrl, artifacts: a.artifacts }, actor: 'worker' + a.index });
// Barrier: every worker is connected before any writes, so the writes really overlap.
process.stdout.write('ready\\n');
await new Promise((r) => process.stdin.once('data', r));
if (mode === 'metrics') {
  for (let b = 0; b < a.batches; b++) {
    const metrics = [{ key: 'shared', value: b * a.workers + a.index, step: b * a.workers + a.index, timestamp: 1 }];
    for (let j = 1; j < a.perBatch; j++) {
      const step = b * a.perBatch + j;
      metrics.push({ key: 'w' + a.index, value: a.index * 1e6 + step, step, timestamp: 1000 + step });
    }
    const params = b === 0 ? [{ key: 'worker_' + a.index, value: String(a.index) }] : [];
    await tracking.logBatch(store, a.runId, { metrics, params });
  }
} else {
  const v = await registry.createModelVersion(store, a.model, { source: a.source });
  process.stdout.write(JSON.stringify({ version: v.version }) + '\\n');
}
await store.close();
`;

interface WorkerResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `n` workers, releases them together once all are connected, and waits for every exit. */
async function runWorkers(
  script: string,
  mode: string,
  argsFor: (i: number) => Record<string, unknown>,
  n = WORKERS,
): Promise<WorkerResult[]> {
  const children: ChildProcess[] = [];
  const results: Promise<WorkerResult>[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, [script, mode, JSON.stringify({ index: i, ...argsFor(i) })], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    ready.push(
      new Promise((res, rej) => {
        child.stdout?.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.startsWith('ready\n')) res();
        });
        child.on('exit', () => rej(new Error(`worker ${i} exited before it was ready:\n${stderr}`)));
      }),
    );
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    results.push(new Promise((res) => child.on('exit', (code) => res({ code, stdout, stderr }))));
  }
  try {
    await Promise.all(ready);
  } catch (err) {
    for (const c of children) c.kill();
    throw err;
  }
  for (const c of children) c.stdin?.end('go\n');
  return Promise.all(results);
}

beforeAll(() => ensureBuilt(), 180_000);

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`metadata store across ${WORKERS} processes: ${backend.name}`, () => {
    let t: TestStore;
    let scratch: string;
    let script: string;
    const common = () => ({
      databaseUrl: t.database.url,
      artifacts: t.store.location.artifacts,
      storeUrl: pathToFileURL(join(ROOT, 'dist/src/store/index.js')).href,
      trackingUrl: pathToFileURL(join(ROOT, 'dist/src/tracking/index.js')).href,
      registryUrl: pathToFileURL(join(ROOT, 'dist/src/registry/index.js')).href,
    });

    beforeAll(async () => {
      t = await createTestStore(backend);
      scratch = await mkdtemp(join(tmpdir(), 'slipway-conc-'));
      script = join(scratch, 'worker.mjs');
      await writeFile(script, WORKER);
    });
    afterAll(async () => {
      await t?.dispose();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    it(`${WORKERS} processes logging ${BATCHES}×${PER_BATCH} metric points each to one run lose nothing`, async () => {
      const runId = (await createRun(t.store, { runName: 'crowded' })).info.run_id;
      const results = await runWorkers(script, 'metrics', () => ({
        ...common(),
        runId,
        batches: BATCHES,
        perBatch: PER_BATCH,
        workers: WORKERS,
      }));
      expect(results.map((r) => (r.code === 0 ? 0 : `${r.code}: ${r.stderr}`))).toEqual(Array(WORKERS).fill(0));

      const total = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM metrics WHERE run_uuid = ${runId}`.execute(
        t.store.db,
      );
      expect(Number(total.rows[0]?.n)).toBe(WORKERS * BATCHES * PER_BATCH);
      const run = await getRun(t.store, runId);
      const lastStep = (BATCHES - 1) * PER_BATCH + (PER_BATCH - 1);
      for (let i = 0; i < WORKERS; i++) {
        expect(run.data.metrics.find((m) => m.key === `w${i}`)).toEqual({
          key: `w${i}`,
          value: i * 1e6 + lastStep,
          step: lastStep,
          timestamp: 1000 + lastStep,
        });
        const history = await getMetricHistory(t.store, runId, `w${i}`);
        expect(history).toHaveLength(BATCHES * (PER_BATCH - 1));
        expect(new Set(history.map((h) => h.step)).size).toBe(history.length);
      }
      const sharedLast = BATCHES * WORKERS - 1;
      expect(run.data.metrics.find((m) => m.key === 'shared')).toEqual({
        key: 'shared',
        value: sharedLast,
        step: sharedLast,
        timestamp: 1,
      });
      expect((await getMetricHistory(t.store, runId, 'shared')).map((h) => h.step)).toEqual(
        Array.from({ length: BATCHES * WORKERS }, (_, s) => s),
      );
      expect(run.data.metrics).toHaveLength(WORKERS + 1);
      expect(run.data.params).toEqual(Array.from({ length: WORKERS }, (_, i) => ({ key: `worker_${i}`, value: String(i) })));
    }, 120_000);

    it(`${WORKERS} processes registering versions of one model get exactly 1..${WORKERS}`, async () => {
      await createRegisteredModel(t.store, 'contended');
      const files: string[] = [];
      for (let i = 0; i < WORKERS; i++) {
        const f = join(scratch, `model-${i}.bin`);
        await writeFile(f, `weights of worker ${i}`);
        files.push(f);
      }
      const results = await runWorkers(script, 'version', (i) => ({ ...common(), model: 'contended', source: files[i] }));
      expect(results.map((r) => (r.code === 0 ? 0 : `${r.code}: ${r.stderr}`))).toEqual(Array(WORKERS).fill(0));
      const reported = results.map((r) => Number(JSON.parse(r.stdout.split('\n')[1] ?? '{}').version)).sort((x, y) => x - y);
      expect(reported).toEqual(Array.from({ length: WORKERS }, (_, i) => i + 1));

      const versions = await searchModelVersions(t.store, { name: 'contended' });
      expect(versions.map((v) => v.version)).toEqual(Array.from({ length: WORKERS }, (_, i) => String(WORKERS - i)));
      for (const v of versions) {
        const i = Number(v.user_id.replace('worker', ''));
        expect(v.source).toBe(files[i]);
        expect(v.blob.hash).toBe(createHash('sha256').update(`weights of worker ${i}`).digest('hex'));
      }
      expect(new Set(versions.map((v) => v.user_id)).size).toBe(WORKERS);
      const audit = await listAudit(t.store.db, { subject: 'contended', action: 'model_version.create' });
      expect(audit.map((e) => e.subject_id).sort()).toEqual(versions.map((v) => `contended/${v.version}`).sort());
    }, 120_000);
  });
}
