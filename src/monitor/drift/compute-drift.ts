/**
 * A drift report of a current window against a reference (a table, or a stored DriftReference built
 * from one — the two give identical reports): per column the test used, its statistic, p-value where
 * it has one, threshold and verdict; then the data set's verdict from the share of drifted columns
 * (Evidently's DataDriftTable semantics, target and prediction included, with a minimum sample size
 * and optional multiple-testing correction added).
 *
 * Columns are prepared one at a time — each numeric column of the window sorted once, each categorical
 * column counted once over its dictionary codes — and every test reads those.
 */
import { columnByName, type Table } from '../../data/index.js';
import { invalid } from '../../errors.js';
import { type ColumnKind, ColumnPair } from './column-pair.js';
import { type ColumnSample, sampleColumn, sampleSize } from './column-sample.js';
import { adjustPValues, type Correction } from './corrections.js';
import { type DistributionChart, distributionChart } from './distribution-chart.js';
import { type DriftOptions, type ResolvedDriftOptions, resolveDriftOptions } from './drift-options.js';
import { type DriftReference, isDriftReference, referenceSamples } from './drift-reference.js';
import { defaultTest, type DriftTest, driftTest, type DriftTestName, isDrift } from './drift-tests.js';
import { unionDistinct } from './stats/binning.js';

export type Verdict = 'drift' | 'no_drift' | 'insufficient_data';
export type ColumnRole = 'feature' | 'target' | 'prediction';

export interface ColumnDrift {
  readonly column: string;
  readonly role: ColumnRole;
  readonly kind: ColumnKind;
  /** The test used (or, for insufficient data, the one that would have been). */
  readonly test: DriftTestName;
  /** null when the column was not tested or the test has no statistic here. */
  readonly statistic: number | null;
  /** For p-value tests; null for distance tests and untested columns. */
  readonly p_value: number | null;
  readonly threshold: number;
  /** The rule, e.g. 'p_value <= threshold' or 'statistic >= threshold'. */
  readonly drift_when: string;
  /** 'exact' or 'asymptotic' p-value (KS, Cramér–von Mises). */
  readonly method?: 'exact' | 'asymptotic';
  /** With a correction: the adjusted p-value the verdict compares with `threshold`. */
  readonly adjusted_p_value?: number;
  /** With Bonferroni: the raw p-value threshold it amounts to (threshold / number of p-value tests). */
  readonly adjusted_threshold?: number;
  readonly drifted: boolean;
  readonly verdict: Verdict;
  /** Usable values (non-null, finite) in each window, and the rows left out. */
  readonly reference_rows: number;
  readonly current_rows: number;
  readonly reference_missing: number;
  readonly current_missing: number;
  /** Distinct values in both windows together (what the default test choice reads). */
  readonly unique_values: number;
  readonly note?: string;
  readonly distribution?: DistributionChart;
}

export interface DatasetDrift {
  /** Columns with enough data to be tested. */
  readonly columns: number;
  readonly drifted_columns: number;
  readonly insufficient_columns: number;
  /** drifted_columns / columns (0 when nothing was tested). */
  readonly share: number;
  readonly drift_share_threshold: number;
  readonly drifted: boolean;
  readonly verdict: Verdict;
}

export interface DriftReport {
  readonly reference_rows: number;
  readonly current_rows: number;
  readonly columns: readonly ColumnDrift[];
  readonly dataset: DatasetDrift;
  readonly target_drift?: ColumnDrift;
  readonly prediction_drift?: ColumnDrift;
  /** Columns not tested, and why (timestamps; current-only columns). */
  readonly skipped: readonly { readonly column: string; readonly reason: string }[];
  readonly options: {
    readonly min_sample_size: number;
    readonly drift_share: number;
    readonly correction: Correction | null;
    readonly stattest: DriftTestName | null;
    readonly numerical_stattest: DriftTestName | null;
    readonly categorical_stattest: DriftTestName | null;
    readonly per_column: Readonly<Record<string, { readonly test?: DriftTestName; readonly threshold?: number }>>;
  };
}

interface ReferenceSource {
  readonly rows: number;
  readonly names: readonly string[];
  sample(names: ReadonlySet<string>): Map<string, ColumnSample | undefined>;
}

function referenceSource(reference: Table | DriftReference): ReferenceSource {
  if (isDriftReference(reference)) {
    return { rows: reference.rows, names: reference.columns.map((c) => c.name), sample: (names) => referenceSamples(reference, names) };
  }
  return {
    rows: reference.rowCount,
    names: reference.columns.map((c) => c.name),
    sample: (names) => new Map(reference.columns.filter((c) => names.has(c.name)).map((c) => [c.name, sampleColumn(c)])),
  };
}

/**
 * @example
 *   const report = computeDrift(referenceTable, currentTable, { target: 'label', correction: 'bh' });
 *   if (report.dataset.drifted) console.log(report.columns.filter((c) => c.drifted).map((c) => c.column));
 */
export function computeDrift(reference: Table | DriftReference, current: Table, options: DriftOptions = {}): DriftReport {
  const o = resolveDriftOptions(options);
  const source = referenceSource(reference);
  const refNames = new Set(source.names);
  const roles = new Map<string, ColumnRole>();
  const skipped: { column: string; reason: string }[] = [];
  for (const [name, role] of [[o.target, 'target'], [o.prediction, 'prediction']] as const) {
    if (name === undefined) continue;
    if (!refNames.has(name)) throw invalid(`${role} column '${name}' is not in the reference data (columns: ${source.names.join(', ')}).`, { column: name });
    roles.set(name, role);
  }
  for (const name of [...(o.columns ?? []), ...o.exclude, ...Object.keys(o.perColumn)]) {
    if (!refNames.has(name)) throw invalid(`column '${name}' is not in the reference data (columns: ${source.names.join(', ')}).`, { column: name });
  }
  const wanted = new Set(o.columns ?? source.names);
  const selected = source.names.filter((n) => roles.has(n) || (wanted.has(n) && !o.exclude.has(n)));
  for (const name of selected) {
    if (!columnByName(current, name)) throw invalid(`column '${name}' is in the reference data but not in the current data.`, { column: name });
  }
  for (const c of current.columns) if (!refNames.has(c.name)) skipped.push({ column: c.name, reason: 'not in the reference data' });

  const refSamples = source.sample(new Set(selected));
  const prepared: { name: string; role: ColumnRole; ref: ColumnSample; cur: ColumnSample }[] = [];
  for (const name of selected) {
    const ref = refSamples.get(name);
    const cur = sampleColumn(columnByName(current, name) as NonNullable<ReturnType<typeof columnByName>>);
    if (!ref || !cur) {
      skipped.push({ column: name, reason: 'timestamp columns are not tested' });
      continue;
    }
    if (ref.type !== cur.type && sampleSize(ref) > 0 && sampleSize(cur) > 0) {
      const what = (s: ColumnSample) => (s.type === 'number' ? 'numbers' : 'categories (text or booleans)');
      throw invalid(`column '${name}' holds ${what(ref)} in the reference data but ${what(cur)} in the current data.`, { column: name });
    }
    prepared.push({ name, role: roles.get(name) ?? 'feature', ref, cur });
  }

  // The target's kind decides a prediction column's (classification vs regression), so do it first.
  const targetPrep = prepared.find((p) => p.role === 'target');
  const targetKind = targetPrep ? columnKind(targetPrep.role, targetPrep.ref, targetPrep.cur, undefined) : undefined;
  const results = prepared.map((p) => testColumn(p.name, p.role, new ColumnPair(columnKind(p.role, p.ref, p.cur, targetKind), p.ref, p.cur), o));
  const corrected = o.correction ? applyCorrection(results, o.correction) : results;

  const tested = corrected.filter((c) => c.verdict !== 'insufficient_data');
  const drifted = tested.filter((c) => c.drifted).length;
  const share = tested.length ? drifted / tested.length : 0;
  const datasetDrifted = tested.length > 0 && share >= o.driftShare;
  const target = corrected.find((c) => c.role === 'target');
  const prediction = corrected.find((c) => c.role === 'prediction');
  return {
    reference_rows: source.rows,
    current_rows: current.rowCount,
    columns: corrected,
    dataset: {
      columns: tested.length,
      drifted_columns: drifted,
      insufficient_columns: corrected.length - tested.length,
      share,
      drift_share_threshold: o.driftShare,
      drifted: datasetDrifted,
      verdict: tested.length === 0 ? 'insufficient_data' : datasetDrifted ? 'drift' : 'no_drift',
    },
    ...(target ? { target_drift: target } : {}),
    ...(prediction ? { prediction_drift: prediction } : {}),
    skipped,
    options: {
      min_sample_size: o.minSampleSize,
      drift_share: o.driftShare,
      correction: o.correction ?? null,
      stattest: o.stattest ?? null,
      numerical_stattest: o.numericalStattest ?? null,
      categorical_stattest: o.categoricalStattest ?? null,
      per_column: o.perColumn,
    },
  };
}

/**
 * Numbers are numerical and everything else categorical, except (as Evidently does) a numeric target
 * with fewer than 5 distinct values (a classification label), and a numeric prediction that is neither
 * a regression output nor a probability in [0, 1].
 */
function columnKind(role: ColumnRole, ref: ColumnSample, cur: ColumnSample, targetKind: ColumnKind | undefined): ColumnKind {
  if (ref.type !== cur.type) return (sampleSize(ref) > 0 ? ref : cur).type === 'number' ? 'numerical' : 'categorical'; // one side is empty
  if (ref.type !== 'number' || cur.type !== 'number') return 'categorical';
  if (role === 'feature') return 'numerical';
  const unique = unionDistinct(ref.sorted, cur.sorted);
  if (role === 'target') return unique >= 5 ? 'numerical' : 'categorical';
  if (targetKind === 'numerical') return 'numerical';
  const isFloat = ref.numberType === 'float' || cur.numberType === 'float';
  const lo = Math.min(ref.sorted[0] ?? Infinity, cur.sorted[0] ?? Infinity);
  const hi = Math.max(ref.sorted[ref.sorted.length - 1] ?? -Infinity, cur.sorted[cur.sorted.length - 1] ?? -Infinity);
  if (isFloat && lo >= 0 && hi <= 1) return 'numerical';
  return targetKind === undefined && unique > 5 ? 'numerical' : 'categorical';
}

function chooseTest(name: string, kind: ColumnKind, pair: ColumnPair, o: ResolvedDriftOptions): DriftTest {
  const chosen = o.perColumn[name]?.test ?? (kind === 'numerical' ? o.numericalStattest : o.categoricalStattest) ?? o.stattest;
  if (chosen === undefined) return driftTest(defaultTest(kind, pair.nRef, pair.uniqueValues));
  const test = driftTest(chosen);
  if (!test.kinds.includes(kind)) {
    throw invalid(`test '${chosen}' applies to ${test.kinds.join(' and ')} columns, but column '${name}' is ${kind}; choose another test for it (e.g. per column).`, { column: name, test: chosen });
  }
  return test;
}

const RULE: Record<DriftTest['driftWhen'], string> = { '<': '<', '<=': '<=', '>=': '>=' };

function testColumn(name: string, role: ColumnRole, pair: ColumnPair, o: ResolvedDriftOptions): ColumnDrift {
  const test = chooseTest(name, pair.kind, pair, o);
  const threshold = o.perColumn[name]?.threshold ?? test.defaultThreshold;
  const need = Math.max(1, o.minSampleSize, test.minPerWindow);
  const drift_when = `${test.figure === 'p_value' ? 'p_value' : 'statistic'} ${RULE[test.driftWhen]} threshold`;
  const counts = {
    reference_rows: pair.nRef, current_rows: pair.nCur, reference_missing: pair.ref.missing, current_missing: pair.cur.missing,
    unique_values: pair.uniqueValues,
  };
  const chart = o.charts && pair.ref.type === pair.cur.type && (pair.nRef > 0 || pair.nCur > 0) ? { distribution: distributionChart(pair) } : {};
  const head = { column: name, role, kind: pair.kind, test: test.name };
  if (pair.nRef < need || pair.nCur < need) {
    const note = `needs at least ${need} values in each window (reference ${pair.nRef}, current ${pair.nCur})`;
    return { ...head, statistic: null, p_value: null, threshold, drift_when, drifted: false, verdict: 'insufficient_data', ...counts, note, ...chart };
  }
  const r = test.run(pair);
  const figure = test.figure === 'p_value' ? r.pValue : r.statistic;
  const drifted = figure !== null && !Number.isNaN(figure) && isDrift(test, figure, threshold);
  return {
    ...head, statistic: r.statistic, p_value: r.pValue, threshold, drift_when, ...(r.method ? { method: r.method } : {}),
    drifted, verdict: drifted ? 'drift' : 'no_drift', ...counts, ...(r.note ? { note: r.note } : {}), ...chart,
  };
}

function applyCorrection(results: ColumnDrift[], method: Correction): ColumnDrift[] {
  const at = results.flatMap((c, i) => (c.verdict !== 'insufficient_data' && c.p_value !== null && driftTest(c.test).figure === 'p_value' ? [i] : []));
  const adjusted = adjustPValues(at.map((i) => (results[i] as ColumnDrift).p_value as number), method);
  const out = [...results];
  at.forEach((i, k) => {
    const c = results[i] as ColumnDrift;
    const adj = adjusted[k] as number;
    const drifted = isDrift(driftTest(c.test), adj, c.threshold);
    const { drifted: _d, verdict: _v, ...rest } = c;
    const [before, after] = splitAt(rest, 'reference_rows');
    out[i] = {
      ...before,
      adjusted_p_value: adj,
      ...(method === 'bonferroni' ? { adjusted_threshold: c.threshold / at.length } : {}),
      drifted,
      verdict: drifted ? 'drift' : 'no_drift',
      ...after,
    } as ColumnDrift;
  });
  return out;
}

/** An object's entries before and from `key`, keeping their order (for a readable JSON field order). */
function splitAt<T extends object>(o: T, key: string): [Partial<T>, Partial<T>] {
  const entries = Object.entries(o);
  const at = entries.findIndex(([k]) => k === key);
  return [Object.fromEntries(entries.slice(0, at)) as Partial<T>, Object.fromEntries(entries.slice(at)) as Partial<T>];
}
