import { describe, expect, it } from 'vitest';
import { loadDriftFixtures, mismatch, sorted } from '../../../../test/fixtures/drift/fixtures.js';
import { andersonDarling2Samp } from './anderson-darling.js';
import { evidentlyChiSquare } from './chi-square.js';
import { cdfCvmInf, cramerVonMises2Samp } from './cramer-von-mises.js';
import { jensenShannonDistance } from './divergence.js';
import { kstwoSf } from './kolmogorov.js';
import { ks2Samp } from './ks.js';
import { chi2Sf } from './special.js';
import { wassersteinDistance, wassersteinNormed } from './wasserstein.js';
import { evidentlyZTest } from './z-test.js';

/**
 * Every statistic and p-value against SciPy 1.10.1's on the same inputs (Debian 12's python3-scipy;
 * see test/fixtures/drift/make-fixtures.py). Tolerances:
 * - CLOSED (1e-12 relative): closed forms and exact sums — KS D and exact p-values, Wasserstein,
 *   chi-square statistic, Z statistic, Anderson–Darling statistic, Cramér–von Mises statistic and exact
 *   p-value, Jensen–Shannon. They differ from SciPy only by summation order (numpy sums pairwise).
 * - SERIES (1e-9 relative): p-values from iterative numerics — kstwo.sf (Durbin matrix powers through
 *   BLAS, Pomeranz, Pelz–Good, Smirnov's long sum), the chi-squared tail (Cephes' igamc against a
 *   series / continued fraction here), the CvM limiting distribution (Bessel K by quadrature here),
 *   and the Anderson–Darling interpolation (numpy's SVD least squares against QR here).
 * - ABS (1e-15 absolute, on top): p-values formed as 1 − CDF (Z-test, KS tails) carry one rounding
 *   of a number near 1, which is ~1.1e-16 absolute whatever the p-value's size.
 * - CVM_ABS (1e-14 absolute, on top): the asymptotic CvM p-value is 1 − Σ terms of a series near 1,
 *   each term with its own ~1e-16 relative error (SciPy's Bessel K from AMOS, here by quadrature);
 *   measured differences are ≤ 2.2e-15.
 */
const CLOSED = 1e-12;
const SERIES = 1e-9;
const ABS = 1e-15;
const CVM_ABS = 1e-14;
const fx = loadDriftFixtures();

describe(`SciPy ${fx.meta.scipy} parity`, () => {
  it('fixtures came from Debian 12’s SciPy 1.10.1 and Evidently 0.4.37', () => {
    expect(fx.meta.scipy).toBe('1.10.1');
    expect(fx.meta.evidently).toBe('0.4.37');
  });

  it('kstwo.sf over every branch of SciPy’s method choice', () => {
    const bad = fx.kstwoSf.flatMap(([n, d, want]) => {
      const m = mismatch(kstwoSf(d, n), want, SERIES, ABS);
      return m ? [`kstwo.sf(${d}, ${n}): ${m}`] : [];
    });
    expect(bad).toEqual([]);
  });

  it('chi2.sf, including tails far below 1e-100', () => {
    const bad = fx.chi2Sf.flatMap(([x, df, want]) => {
      const m = mismatch(chi2Sf(x, df), want, SERIES);
      return m ? [`chi2.sf(${x}, ${df}): ${m}`] : [];
    });
    expect(bad).toEqual([]);
  });

  it('the limiting Cramér–von Mises CDF', () => {
    const bad = fx.cdfCvmInf.flatMap(([x, want]) => {
      const m = mismatch(cdfCvmInf(x), want, SERIES, ABS);
      return m ? [`_cdf_cvm_inf(${x}): ${m}`] : [];
    });
    expect(bad).toEqual([]);
  });

  for (const [name, input] of Object.entries(fx.numericInputs)) {
    const want = fx.numeric[name];
    if (!want) continue;
    it(`numeric sample pair '${name}' (${input.reference.length} vs ${input.current.length})`, () => {
      const a = sorted(input.reference);
      const b = sorted(input.current);
      const bad: string[] = [];
      const check = (what: string, m: string | undefined) => m && bad.push(`${what}: ${m}`);
      const ks = ks2Samp(a, b);
      check('ks statistic', mismatch(ks.statistic, want.ks.statistic, CLOSED));
      check(`ks p-value (${ks.method})`, mismatch(ks.pValue, want.ks.p_value, ks.method === 'exact' ? CLOSED : SERIES, ABS));
      check('wasserstein_distance', mismatch(wassersteinDistance(a, b), want.wasserstein, CLOSED));
      check('wasserstein normed', mismatch(wassersteinNormed(a, b), want.wasserstein_norm, CLOSED));
      const ad = andersonDarling2Samp(a, b);
      if ('error' in want.anderson) check('anderson_ksamp refuses', ad === undefined ? undefined : 'expected SciPy’s refusal');
      else {
        check('anderson statistic', mismatch(ad?.statistic, want.anderson.statistic, CLOSED));
        check('anderson p-value', mismatch(ad?.pValue, want.anderson.p_value, SERIES));
        want.anderson.critical_values.forEach((c, i) => check(`anderson critical ${i}`, mismatch(ad?.criticalValues[i], c, CLOSED)));
      }
      if ('error' in want.cramer_von_mises) throw new Error('unexpected CvM error in fixtures');
      const cvm = cramerVonMises2Samp(a, b);
      check('cvm statistic', mismatch(cvm.statistic, want.cramer_von_mises.statistic, CLOSED, 1e-14));
      check(`cvm p-value (${cvm.method})`, mismatch(cvm.pValue, want.cramer_von_mises.p_value, cvm.method === 'exact' ? CLOSED : SERIES, cvm.method === 'exact' ? ABS : CVM_ABS));
      expect(bad).toEqual([]);
    });
  }

  for (const [name, c] of Object.entries(fx.categorical)) {
    it(`scipy jensenshannon on '${name}'`, () => {
      expect(mismatch(jensenShannonDistance(c.scipy_jensenshannon.p, c.scipy_jensenshannon.q), c.scipy_jensenshannon.value, CLOSED)).toBeUndefined();
    });
  }

  it('chisquare and Z on hand-aligned counts', () => {
    const c = fx.categorical.cat_3;
    expect(c).toBeDefined();
    const r = evidentlyChiSquare([70, 80, 50], [100, 110, 90]);
    expect(mismatch(r.statistic, c?.chisquare.statistic ?? null, CLOSED)).toBeUndefined();
    expect(mismatch(r.pValue, c?.chisquare.p_value ?? null, SERIES)).toBeUndefined();
    const z = evidentlyZTest([70, 80, 50], [100, 110, 90]);
    expect(mismatch(z.statistic, c?.z.statistic ?? null, CLOSED)).toBeUndefined();
    expect(mismatch(z.pValue, c?.z.p_value ?? null, CLOSED, ABS)).toBeUndefined();
  });
});
