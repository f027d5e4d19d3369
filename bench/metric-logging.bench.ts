import { createRun, logBatch } from '../src/tracking/index.js';
import { benchStore } from './bench-store.js';
import type { BenchResult } from './report.js';

const POINTS = 1_000_000;
const BATCH = 1000;

/**
 * Issue 2: logging 1,000,000 metric points through the tracking service in batches of 1,000 into
 * SQLite must reach at least half the rate of raw better-sqlite3 prepared inserts of the same rows in
 * one transaction (into an identically migrated database).
 */
export async function metricLoggingBench(): Promise<BenchResult[]> {
  const service = await benchStore();
  const raw = await benchStore();
  try {
    const run = await createRun(service.store, {});
    const t0 = performance.now();
    for (let start = 0; start < POINTS; start += BATCH) {
      const metrics = [];
      for (let i = start; i < start + BATCH; i++) metrics.push({ key: `m${i % 10}`, value: Math.sin(i), step: i, timestamp: 1_700_000_000_000 + i });
      await logBatch(service.store, run.info.run_id, { metrics });
    }
    const serviceMs = performance.now() - t0;

    const rawRun = await createRun(raw.store, {});
    const db = raw.store.sqlite;
    if (!db) throw new Error('benchmark needs SQLite');
    const insert = db.prepare('INSERT INTO metrics (run_uuid, key, value, step, timestamp, is_nan) VALUES (?, ?, ?, ?, ?, 0)');
    const t1 = performance.now();
    db.transaction(() => {
      for (let i = 0; i < POINTS; i++) insert.run(rawRun.info.run_id, `m${i % 10}`, Math.sin(i), i, 1_700_000_000_000 + i);
    })();
    const rawMs = performance.now() - t1;

    const rate = POINTS / (serviceMs / 1000);
    const rawRate = POINTS / (rawMs / 1000);
    return [{
      name: `log ${POINTS.toLocaleString('en-US')} metric points via tracking service (batches of ${BATCH}, SQLite)`,
      value: rate, unit: 'points/s',
      baseline: { value: rawRate, what: 'raw better-sqlite3 prepared inserts, one transaction' },
      ratio: rate / rawRate, target: 'ratio >= 0.5', pass: rate / rawRate >= 0.5,
    }];
  } finally {
    await service.dispose();
    await raw.dispose();
  }
}
