import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readTable, type Table } from '../data/index.js';
import { invalid, SlipwayError } from '../errors.js';
import {
  buildDriftReference, type ColumnDrift, computeDrift, CORRECTIONS, type Correction, DEFAULT_DRIFT_SHARE, DEFAULT_MIN_SAMPLE_SIZE,
  DRIFT_TESTS, type DriftOptions, type DriftReference, type DriftTestName, isDriftReference, isDriftTestName, parseDriftReference, renderDriftHtml,
  serializeDriftReference,
} from '../monitor/index.js';
import { formatNumber, printJson, printLine, printTable } from './output.js';
import { collect, parseKeyValue } from './parse-args.js';

interface DriftFlags {
  target?: string;
  prediction?: string;
  columns?: string;
  exclude?: string;
  test: string[];
  threshold: string[];
  stattest?: string;
  numStattest?: string;
  catStattest?: string;
  correction?: string;
  minSample: string;
  driftShare: string;
  json?: boolean;
  html?: string;
  saveReference?: string;
}

const testName = (flag: string, t: string): DriftTestName => {
  if (!isDriftTestName(t)) throw invalid(`${flag}: unknown drift test '${t}'; the tests are ${DRIFT_TESTS.join(', ')}.`);
  return t;
};
const list = (s: string | undefined) => s?.split(',').map((c) => c.trim()).filter(Boolean);

function driftOptions(o: DriftFlags): DriftOptions {
  const perColumn: Record<string, { test?: DriftTestName; threshold?: number }> = {};
  for (const t of o.test) {
    const { key, value } = parseKeyValue('--test', t);
    perColumn[key] = { ...perColumn[key], test: testName(`--test ${key}`, value) };
  }
  for (const t of o.threshold) {
    const { key, value } = parseKeyValue('--threshold', t);
    const x = Number(value);
    if (value.trim() === '' || !Number.isFinite(x) || x < 0) throw invalid(`--threshold ${key}: '${value}' is not a number ≥ 0.`);
    perColumn[key] = { ...perColumn[key], threshold: x };
  }
  if (o.correction !== undefined && !CORRECTIONS.includes(o.correction as Correction)) throw invalid(`--correction must be ${CORRECTIONS.join(' or ')}, got '${o.correction}'.`);
  const minSample = Number(o.minSample);
  if (!Number.isSafeInteger(minSample) || minSample < 0) throw invalid(`--min-sample expects a whole number ≥ 0, got '${o.minSample}'.`);
  const share = Number(o.driftShare);
  if (o.driftShare.trim() === '' || !(share > 0 && share <= 1)) throw invalid(`--drift-share expects a number in (0, 1], got '${o.driftShare}'.`);
  const columns = list(o.columns);
  const exclude = list(o.exclude);
  return {
    ...(columns ? { columns } : {}),
    ...(exclude ? { exclude } : {}),
    ...(o.target ? { target: o.target } : {}),
    ...(o.prediction ? { prediction: o.prediction } : {}),
    ...(o.stattest ? { stattest: testName('--stattest', o.stattest) } : {}),
    ...(o.numStattest ? { numericalStattest: testName('--num-stattest', o.numStattest) } : {}),
    ...(o.catStattest ? { categoricalStattest: testName('--cat-stattest', o.catStattest) } : {}),
    perColumn,
    minSampleSize: minSample,
    driftShare: share,
    ...(o.correction ? { correction: o.correction as Correction } : {}),
  };
}

/** A data file (CSV, JSON Lines, Parquet), or a stored drift reference (.json) for the reference side. */
async function readReference(path: string): Promise<Table | DriftReference> {
  if (path.toLowerCase().endsWith('.json')) {
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? invalid(`${path}: no such file`) : err;
    });
    try {
      return parseDriftReference(text);
    } catch (err) {
      throw err instanceof SlipwayError ? invalid(`${path}: ${err.message}`) : err;
    }
  }
  return readTable(path);
}

function figure(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : formatNumber(v);
}

function printReport(reference: string, current: string, r: ReturnType<typeof computeDrift>): void {
  const d = r.dataset;
  const verdict = d.verdict === 'drift' ? 'DRIFT' : d.verdict === 'no_drift' ? 'NO DRIFT' : 'INSUFFICIENT DATA';
  printLine(`${verdict}: ${d.drifted_columns} of ${d.columns} columns drifted (share ${formatNumber(d.share)}, drift at ≥ ${formatNumber(d.drift_share_threshold)}); ${current} (${r.current_rows} rows) against ${reference} (${r.reference_rows} rows)`);
  const row = (c: ColumnDrift) => [
    c.column + (c.role === 'feature' ? '' : ` (${c.role})`), c.kind, c.test, figure(c.statistic), figure(c.adjusted_p_value ?? c.p_value), formatNumber(c.threshold),
    c.verdict === 'insufficient_data' ? 'insufficient data' : c.verdict === 'drift' ? 'DRIFT' : 'ok',
  ];
  printTable(['column', 'kind', 'test', 'statistic', r.options.correction ? 'adj. p' : 'p-value', 'threshold', 'verdict'], r.columns.map(row));
  for (const s of r.skipped) printLine(`  not tested: ${s.column} (${s.reason})`);
  if (d.insufficient_columns) printLine(`  ${d.insufficient_columns} column(s) had fewer than ${r.options.min_sample_size} values in a window: not tested (--min-sample)`);
}

export function driftCommand(program: Command): void {
  program
    .command('drift <reference> <current>')
    .description('compare two data files column by column (Evidently’s tests, SciPy’s statistics); exit 1 when the data set drifted')
    .option('--target <column>', 'the target column (also reported as target drift)')
    .option('--prediction <column>', 'the model-output column (also reported as prediction drift)')
    .option('--columns <a,b,...>', 'test only these columns')
    .option('--exclude <a,b,...>', 'leave these columns out')
    .option('--test <column=test>', `test for one column (repeatable): ${DRIFT_TESTS.join(', ')}`, collect, [])
    .option('--threshold <column=x>', 'threshold for one column (repeatable)', collect, [])
    .option('--stattest <test>', 'one test for every column')
    .option('--num-stattest <test>', 'one test for every numerical column')
    .option('--cat-stattest <test>', 'one test for every categorical column')
    .option('--correction <bonferroni|bh>', 'adjust p-values for testing many columns')
    .option('--min-sample <n>', 'fewest values per window for a column to be tested', String(DEFAULT_MIN_SAMPLE_SIZE))
    .option('--drift-share <x>', 'the data set drifts when at least this share of columns drift', String(DEFAULT_DRIFT_SHARE))
    .option('--html <out>', 'also write a self-contained HTML report')
    .option('--save-reference <out>', 'also store the reference as a drift reference (.json) for later runs')
    .option('--json', 'print the report as JSON: {columns: [...], dataset, target_drift?, prediction_drift?, options}')
    .action(async (reference: string, current: string, o: DriftFlags) => {
      const options = driftOptions(o);
      const ref = await readReference(reference);
      const cur = await readTable(current);
      const report = computeDrift(ref, cur, options);
      if (o.saveReference) {
        if (isDriftReference(ref)) throw invalid('--save-reference needs a data file as REFERENCE, not a stored drift reference.');
        await writeFile(o.saveReference, serializeDriftReference(buildDriftReference(ref)));
      }
      if (o.html) await writeFile(o.html, renderDriftHtml(report, { reference, current, generatedAt: new Date() }));
      if (o.json) printJson(report);
      else {
        printReport(reference, current, report);
        if (o.html) printLine(`HTML report: ${o.html}`);
        if (o.saveReference) printLine(`Drift reference: ${o.saveReference}`);
      }
      if (report.dataset.drifted) {
        throw new SlipwayError('CHECK_FAILED', `data drift: ${report.dataset.drifted_columns} of ${report.dataset.columns} columns drifted`);
      }
    });
}
