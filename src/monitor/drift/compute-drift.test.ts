import { describe, expect, it } from 'vitest';
import { type Table, tableFromColumns } from '../../data/index.js';
import { SlipwayError } from '../../errors.js';
import { loadDriftFixtures, mismatch } from '../../../test/fixtures/drift/fixtures.js';
import { type ColumnDrift, computeDrift } from './compute-drift.js';
import { adjustPValues } from './corrections.js';
import { type DriftOptions } from './drift-options.js';
import { buildDriftReference, parseDriftReference, serializeDriftReference } from './drift-reference.js';
import { defaultTest, type DriftTestName } from './drift-tests.js';

const fx = loadDriftFixtures();

/** A deterministic generator (same LCG as the fixtures). */
function lcg(seed: number): () => number {
  let s = BigInt(seed);
  return () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
    return Number(s >> 11n) / 2 ** 53;
  };
}
function normals(seed: number, n: number, mean = 0): number[] {
  const r = lcg(seed);
  return Array.from({ length: n }, () => mean + Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}
const col = (report: { columns: readonly ColumnDrift[] }, name: string) => report.columns.find((c) => c.column === name) as ColumnDrift;

describe('computeDrift against Evidently 0.4.37’s whole report', () => {
  for (const [name, input] of Object.entries(fx.reportInputs)) {
    it(`'${name}': per-column kind, test, score and verdict, and the data set's share`, () => {
      const want = fx.reports[name];
      if (!want) throw new Error(`no expected report '${name}'`);
      const perColumn: Record<string, { test?: DriftTestName; threshold?: number }> = {};
      for (const [c, t] of Object.entries(input.options.per_column_stattest ?? {})) perColumn[c] = { test: t as DriftTestName };
      for (const [c, t] of Object.entries(input.options.per_column_stattest_threshold ?? {})) perColumn[c] = { ...perColumn[c], threshold: t };
      const options: DriftOptions = {
        target: 't', ...(input.prediction ? { prediction: 'p' } : {}), minSampleSize: 0, perColumn,
        ...(input.options.stattest ? { stattest: input.options.stattest as DriftTestName } : {}),
      };
      const report = computeDrift(tableFromColumns(input.reference), tableFromColumns(input.current), options);
      const bad: string[] = [];
      for (const [column, w] of Object.entries(want.columns)) {
        const c = col(report, column);
        if (!c) {
          bad.push(`${column}: missing`);
          continue;
        }
        if (c.kind !== w.kind || c.test !== w.test) bad.push(`${column}: ${c.kind}/${c.test}, Evidently ${w.kind}/${w.test}`);
        const score = c.p_value !== null || c.test === 'chisquare' || c.test === 'z' || c.test === 'ks' ? c.p_value : c.statistic;
        const m = mismatch(score, w.score, 1e-9, 1e-15);
        if (m) bad.push(`${column} score: ${m}`);
        if (c.drifted !== w.drifted) bad.push(`${column}: drifted ${c.drifted}, Evidently ${w.drifted}`);
        if (mismatch(c.threshold, w.threshold, 0)) bad.push(`${column}: threshold ${c.threshold}, Evidently ${String(w.threshold)}`);
      }
      expect(bad).toEqual([]);
      expect(report.columns.map((c) => c.column).sort()).toEqual(Object.keys(want.columns).sort());
      expect(report.dataset.columns).toBe(want.dataset.columns);
      expect(report.dataset.drifted_columns).toBe(want.dataset.drifted_columns);
      expect(report.dataset.drifted).toBe(want.dataset.drifted);
      expect(report.target_drift?.column).toBe('t');
    });
  }
});

describe('default test per column kind and size (reference rows after dropping NaN/±∞)', () => {
  const table: [kind: 'numerical' | 'categorical', rows: number, unique: number, test: DriftTestName][] = [
    ['numerical', 1000, 6, 'ks'], ['numerical', 1001, 6, 'wasserstein'],
    ['numerical', 1000, 5, 'chisquare'], ['numerical', 1001, 5, 'jensenshannon'],
    ['numerical', 1000, 3, 'chisquare'], ['numerical', 1001, 3, 'jensenshannon'],
    ['numerical', 1000, 2, 'z'], ['numerical', 1001, 2, 'jensenshannon'],
    ['numerical', 10, 1, 'z'],
    ['categorical', 1000, 3, 'chisquare'], ['categorical', 1001, 3, 'jensenshannon'],
    ['categorical', 1000, 2, 'z'], ['categorical', 1001, 2, 'jensenshannon'],
    ['categorical', 1000, 6, 'chisquare'], ['categorical', 5000, 100, 'jensenshannon'],
  ];
  for (const [kind, rows, unique, test] of table) {
    it(`${kind}, ${rows} reference rows, ${unique} distinct → ${test}`, () => expect(defaultTest(kind, rows, unique)).toBe(test));
  }

  it('counts reference rows after dropping NaN, ±∞ and nulls (1,003 rows with 3 non-finite → KS)', () => {
    const ref = [...normals(1, 1000), Number.NaN, Number.POSITIVE_INFINITY, null];
    const cur = normals(2, 200);
    const r = computeDrift(tableFromColumns({ x: ref }), tableFromColumns({ x: cur }));
    expect(col(r, 'x')).toMatchObject({ test: 'ks', reference_rows: 1000, reference_missing: 3 });
    const r2 = computeDrift(tableFromColumns({ x: [...normals(1, 1001), Number.NaN] }), tableFromColumns({ x: cur }));
    expect(col(r2, 'x').test).toBe('wasserstein');
  });

  it('reads distinct values in both windows together: 5 in the reference + a 6th in the current → KS', () => {
    const ref = Array.from({ length: 100 }, (_, i) => i % 5);
    expect(col(computeDrift(tableFromColumns({ x: ref }), tableFromColumns({ x: ref })), 'x').test).toBe('chisquare');
    expect(col(computeDrift(tableFromColumns({ x: ref }), tableFromColumns({ x: [...ref, 9] })), 'x').test).toBe('ks');
    const two = Array.from({ length: 100 }, (_, i) => i % 2);
    expect(col(computeDrift(tableFromColumns({ x: two }), tableFromColumns({ x: two })), 'x').test).toBe('z');
    expect(col(computeDrift(tableFromColumns({ x: two }), tableFromColumns({ x: [...two, 2] })), 'x').test).toBe('chisquare');
  });

  it('text and booleans are categorical; a numeric target with < 5 values is categorical, a probability prediction numerical', () => {
    const n = 200;
    const r = lcg(3);
    const rows = (shift: number) => ({
      city: Array.from({ length: n }, () => ['a', 'b', 'c'][Math.floor(r() * 3)]),
      flag: Array.from({ length: n }, () => r() < 0.5 + shift),
      label: Array.from({ length: n }, () => (r() < 0.3 ? 1 : 0)),
      score: Array.from({ length: n }, () => Math.min(1, Math.max(0, 0.3 + shift + 0.2 * (r() - 0.5)))),
    });
    const report = computeDrift(tableFromColumns(rows(0)), tableFromColumns(rows(0.2)), { target: 'label', prediction: 'score' });
    expect(col(report, 'city')).toMatchObject({ kind: 'categorical', test: 'chisquare' });
    expect(col(report, 'flag')).toMatchObject({ kind: 'categorical', test: 'z' });
    expect(report.target_drift).toMatchObject({ column: 'label', role: 'target', kind: 'categorical', test: 'z' });
    expect(report.prediction_drift).toMatchObject({ column: 'score', role: 'prediction', kind: 'numerical', test: 'ks', verdict: 'drift' });
  });
});

describe('insufficient data', () => {
  it('a column below the minimum sample size is insufficient_data, never drift', () => {
    const report = computeDrift(tableFromColumns({ x: normals(1, 20) }), tableFromColumns({ x: normals(2, 20, 5) }));
    expect(col(report, 'x')).toMatchObject({ verdict: 'insufficient_data', drifted: false, statistic: null, p_value: null, test: 'ks' });
    expect(report.dataset).toMatchObject({ verdict: 'insufficient_data', drifted: false, columns: 0, insufficient_columns: 1 });
    // The same samples tested when the minimum allows it: far apart, so drift.
    expect(col(computeDrift(tableFromColumns({ x: normals(1, 20) }), tableFromColumns({ x: normals(2, 20, 5) }), { minSampleSize: 20 }), 'x').verdict).toBe('drift');
  });

  it('counts usable values, not rows: 100 rows with 80 nulls in the current window are too few', () => {
    const cur = [...normals(2, 20, 3), ...Array.from({ length: 80 }, () => null)];
    const report = computeDrift(tableFromColumns({ x: normals(1, 100), y: normals(3, 100) }), tableFromColumns({ x: cur, y: normals(4, 100) }));
    expect(col(report, 'x')).toMatchObject({ verdict: 'insufficient_data', current_rows: 20, current_missing: 80 });
    expect(col(report, 'y').verdict).toBe('no_drift');
    expect(report.dataset).toMatchObject({ columns: 1, insufficient_columns: 1, verdict: 'no_drift' });
  });

  it('an empty current column is insufficient even with minSampleSize 0', () => {
    const report = computeDrift(tableFromColumns({ x: normals(1, 50) }), tableFromColumns({ x: [null, null, null] }), { minSampleSize: 0 });
    expect(col(report, 'x').verdict).toBe('insufficient_data');
  });
});

describe('multiple-testing corrections', () => {
  const ps = [0.01, 0.04, 0.03, 0.005, 0.2];
  it('Bonferroni multiplies by the number of tests (capped at 1)', () => {
    expect(adjustPValues(ps, 'bonferroni').map((p) => Number(p.toFixed(10)))).toEqual([0.05, 0.2, 0.15, 0.025, 1]);
  });
  it('Benjamini–Hochberg gives the step-up q-values', () => {
    // sorted: 0.005 (×5/1=.025), 0.01 (×5/2=.025), 0.03 (×5/3=.05), 0.04 (×5/4=.05), 0.2 (×5/5=.2)
    expect(adjustPValues(ps, 'bh').map((p) => Number(p.toFixed(10)))).toEqual([0.025, 0.05, 0.05, 0.025, 0.2]);
    expect(adjustPValues([0.04, 0.04, 0.04], 'bh')).toEqual([0.04, 0.04, 0.04]);
  });

  it('verdicts in a report follow the adjusted p-values; distance tests are not corrected', () => {
    const ref: Record<string, number[]> = {};
    const cur: Record<string, number[]> = {};
    // Five columns with growing shifts, 300 rows each (KS by default); one distance-tested column.
    [0, 0.1, 0.15, 0.2, 0.6].forEach((shift, i) => {
      ref[`c${i}`] = normals(10 + i, 300);
      cur[`c${i}`] = normals(20 + i, 300, shift);
    });
    ref.w = normals(40, 300);
    cur.w = normals(41, 300, 0.3);
    const perColumn = { w: { test: 'wasserstein' as const } };
    const plain = computeDrift(tableFromColumns(ref), tableFromColumns(cur), { perColumn });
    const bonf = computeDrift(tableFromColumns(ref), tableFromColumns(cur), { perColumn, correction: 'bonferroni' });
    const bh = computeDrift(tableFromColumns(ref), tableFromColumns(cur), { perColumn, correction: 'bh' });
    const raw = plain.columns.filter((c) => c.test === 'ks').map((c) => c.p_value as number);
    const expectBonf = adjustPValues(raw, 'bonferroni');
    const expectBh = adjustPValues(raw, 'bh');
    bonf.columns.filter((c) => c.test === 'ks').forEach((c, i) => {
      expect(c.adjusted_p_value).toBe(expectBonf[i]);
      expect(c.adjusted_threshold).toBeCloseTo(0.05 / 5, 15);
      expect(c.drifted).toBe((raw[i] as number) * 5 <= 0.05);
    });
    bh.columns.filter((c) => c.test === 'ks').forEach((c, i) => {
      expect(c.adjusted_p_value).toBe(expectBh[i]);
      expect(c.adjusted_threshold).toBeUndefined();
      expect(c.drifted).toBe((expectBh[i] as number) <= 0.05);
    });
    expect(col(bonf, 'w').adjusted_p_value).toBeUndefined();
    expect(col(bonf, 'w').drifted).toBe(col(plain, 'w').drifted);
    // The correction can only remove drift verdicts, and here it does.
    const count = (r: typeof plain) => r.columns.filter((c) => c.drifted).length;
    expect(count(bonf)).toBeLessThan(count(plain));
    expect(count(bh)).toBeGreaterThanOrEqual(count(bonf));
    expect(bonf.options.correction).toBe('bonferroni');
  });
});

describe('a stored DriftReference gives the report of its table', () => {
  const r = lcg(7);
  const make = (n: number, shift: number, seed: number): Table =>
    tableFromColumns({
      amount: normals(seed, n, shift).map((v) => Math.round(v * 100) / 100),
      age: Array.from({ length: n }, () => 18 + Math.floor(r() * 60)),
      rating: Array.from({ length: n }, () => 1 + Math.floor(r() * (3 + shift))),
      city: Array.from({ length: n }, () => (r() < 0.02 ? null : ['paris', 'lyon', 'nice', 'lille'][Math.floor(r() * (3 + shift * 2))])),
      member: Array.from({ length: n }, () => r() < 0.4 + shift / 10),
      when: Array.from({ length: n }, () => new Date(1_700_000_000_000 + Math.floor(r() * 1e9))),
    });

  for (const [refRows, label] of [[800, 'small reference (KS, chi-square, Z)'], [3000, 'large reference (Wasserstein, Jensen–Shannon)']] as const) {
    it(label, () => {
      const reference = make(refRows, 0, 1);
      const current = make(5000, 0.5, 2);
      const stored = parseDriftReference(serializeDriftReference(buildDriftReference(reference)));
      for (const options of [{}, { stattest: 'psi' as const }, { numericalStattest: 'anderson' as const }, { numericalStattest: 'cramer_von_mises' as const, categoricalStattest: 'hellinger' as const }]) {
        expect(computeDrift(stored, current, options)).toEqual(computeDrift(reference, current, options));
      }
      const report = computeDrift(stored, current);
      expect(report.skipped).toEqual([{ column: 'when', reason: 'timestamp columns are not tested' }]);
    });
  }

  it('a sampled reference keeps the same rows in every column, reproducibly', () => {
    const reference = make(20_000, 0, 3);
    const a = buildDriftReference(reference, { sampleRows: 5000, seed: 1 });
    expect(a.rows).toBe(5000);
    expect(a.sourceRows).toBe(20_000);
    expect(buildDriftReference(reference, { sampleRows: 5000, seed: 1 })).toEqual(a);
    const counts = a.columns.flatMap((c) => (c.type === 'category' ? [c.counts.reduce((x, y) => x + y, 0) + c.missing] : []));
    expect(counts).toEqual([5000, 5000]);
  });

  it('rejects a malformed stored reference with the field named', () => {
    expect(() => parseDriftReference('{"format":"slipway.drift-reference","version":1,"rows":1,"sourceRows":1,"columns":[{"name":"x","type":"number"}]}')).toThrow(/columns\.0/);
    expect(() => parseDriftReference('not json')).toThrow(/not JSON/);
  });
});

describe('options and errors', () => {
  const ref = tableFromColumns({ a: normals(1, 200), b: normals(2, 200), city: Array.from({ length: 200 }, (_, i) => ['x', 'y'][i % 2]) });
  const cur = tableFromColumns({ a: normals(3, 200, 0.5), b: normals(4, 200), city: Array.from({ length: 200 }, (_, i) => ['x', 'y', 'y'][i % 3]), extra: normals(5, 200) });

  it('per-column test and threshold override the defaults', () => {
    const report = computeDrift(ref, cur, { perColumn: { a: { test: 'wasserstein', threshold: 0.9 }, b: { threshold: 0.999 } } });
    expect(col(report, 'a')).toMatchObject({ test: 'wasserstein', threshold: 0.9, verdict: 'no_drift', p_value: null, drift_when: 'statistic >= threshold' });
    expect(col(report, 'b')).toMatchObject({ test: 'ks', threshold: 0.999, verdict: 'drift', drift_when: 'p_value <= threshold' });
    expect(report.skipped).toEqual([{ column: 'extra', reason: 'not in the reference data' }]);
  });

  it('columns and exclude choose what is tested; drift share decides the data set', () => {
    const only = computeDrift(ref, cur, { columns: ['a'] });
    expect(only.columns.map((c) => c.column)).toEqual(['a']);
    expect(only.dataset).toMatchObject({ columns: 1, drifted_columns: 1, share: 1, drifted: true, verdict: 'drift' });
    const rest = computeDrift(ref, cur, { exclude: ['a'] });
    expect(rest.columns.map((c) => c.column)).toEqual(['b', 'city']);
    const all = computeDrift(ref, cur, { driftShare: 0.34 });
    expect(all.dataset.drifted_columns).toBe(2);
    expect(all.dataset.drifted).toBe(true);
    expect(computeDrift(ref, cur, { driftShare: 0.9 }).dataset.drifted).toBe(false);
  });

  const err = (f: () => unknown): SlipwayError => {
    try {
      f();
    } catch (e) {
      if (e instanceof SlipwayError) return e;
      throw e;
    }
    throw new Error('expected an error');
  };

  it('errors name what is wrong', () => {
    expect(err(() => computeDrift(ref, cur, { columns: ['nope'] })).message).toMatch(/column 'nope' is not in the reference/);
    expect(err(() => computeDrift(ref, cur, { target: 'label' })).message).toMatch(/target column 'label'/);
    expect(err(() => computeDrift(ref, tableFromColumns({ a: [1], b: [2] }))).message).toMatch(/'city' is in the reference data but not in the current/);
    expect(err(() => computeDrift(ref, cur, { stattest: 'ks' })).message).toMatch(/'ks' applies to numerical columns, but column 'city' is categorical/);
    expect(err(() => computeDrift(ref, cur, { perColumn: { a: { test: 'nope' as DriftTestName } } })).message).toMatch(/unknown drift test 'nope'/);
    expect(err(() => computeDrift(ref, cur, { perColumn: { a: { threshold: -1 } } })).message).toMatch(/threshold/);
    expect(err(() => computeDrift(ref, cur, { driftShare: 0 })).message).toMatch(/driftShare/);
    expect(err(() => computeDrift(ref, cur, { minSampleSize: 1.5 })).message).toMatch(/minSampleSize/);
    const text = tableFromColumns({ a: Array.from({ length: 200 }, () => 'x'), b: normals(4, 200), city: Array.from({ length: 200 }, () => 'x') });
    expect(err(() => computeDrift(ref, text)).message).toMatch(/'a' holds numbers in the reference data but categories/);
    expect(err(() => computeDrift(ref, cur, { columns: ['nope'] })).code).toBe('INVALID_PARAMETER_VALUE');
  });
});
