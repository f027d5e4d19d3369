import type BetterSqlite3 from 'better-sqlite3';
import { newRunId } from '../src/store/index.js';

/**
 * `count` finished runs in `experimentId`, each with acc and loss (seeded pseudo-random), an lr param
 * and a run-name tag, inserted raw in one transaction: what the run-search benchmarks search.
 */
export function seedSearchRuns(db: BetterSqlite3.Database, experimentId: string, count: number): void {
  const runStmt = db.prepare(
    `INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, source_git_commit, lifecycle_stage, artifact_uri, parent_run_id, deleted_time)
     VALUES (?, ?, ?, 'bench', 'FINISHED', ?, ?, NULL, 'active', ?, NULL, NULL)`,
  );
  const metricStmt = db.prepare('INSERT INTO latest_metrics (run_uuid, key, value, step, timestamp, is_nan) VALUES (?, ?, ?, 0, ?, 0)');
  const paramStmt = db.prepare('INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)');
  const tagStmt = db.prepare('INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?)');
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = newRunId();
      const t = 1_700_000_000_000 + i * 1000;
      runStmt.run(id, experimentId, `run-${i}`, t, t + 500, `mlflow-artifacts:/${experimentId}/${id}/artifacts`);
      metricStmt.run(id, 'acc', rand(), t);
      metricStmt.run(id, 'loss', rand(), t);
      paramStmt.run(id, 'lr', String([0.1, 0.01, 0.001][i % 3]));
      tagStmt.run(id, 'mlflow.runName', `run-${i}`);
    }
  })();
  db.pragma('optimize');
}
