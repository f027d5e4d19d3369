import { describe, expect, it } from 'vitest';
import { type CountTable, type EvidentlyExpected, loadDriftFixtures, mismatch } from '../../../test/fixtures/drift/fixtures.js';
import { ColumnPair, type ColumnKind } from './column-pair.js';
import { type CategoryKey, categorical, numericSample } from './column-sample.js';
import { defaultTest, driftTest, type DriftTestName } from './drift-tests.js';

/**
 * Evidently 0.4.37's own stattest functions on the fixtures' inputs (see make-fixtures.py): the test it
 * picks by default, chi-square and Z (p-value and statistic), and Jensen–Shannon, PSI, KL and Hellinger
 * on its binning. Closed forms: 1e-12 relative; chi-square's p-value goes through the incomplete gamma
 * (1e-9); Z's p-value is 2·(1 − Φ(|z|)) and keeps SciPy's absolute rounding near 1 (1e-15 absolute).
 */
const CLOSED = 1e-12;
const SERIES = 1e-9;
const ABS = 1e-15;
const fx = loadDriftFixtures();

function compare(pair: ColumnPair, want: EvidentlyExpected): string[] {
  const bad: string[] = [];
  const check = (what: string, m: string | undefined) => m && bad.push(`${what}: ${m}`);
  const run = (name: DriftTestName) => driftTest(name).run(pair);
  expect(defaultTest(pair.kind, pair.nRef, pair.uniqueValues)).toBe(want.default_test);
  const chi = run('chisquare');
  check('chisquare statistic', mismatch(chi.statistic, want.chisquare.statistic, CLOSED));
  check('chisquare p', mismatch(chi.pValue, want.chisquare.p_value, SERIES));
  const z = run('z');
  // Evidently has no statistic when both windows are one and the same value; ours is 0 there.
  check('z statistic', mismatch(z.statistic, want.z.statistic ?? 0, CLOSED));
  check('z p', mismatch(z.pValue, want.z.p_value, CLOSED, ABS));
  for (const name of ['jensenshannon', 'psi', 'kl_div', 'hellinger'] as const) {
    check(name, mismatch(run(name).statistic, want[name], CLOSED, 1e-15));
  }
  return bad;
}

function fromCounts(t: CountTable) {
  return categorical(new Map<CategoryKey, number>(t.values.map((v, i) => [v, t.counts[i] ?? 0])), 0);
}

describe(`Evidently ${fx.meta.evidently} parity`, () => {
  for (const [name, input] of Object.entries(fx.numericInputs)) {
    const want = fx.numeric[name];
    if (!want) continue;
    it(`numeric '${name}': default test ${want.default_test}, chi-square, Z, JS, PSI, KL, Hellinger, normed Wasserstein`, () => {
      const kind: ColumnKind = 'numerical';
      const pair = new ColumnPair(kind, numericSample(Float64Array.from(input.reference), undefined, 'float'), numericSample(Float64Array.from(input.current), undefined, 'float'));
      const bad = compare(pair, want);
      const w = driftTest('wasserstein').run(pair);
      const m = mismatch(w.statistic, want.wasserstein_norm, CLOSED);
      if (m) bad.push(`wasserstein: ${m}`);
      expect(bad).toEqual([]);
    });
  }

  for (const [name, input] of Object.entries(fx.categoricalInputs)) {
    const want = fx.categorical[name];
    if (!want) continue;
    it(`categorical '${name}': default test ${want.default_test}, chi-square, Z, JS, PSI, KL, Hellinger`, () => {
      const pair = new ColumnPair('categorical', fromCounts(input.reference), fromCounts(input.current));
      expect(compare(pair, want)).toEqual([]);
    });
  }
});
