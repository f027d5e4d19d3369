import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchResult } from './report.js';

interface ChildResult {
  sortMs: number;
  driftMs: number;
  maxRssMb: number;
  referenceBytes: number;
  drifted: number;
  tests: string[];
}

/**
 * Issue 7: a drift report for a 1,000,000-row current window against a stored reference, 20 columns
 * (10 numeric, 10 categorical), within 3× of sorting each numeric column once in the same process and
 * under 5 s; peak RSS under 1 GB. The stored reference is a DriftReference built from a 50,000-row
 * sample (what the training stage keeps with a model), serialized to JSON and parsed inside the timed
 * run — a sample rather than a sketch profile, because Evidently's default tests for a reference this
 * size (normed Wasserstein, Jensen–Shannon on Sturges bins of both windows) need its values to be
 * exact. It runs in its own process (see drift-child.ts) so peak RSS is the report's own.
 */
export async function driftBench(): Promise<BenchResult[]> {
  const child = join(import.meta.dirname, 'drift-child.js');
  const r = JSON.parse(execFileSync(process.execPath, [child], { encoding: 'utf8', maxBuffer: 1 << 20 })) as ChildResult;
  process.stdout.write(
    `   (stored reference ${(r.referenceBytes / 1e6).toFixed(1)} MB of JSON; tests ${r.tests.join(', ')}; ${r.drifted} of 20 columns drifted)\n`,
  );
  return [
    {
      name: 'drift report, 1,000,000-row window × 20 columns against a stored 50,000-row reference', value: r.driftMs, unit: 'ms',
      baseline: { value: r.sortMs, what: 'sorting each of the 10 numeric columns once' }, ratio: r.driftMs / r.sortMs,
      target: '<= 3x the sorts and < 5 s', pass: r.driftMs / r.sortMs <= 3 && r.driftMs < 5000,
    },
    {
      name: 'peak RSS of that drift report (process, data included)', value: r.maxRssMb, unit: 'MB',
      target: '< 1,024 MB', pass: r.maxRssMb < 1024,
    },
  ];
}
