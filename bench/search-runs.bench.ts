import { searchRuns } from '../src/tracking/index.js';
import { benchStore } from './bench-store.js';
import { type BenchResult, medianMs } from './report.js';
import { seedSearchRuns } from './seed-runs.js';

const RUNS = 100_000;

/**
 * Issue 2: `search runs` with a metric filter and order_by over 100,000 runs must answer in under
 * 100 ms on SQLite. The baseline is the bare SQL a hand-written query would run for the same page of
 * ids, so the ratio shows what parsing, compiling and loading whole runs cost on top.
 */
export async function searchRunsBench(): Promise<BenchResult[]> {
  const { store, dispose } = await benchStore();
  try {
    const db = store.sqlite;
    if (!db) throw new Error('benchmark needs SQLite');
    seedSearchRuns(db, '0', RUNS);

    const filter = 'metrics.acc > 0.8';
    const orderBy = ['metrics.acc DESC'];
    let found = 0;
    const serviceMs = await medianMs(7, async () => {
      const res = await searchRuns(store, { experimentIds: ['0'], filter, orderBy });
      found = res.runs.length;
    });
    const raw = db.prepare(
      `SELECT r.run_uuid FROM runs r JOIN latest_metrics m ON m.run_uuid = r.run_uuid AND m.key = 'acc'
       WHERE r.experiment_id = 0 AND r.lifecycle_stage = 'active' AND m.value > 0.8
       ORDER BY m.value DESC, r.start_time DESC, r.run_uuid LIMIT 1000`,
    );
    const rawMs = await medianMs(7, () => raw.all());
    return [{
      name: `search ${RUNS.toLocaleString('en-US')} runs: "${filter}" order by ${orderBy[0]}, first page (${found} whole runs)`,
      value: serviceMs, unit: 'ms',
      baseline: { value: rawMs, what: 'bare SQL for the same page of ids' },
      ratio: serviceMs / rawMs, target: 'under 100 ms', pass: serviceMs < 100,
    }];
  } finally {
    await dispose();
  }
}
