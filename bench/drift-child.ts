import { type Column, type Table } from '../src/data/index.js';
import { buildDriftReference, computeDrift, parseDriftReference, serializeDriftReference } from '../src/monitor/index.js';

/**
 * The drift benchmark in a fresh process, so peak RSS is its own: builds a 1,000,000-row current window
 * and a 50,000-row reference sample (10 numeric, 10 categorical columns), stores the reference as a
 * DriftReference (JSON text), then times, median of 3 each: sorting every numeric column of the window
 * once (the baseline), and the drift report from the stored text. Prints
 * {"sortMs", "driftMs", "maxRssMb", "referenceBytes", "drifted", "tests"}.
 */
const CURRENT_ROWS = 1_000_000;
const REFERENCE_ROWS = 50_000;
const NUMERIC = 10;
const CATEGORICAL = 10;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Half the columns of the current window shift a little (so some drift, as in real windows). */
function table(rows: number, seed: number, shift: number): Table {
  const r = random(seed);
  const columns: Column[] = [];
  for (let c = 0; c < NUMERIC; c++) {
    const values = new Float64Array(rows);
    const s = c % 2 ? shift : 0;
    for (let i = 0; i < rows; i++) values[i] = Math.round((100 * c + 10 * s + (5 + c) * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())) * 1000) / 1000;
    columns.push({ kind: 'number', name: `num_${c}`, type: 'float', values, valid: undefined });
  }
  for (let c = 0; c < CATEGORICAL; c++) {
    const k = 3 + 5 * c;
    const dictionary = Array.from({ length: k }, (_, i) => `c${c}_value_${i}`);
    const codes = new Int32Array(rows);
    const skew = 1 + (c % 2 ? shift : 0);
    for (let i = 0; i < rows; i++) codes[i] = Math.min(k - 1, Math.floor(r() ** skew * k));
    columns.push({ kind: 'string', name: `cat_${c}`, type: 'string', codes, dictionary });
  }
  return { columns, rowCount: rows, rowOffset: 0 };
}

function median(n: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)] as number;
}

const current = table(CURRENT_ROWS, 2, 0.2);
const stored = serializeDriftReference(buildDriftReference(table(REFERENCE_ROWS, 1, 0)));
const numeric = current.columns.filter((c): c is Extract<Column, { kind: 'number' }> => c.kind === 'number');
const sortMs = median(3, () => {
  for (const c of numeric) Float64Array.from(c.values).sort();
});
let report: ReturnType<typeof computeDrift> | undefined;
const driftMs = median(3, () => {
  report = computeDrift(parseDriftReference(stored), current);
});
process.stdout.write(
  `${JSON.stringify({
    sortMs, driftMs, maxRssMb: process.resourceUsage().maxRSS / 1024, referenceBytes: stored.length,
    drifted: report?.dataset.drifted_columns, tests: [...new Set(report?.columns.map((c) => c.test))],
  })}\n`,
);
