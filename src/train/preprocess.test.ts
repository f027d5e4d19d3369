import { describe, expect, it } from 'vitest';
import { stringColumn, tableFromColumns, type Table } from '../data/index.js';
import { compareCodePoints, fitPreprocessor, slotCount, slotNames, splitTrainTest, transform } from './index.js';

const train = tableFromColumns({
  age: [20, 30, null, 50],
  city: ['Rome', 'Oslo', null, 'Oslo'],
  member: [true, false, true, true],
});

describe('fitPreprocessor', () => {
  it('linear models: impute with the training mean, standardise, one-hot over sorted categories', () => {
    const pre = fitPreprocessor(train, ['age', 'city', 'member'], 'logistic');
    // std of the imputed column (the missing row counts with zero spread), as SimpleImputer + StandardScaler.
    const std = Math.sqrt(((20 - 100 / 3) ** 2 + (30 - 100 / 3) ** 2 + (50 - 100 / 3) ** 2) / 4);
    expect(pre.features).toEqual([
      { name: 'age', kind: 'numeric', impute: 100 / 3, scale: { mean: 100 / 3, std } },
      { name: 'city', kind: 'categorical', categories: ['Oslo', 'Rome'], encoding: 'onehot' },
      { name: 'member', kind: 'categorical', categories: ['false', 'true'], encoding: 'onehot' },
    ]);
    expect(slotCount(pre)).toBe(5);
    expect(slotNames(pre)).toEqual(['age', 'city=Oslo', 'city=Rome', 'member=false', 'member=true']);
    const x = transform(pre, train);
    expect(Array.from(x.subarray(0, 5))).toEqual([(20 - 100 / 3) / std, 0, 1, 0, 1]);
    // Row 2: age imputed (→ 0 after scaling), city missing → all zeros.
    expect(Array.from(x.subarray(10, 15))).toEqual([0, 0, 0, 0, 1]);
  });

  it('trees: raw numbers with NaN for missing, ordinal categories', () => {
    const pre = fitPreprocessor(train, ['age', 'city'], 'gbdt');
    expect(pre.features).toEqual([
      { name: 'age', kind: 'numeric', impute: undefined, scale: undefined },
      { name: 'city', kind: 'categorical', categories: ['Oslo', 'Rome'], encoding: 'ordinal' },
    ]);
    expect(Array.from(transform(pre, train))).toEqual([20, 1, 30, 0, Number.NaN, Number.NaN, 50, 0]);
  });

  it('a constant numeric column scales by 1, not 0', () => {
    const pre = fitPreprocessor(tableFromColumns({ k: [3, 3, 3] }), ['k'], 'linear');
    expect(pre.features[0]).toMatchObject({ scale: { mean: 3, std: 1 } });
  });

  it('sorts categories by code point, not UTF-16 unit', () => {
    // U+FF5E (one unit, 0xFF5E) sorts before U+1F600 (surrogates 0xD83D…) by code point, after it by unit.
    const values = ['😀', '～', 'a'];
    expect([...values].sort(compareCodePoints)).toEqual(['a', '～', '😀']);
    const pre = fitPreprocessor(tableFromColumns({ s: values }), ['s'], 'gbdt');
    expect(pre.features[0]).toMatchObject({ categories: ['a', '～', '😀'] });
  });
});

describe('transform on other tables', () => {
  const pre = fitPreprocessor(train, ['city', 'age'], 'linear');

  it('matches categories by value when the dictionary order differs (another chunk)', () => {
    const chunk: Table = {
      columns: [
        { kind: 'number', name: 'age', type: 'integer', values: Float64Array.from([30, 30]), valid: undefined },
        stringColumn('city', ['Oslo', 'Rome']), // dictionary ['Oslo', 'Rome'] vs training's ['Rome', 'Oslo']
      ],
      rowCount: 2,
      rowOffset: 100,
    };
    const x = transform(pre, chunk);
    expect(Array.from(x.subarray(0, 2))).toEqual([1, 0]);
    expect(Array.from(x.subarray(3, 5))).toEqual([0, 1]);
  });

  it('unseen categories are all zeros (one-hot) or NaN (ordinal)', () => {
    const unseen = tableFromColumns({ city: ['Paris'], age: [40] });
    expect(Array.from(transform(pre, unseen).subarray(0, 2))).toEqual([0, 0]);
    const ordinal = fitPreprocessor(train, ['city'], 'gbdt');
    expect(Array.from(transform(ordinal, unseen))).toEqual([Number.NaN]);
  });

  it('names a column the model needs but the table lacks', () => {
    expect(() => transform(pre, tableFromColumns({ city: ['Oslo'] }))).toThrow(
      "column 'age' is missing from the data (columns: city)",
    );
  });
});

describe('splitTrainTest', () => {
  const table = tableFromColumns({
    i: Array.from({ length: 101 }, (_, i) => i),
    s: Array.from({ length: 101 }, (_, i) => `v${i % 7}`),
  });

  it('is seeded, disjoint, complete, and keeps row order', () => {
    const a = splitTrainTest(table, 0.2, 7);
    const b = splitTrainTest(table, 0.2, 7);
    const ids = (t: Table) => Array.from((t.columns[0] as { values: Float64Array }).values);
    expect(a.test.rowCount).toBe(21); // ceil(101 × 0.2), as scikit-learn counts
    expect(ids(a.test)).toEqual(ids(b.test));
    expect([...ids(a.train), ...ids(a.test)].sort((x, y) => x - y)).toEqual(ids(table));
    expect(ids(a.test)).toEqual([...ids(a.test)].sort((x, y) => x - y));
    expect(ids(splitTrainTest(table, 0.2, 8).test)).not.toEqual(ids(a.test));
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => splitTrainTest(table, 1, 0)).toThrow('test fraction must be between 0 and 1 (exclusive), got 1');
  });
});
