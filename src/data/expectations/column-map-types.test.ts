import { describe, expect, it } from 'vitest';
import { run, table } from './test-helpers.js';

const t = table(
  {
    i: [1, 2, 3],
    f: [1.5, 2, 3],
    in: [1, null, 3],
    b: [true, false, true],
    ts: [new Date(0), new Date(1000), new Date(2000)],
    s: ['a', 'b', 'c'],
    m: ['a', 1, 2.5],
  },
  { m: 'mixed' },
);

describe('expect_column_values_to_be_of_type', () => {
  it('judges a numpy-dtype column as a whole', () => {
    expect(run('expect_column_values_to_be_of_type', { column: 'i', type_: 'int64' }, t)).toMatchObject({
      success: true,
      result: { observed_value: 'int64' },
    });
    expect(run('expect_column_values_to_be_of_type', { column: 'i', type_: 'int' }, t).success).toBe(true);
    expect(run('expect_column_values_to_be_of_type', { column: 'f', type_: 'float' }, t)).toMatchObject({
      success: true,
      result: { observed_value: 'float64' },
    });
    expect(run('expect_column_values_to_be_of_type', { column: 'in', type_: 'int64' }, t)).toMatchObject({
      success: false,
      result: { observed_value: 'float64' },
    });
    expect(run('expect_column_values_to_be_of_type', { column: 'b', type_: 'bool' }, t)).toMatchObject({
      success: true,
      result: { observed_value: 'bool_' },
    });
    expect(run('expect_column_values_to_be_of_type', { column: 'ts', type_: 'datetime64[ns]' }, t)).toMatchObject({
      success: true,
      result: { observed_value: 'datetime64' },
    });
    expect(run('expect_column_values_to_be_of_type', { column: 'i', type_: 'str' }, t).success).toBe(false);
  });
  it('judges an object column row by row (isinstance)', () => {
    expect(run('expect_column_values_to_be_of_type', { column: 's', type_: 'str' }, t).success).toBe(true);
    expect(run('expect_column_values_to_be_of_type', { column: 's', type_: 'object' }, t)).toMatchObject({
      success: true,
      result: { observed_value: 'object_' },
    });
    const r = run('expect_column_values_to_be_of_type', { column: 'm', type_: 'str' }, t);
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({
      element_count: 3,
      unexpected_count: 2,
      unexpected_list: [1, 2.5],
      unexpected_index_list: [1, 2],
    });
  });
});

describe('expect_column_values_to_be_in_type_list', () => {
  it('numpy-dtype and object columns', () => {
    expect(run('expect_column_values_to_be_in_type_list', { column: 'i', type_list: ['float64', 'int64'] }, t)).toMatchObject({
      success: true,
      result: { observed_value: 'int64' },
    });
    expect(run('expect_column_values_to_be_in_type_list', { column: 'b', type_list: ['int', 'float'] }, t).success).toBe(false);
    expect(
      run('expect_column_values_to_be_in_type_list', { column: 'm', type_list: ['str', 'int'] }, t).result.unexpected_list,
    ).toEqual([2.5]);
    expect(run('expect_column_values_to_be_in_type_list', { column: 'm', type_list: ['str', 'int', 'float'] }, t).success).toBe(
      true,
    );
  });
});
