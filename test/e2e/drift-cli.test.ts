import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/ensure-dist.js';

let dir: string;

/** A deterministic CSV: amount (normal), age (integers), plan (3 categories), churn (0/1 target), score (probability). */
function csv(rows: number, seed: number, shift: number): string {
  let s = seed >>> 0;
  const r = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const lines = ['amount,age,plan,churn,score'];
  for (let i = 0; i < rows; i++) {
    const amount = 50 + shift * 20 + 10 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const age = 20 + Math.floor(r() * 40 + shift * 15);
    const plan = ['basic', 'plus', 'pro'][Math.min(2, Math.floor(r() ** (1 + shift) * 3))];
    const churn = r() < 0.2 + shift / 4 ? 1 : 0;
    const score = Math.min(1, Math.max(0, 0.2 + shift / 3 + 0.1 * (r() - 0.5)));
    lines.push(`${amount.toFixed(3)},${age},${plan},${churn},${score.toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'slipway-drift-cli-'));
  await writeFile(join(dir, 'reference.csv'), csv(600, 1, 0));
  await writeFile(join(dir, 'same.csv'), csv(500, 2, 0));
  await writeFile(join(dir, 'shifted.csv'), csv(500, 3, 1));
  await writeFile(join(dir, 'broken.csv'), 'amount,age,plan,churn,score\n1,2,basic\n');
}, 200_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the built CLI as a user would. */
function slipway(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'slipway.js'), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface JsonReport {
  columns: { column: string; test: string; statistic: number | null; p_value: number | null; threshold: number; verdict: string; drifted: boolean }[];
  dataset: { drifted: boolean; verdict: string; drifted_columns: number; columns: number; share: number };
  target_drift?: { column: string; verdict: string };
  prediction_drift?: { column: string; test: string };
}

describe('slipway drift', () => {
  it('exits 0 when the current file follows the reference’s distributions', async () => {
    const r = await slipway(['drift', 'reference.csv', 'same.csv', '--target', 'churn', '--prediction', 'score', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.dataset).toMatchObject({ drifted: false, verdict: 'no_drift', columns: 5 });
    expect(report.target_drift?.column).toBe('churn');
  });

  it('exits 1 on shifted data, listing per column the test, statistic, p-value, threshold and verdict', async () => {
    const r = await slipway(['drift', 'reference.csv', 'shifted.csv', '--target', 'churn', '--prediction', 'score', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.dataset).toMatchObject({ drifted: true, verdict: 'drift', drifted_columns: 5, columns: 5, share: 1 });
    const byName = Object.fromEntries(report.columns.map((c) => [c.column, c]));
    expect(byName.amount).toMatchObject({ test: 'ks', threshold: 0.05, verdict: 'drift', drifted: true });
    expect(byName.amount?.p_value).toBeLessThan(1e-10);
    expect(byName.plan).toMatchObject({ test: 'chisquare', verdict: 'drift' });
    expect(report.target_drift).toMatchObject({ column: 'churn', verdict: 'drift' });
    expect(report.prediction_drift).toMatchObject({ column: 'score', test: 'ks' });
    expect(JSON.parse(r.stderr)).toMatchObject({ error_code: 'CHECK_FAILED' });
  });

  it('prints a table without --json, takes per-column tests and thresholds, and writes the HTML report', async () => {
    const html = join(dir, 'drift.html');
    const r = await slipway(['drift', 'reference.csv', 'shifted.csv', '--test', 'amount=wasserstein', '--threshold', 'amount=5', '--columns', 'amount,age', '--correction', 'bonferroni', '--html', html]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^DRIFT: 1 of 2 columns drifted/);
    expect(r.stdout).toMatch(/amount\s+numerical\s+wasserstein\s+\S+\s+-\s+5\s+ok/);
    expect(r.stdout).toContain(`HTML report: ${html}`);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<h1>Drift: drift</h1>');
    expect((await stat(html)).size).toBeLessThan(200_000);
  });

  it('stores the reference once and compares against the stored copy with the same result', async () => {
    const direct = await slipway(['drift', 'reference.csv', 'shifted.csv', '--json', '--save-reference', 'ref.json']);
    const stored = await slipway(['drift', 'ref.json', 'shifted.csv', '--json']);
    expect(stored.code).toBe(1);
    expect(JSON.parse(stored.stdout)).toEqual(JSON.parse(direct.stdout));
  });

  it('exits 2 on bad input, saying what and where', async () => {
    const [missingColumn, badTest, wrongKind, malformed, absent, share] = await Promise.all([
      slipway(['drift', 'reference.csv', 'same.csv', '--columns', 'amount,nope']),
      slipway(['drift', 'reference.csv', 'same.csv', '--test', 'amount=kolmogorov']),
      slipway(['drift', 'reference.csv', 'same.csv', '--stattest', 'ks']),
      slipway(['drift', 'reference.csv', 'broken.csv']),
      slipway(['drift', 'reference.csv', 'nope.csv']),
      slipway(['drift', 'reference.csv', 'same.csv', '--drift-share', '2']),
    ]);
    expect(missingColumn.code).toBe(2);
    expect(missingColumn.stderr).toMatch(/column 'nope' is not in the reference data/);
    expect(badTest.code).toBe(2);
    expect(badTest.stderr).toMatch(/unknown drift test 'kolmogorov'/);
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toMatch(/column 'plan' is categorical/);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/broken\.csv:2/);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toMatch(/nope\.csv: no such file/);
    expect(share.code).toBe(2);
  });
});
