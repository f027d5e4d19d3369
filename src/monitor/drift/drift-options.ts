/**
 * What a drift report tests and how: which columns, which test and threshold per column, the minimum
 * sample size, the share of drifted columns that makes a data set drift, and an optional correction
 * for testing many columns at once.
 */
import { invalid } from '../../errors.js';
import { CORRECTIONS, type Correction } from './corrections.js';
import { DRIFT_TESTS, type DriftTestName, isDriftTestName } from './drift-tests.js';

export interface ColumnDriftOptions {
  /** The test for this column. @default Evidently's choice for the column's kind and size */
  readonly test?: DriftTestName;
  /** Its threshold. @default the test's own (0.05 for KS, chi-square and Z; 0.1 for the others) */
  readonly threshold?: number;
}

export interface DriftOptions {
  /**
   * Columns to test (the target and prediction columns are added when named).
   * @default every reference column except timestamps
   */
  readonly columns?: readonly string[];
  /** Columns to leave out. @default [] */
  readonly exclude?: readonly string[];
  /** The target (label) column: tested like the others, also reported as `target_drift`. */
  readonly target?: string;
  /** The model-output column (a label or a score): tested like the others, also reported as `prediction_drift`. */
  readonly prediction?: string;
  /** One test for every column (columns of a kind it cannot test are an error). @default per column */
  readonly stattest?: DriftTestName;
  /** One test for every numerical column; overrides `stattest` there. */
  readonly numericalStattest?: DriftTestName;
  /** One test for every categorical column; overrides `stattest` there. */
  readonly categoricalStattest?: DriftTestName;
  /** Per-column test and threshold; a column's own setting wins over the global ones. @default {} */
  readonly perColumn?: Readonly<Record<string, ColumnDriftOptions>>;
  /**
   * Fewest usable values (non-null, finite) each window needs for a column to be tested; below it the
   * column's verdict is 'insufficient_data', never 'drift'.
   * @default 30
   */
  readonly minSampleSize?: number;
  /** The data set drifts when at least this share of the tested columns drift. @default 0.5 */
  readonly driftShare?: number;
  /** Adjust the p-values of p-value tests for testing many columns. @default none */
  readonly correction?: Correction;
  /** Include each column's binned distributions (for charts; never raw rows). @default true */
  readonly charts?: boolean;
}

export const DEFAULT_MIN_SAMPLE_SIZE = 30;
export const DEFAULT_DRIFT_SHARE = 0.5;

export interface ResolvedDriftOptions {
  readonly columns: readonly string[] | undefined;
  readonly exclude: ReadonlySet<string>;
  readonly target: string | undefined;
  readonly prediction: string | undefined;
  readonly stattest: DriftTestName | undefined;
  readonly numericalStattest: DriftTestName | undefined;
  readonly categoricalStattest: DriftTestName | undefined;
  readonly perColumn: Readonly<Record<string, ColumnDriftOptions>>;
  readonly minSampleSize: number;
  readonly driftShare: number;
  readonly correction: Correction | undefined;
  readonly charts: boolean;
}

const testName = (where: string, t: string | undefined): DriftTestName | undefined => {
  if (t === undefined) return undefined;
  if (!isDriftTestName(t)) throw invalid(`${where}: unknown drift test '${t}'; the tests are ${DRIFT_TESTS.join(', ')}.`, { test: t });
  return t;
};

/** Defaults applied and every value checked, with errors that name the option. */
export function resolveDriftOptions(o: DriftOptions = {}): ResolvedDriftOptions {
  const minSampleSize = o.minSampleSize ?? DEFAULT_MIN_SAMPLE_SIZE;
  if (!Number.isSafeInteger(minSampleSize) || minSampleSize < 0) throw invalid(`minSampleSize must be a whole number ≥ 0, got ${minSampleSize}.`);
  const driftShare = o.driftShare ?? DEFAULT_DRIFT_SHARE;
  if (!(driftShare > 0 && driftShare <= 1)) throw invalid(`driftShare must be in (0, 1], got ${driftShare}.`);
  if (o.correction !== undefined && !CORRECTIONS.includes(o.correction)) throw invalid(`correction must be ${CORRECTIONS.join(' or ')}, got '${String(o.correction)}'.`);
  const perColumn: Record<string, ColumnDriftOptions> = {};
  for (const [col, c] of Object.entries(o.perColumn ?? {})) {
    const test = testName(`column '${col}'`, c.test);
    if (c.threshold !== undefined && !(Number.isFinite(c.threshold) && c.threshold >= 0)) {
      throw invalid(`column '${col}': threshold must be a finite number ≥ 0, got ${c.threshold}.`, { column: col });
    }
    perColumn[col] = { ...(test ? { test } : {}), ...(c.threshold !== undefined ? { threshold: c.threshold } : {}) };
  }
  if (o.target !== undefined && o.target === o.prediction) throw invalid(`target and prediction name the same column '${o.target}'.`);
  return {
    columns: o.columns,
    exclude: new Set(o.exclude ?? []),
    target: o.target,
    prediction: o.prediction,
    stattest: testName('stattest', o.stattest),
    numericalStattest: testName('numericalStattest', o.numericalStattest),
    categoricalStattest: testName('categoricalStattest', o.categoricalStattest),
    perColumn,
    minSampleSize,
    driftShare,
    correction: o.correction,
    charts: o.charts ?? true,
  };
}
