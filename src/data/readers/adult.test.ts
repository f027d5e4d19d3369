import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { columnByName, nullCount } from '../table.js';
import { readTable } from './read-table.js';
import { typesOf } from './test-helpers.js';

const ADULT = fileURLToPath(new URL('../../../examples/adult-income/raw/adult-census-income.csv', import.meta.url));

describe('the UCI Adult census CSV', () => {
  it("reads 32,561 rows × 15 columns with '?' as null", async () => {
    const t = await readTable(ADULT);
    expect(t.rowCount).toBe(32_561);
    expect(t.badRows).toBe(0);
    expect(typesOf(t)).toEqual({
      age: 'integer',
      workclass: 'string',
      fnlwgt: 'integer',
      education: 'string',
      education_num: 'integer',
      marital_status: 'string',
      occupation: 'string',
      relationship: 'string',
      race: 'string',
      sex: 'string',
      capital_gain: 'integer',
      capital_loss: 'integer',
      hours_per_week: 'integer',
      native_country: 'string',
      income: 'string',
    });
    // Independent counts (Python's csv module over the same file): '?' in workclass 1836, occupation
    // 1843, native_country 583; income <=50K 24720, >50K 7841.
    const nulls = (name: string) => nullCount(columnByName(t, name) as NonNullable<ReturnType<typeof columnByName>>);
    expect([nulls('workclass'), nulls('occupation'), nulls('native_country'), nulls('age')]).toEqual([1836, 1843, 583, 0]);
    const income = columnByName(t, 'income');
    expect(income?.kind === 'string' && income.dictionary).toEqual(['<=50K', '>50K']);
    expect(income?.kind === 'string' && income.codes.filter((c) => c === 1).length).toBe(7841);
    const workclass = columnByName(t, 'workclass');
    expect(workclass?.kind === 'string' && workclass.dictionary.length).toBe(8); // 9 distinct raw values, one of them '?'
  });
});
