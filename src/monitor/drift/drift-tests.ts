/**
 * The drift tests by name (Evidently's names), each with the column kinds it applies to, its default
 * threshold and which side of the threshold is drift — all as Evidently 0.4.37 defines them:
 *
 * | test             | kinds       | figure            | default | drift when |
 * |------------------|-------------|-------------------|---------|------------|
 * | ks               | numerical   | p-value           | 0.05    | p ≤ t      |
 * | chisquare        | both        | p-value           | 0.05    | p < t      |
 * | z                | both        | p-value           | 0.05    | p < t      |
 * | anderson         | numerical   | p-value           | 0.1     | p < t      |
 * | cramer_von_mises | numerical   | p-value           | 0.1     | p ≤ t      |
 * | wasserstein      | numerical   | distance / std    | 0.1     | d ≥ t      |
 * | jensenshannon    | both        | distance          | 0.1     | d ≥ t      |
 * | psi              | both        | index             | 0.1     | d ≥ t      |
 * | kl_div           | both        | divergence        | 0.1     | d ≥ t      |
 * | hellinger        | both        | distance          | 0.1     | d ≥ t      |
 */
import { type ColumnKind, type ColumnPair } from './column-pair.js';
import { andersonDarling2Samp } from './stats/anderson-darling.js';
import { fillEmpty } from './stats/binning.js';
import { evidentlyChiSquare } from './stats/chi-square.js';
import { cramerVonMises2Samp } from './stats/cramer-von-mises.js';
import { jensenShannonDistance, klDivergence, populationStabilityIndex } from './stats/divergence.js';
import { hellingerCategorical, hellingerNumeric } from './stats/hellinger.js';
import { ks2Samp } from './stats/ks.js';
import { wassersteinNormed } from './stats/wasserstein.js';
import { evidentlyZTest } from './stats/z-test.js';

export const DRIFT_TESTS = [
  'ks', 'chisquare', 'z', 'anderson', 'cramer_von_mises', 'wasserstein', 'jensenshannon', 'psi', 'kl_div', 'hellinger',
] as const;
export type DriftTestName = (typeof DRIFT_TESTS)[number];

export interface TestOutcome {
  /** The test's statistic (for distance tests, the distance); null when the test has none here. */
  readonly statistic: number | null;
  /** null for distance tests, and where SciPy's answer is NaN (one category in both windows). */
  readonly pValue: number | null;
  /** 'exact' or 'asymptotic' for KS and Cramér–von Mises. */
  readonly method?: 'exact' | 'asymptotic';
  /** Why a figure is missing. */
  readonly note?: string;
}

export interface DriftTest {
  readonly name: DriftTestName;
  /** Evidently's display name. */
  readonly label: string;
  readonly kinds: readonly ColumnKind[];
  /** Whether the threshold applies to a p-value (small = drift) or to a distance (large = drift). */
  readonly figure: 'p_value' | 'distance';
  readonly defaultThreshold: number;
  /** Drift when figure `<` / `<=` / `>=` threshold. */
  readonly driftWhen: '<' | '<=' | '>=';
  /** Fewest values each window needs for the test to be defined at all. */
  readonly minPerWindow: number;
  run(pair: ColumnPair): TestOutcome;
}

const ONE_VALUE = 'both windows hold the same single value';

const TESTS: Readonly<Record<DriftTestName, DriftTest>> = {
  ks: {
    name: 'ks', label: 'K-S p_value', kinds: ['numerical'], figure: 'p_value', defaultThreshold: 0.05, driftWhen: '<=', minPerWindow: 1,
    run: (p) => {
      const { ref, cur } = p.numeric;
      const r = ks2Samp(ref, cur);
      return { statistic: r.statistic, pValue: r.pValue, method: r.method };
    },
  },
  chisquare: {
    name: 'chisquare', label: 'chi-square p_value', kinds: ['numerical', 'categorical'], figure: 'p_value', defaultThreshold: 0.05, driftWhen: '<', minPerWindow: 1,
    run: (p) => {
      const a = p.aligned;
      const r = evidentlyChiSquare(a.ref, a.cur);
      return Number.isNaN(r.pValue) ? { statistic: r.statistic, pValue: null, note: ONE_VALUE } : r;
    },
  },
  z: {
    name: 'z', label: 'Z-test p_value', kinds: ['numerical', 'categorical'], figure: 'p_value', defaultThreshold: 0.05, driftWhen: '<', minPerWindow: 1,
    run: (p) => {
      const a = p.aligned;
      return evidentlyZTest(a.ref, a.cur);
    },
  },
  anderson: {
    name: 'anderson', label: 'Anderson-Darling', kinds: ['numerical'], figure: 'p_value', defaultThreshold: 0.1, driftWhen: '<', minPerWindow: 2,
    run: (p) => {
      const { ref, cur } = p.numeric;
      const r = andersonDarling2Samp(ref, cur);
      return r ? { statistic: r.statistic, pValue: r.pValue } : { statistic: null, pValue: null, note: ONE_VALUE };
    },
  },
  cramer_von_mises: {
    name: 'cramer_von_mises', label: 'Cramer-von Mises', kinds: ['numerical'], figure: 'p_value', defaultThreshold: 0.1, driftWhen: '<=', minPerWindow: 2,
    run: (p) => {
      const { ref, cur } = p.numeric;
      const r = cramerVonMises2Samp(ref, cur);
      return { statistic: r.statistic, pValue: r.pValue, method: r.method };
    },
  },
  wasserstein: {
    name: 'wasserstein', label: 'Wasserstein distance (normed)', kinds: ['numerical'], figure: 'distance', defaultThreshold: 0.1, driftWhen: '>=', minPerWindow: 1,
    run: (p) => {
      const { ref, cur } = p.numeric;
      return { statistic: wassersteinNormed(ref, cur), pValue: null };
    },
  },
  jensenshannon: {
    name: 'jensenshannon', label: 'Jensen-Shannon distance', kinds: ['numerical', 'categorical'], figure: 'distance', defaultThreshold: 0.1, driftWhen: '>=', minPerWindow: 1,
    run: (p) => {
      const s = p.binnedShares();
      return { statistic: jensenShannonDistance(s.ref, s.cur), pValue: null };
    },
  },
  psi: {
    name: 'psi', label: 'PSI', kinds: ['numerical', 'categorical'], figure: 'distance', defaultThreshold: 0.1, driftWhen: '>=', minPerWindow: 1,
    run: (p) => {
      const s = p.binnedShares();
      return { statistic: populationStabilityIndex(fillEmpty(s.ref), fillEmpty(s.cur)), pValue: null };
    },
  },
  kl_div: {
    name: 'kl_div', label: 'Kullback-Leibler divergence', kinds: ['numerical', 'categorical'], figure: 'distance', defaultThreshold: 0.1, driftWhen: '>=', minPerWindow: 1,
    run: (p) => {
      const s = p.binnedShares();
      return { statistic: klDivergence(fillEmpty(s.ref), fillEmpty(s.cur)), pValue: null };
    },
  },
  hellinger: {
    name: 'hellinger', label: 'Hellinger distance', kinds: ['numerical', 'categorical'], figure: 'distance', defaultThreshold: 0.1, driftWhen: '>=', minPerWindow: 1,
    run: (p) => {
      if (p.kind === 'numerical') {
        const { ref, cur } = p.numeric;
        return { statistic: hellingerNumeric(ref, cur, p.aligned.keys as number[]), pValue: null };
      }
      const a = p.aligned;
      return { statistic: hellingerCategorical(a.ref, a.cur, p.nRef, p.nCur), pValue: null };
    },
  },
};

export function driftTest(name: DriftTestName): DriftTest {
  return TESTS[name];
}

export function isDriftTestName(name: string): name is DriftTestName {
  return (DRIFT_TESTS as readonly string[]).includes(name);
}

/** Whether `figure` is drift against `threshold` under the test's rule. */
export function isDrift(test: DriftTest, figure: number, threshold: number): boolean {
  switch (test.driftWhen) {
    case '<':
      return figure < threshold;
    case '<=':
      return figure <= threshold;
    case '>=':
      return figure >= threshold;
  }
}

/**
 * Evidently's default test for a column, from its kind, the reference's row count (after dropping
 * NaN/±∞) and the number of distinct values in reference and current together:
 *
 * | kind        | distinct | reference ≤ 1000 rows | reference > 1000 rows |
 * |-------------|----------|-----------------------|-----------------------|
 * | numerical   | > 5      | ks                    | wasserstein           |
 * | numerical   | 3–5      | chisquare             | jensenshannon         |
 * | numerical   | ≤ 2      | z                     | jensenshannon         |
 * | categorical | > 2      | chisquare             | jensenshannon         |
 * | categorical | ≤ 2      | z                     | jensenshannon         |
 */
export function defaultTest(kind: ColumnKind, referenceRows: number, uniqueValues: number): DriftTestName {
  if (referenceRows <= 1000) {
    if (kind === 'numerical' && uniqueValues > 5) return 'ks';
    return uniqueValues > 2 ? 'chisquare' : 'z';
  }
  if (kind === 'numerical' && uniqueValues > 5) return 'wasserstein';
  return 'jensenshannon';
}
