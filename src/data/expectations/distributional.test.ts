import { describe, expect, it } from 'vitest';
import { chiSquareSf } from './partition.js';
import { run } from './test-helpers.js';

const cats = { c: [...Array(50).fill('A'), ...Array(30).fill('B'), ...Array(20).fill('C')] };

describe('expect_column_kl_divergence_to_be_less_than', () => {
  it('categorical partition: zero divergence when shares match', () => {
    const r = run(
      'expect_column_kl_divergence_to_be_less_than',
      { column: 'c', partition_object: { values: ['A', 'B', 'C'], weights: [0.5, 0.3, 0.2] }, threshold: 0.01 },
      cats,
    );
    expect(r).toMatchObject({ success: true, result: { observed_value: 0 } });
  });
  it('categorical partition: divergence = Σ p ln(p/q)', () => {
    const r = run(
      'expect_column_kl_divergence_to_be_less_than',
      { column: 'c', partition_object: { values: ['A', 'B', 'C'], weights: [0.4, 0.4, 0.2] }, threshold: 0.01 },
      cats,
    );
    expect(r.success).toBe(false);
    expect(r.result.observed_value).toBeCloseTo(0.5 * Math.log(0.5 / 0.4) + 0.3 * Math.log(0.3 / 0.4), 14);
  });
  it('continuous partition with tail weights', () => {
    const x = { x: [0.5, 1.5, 1.5, 2.5, 5] };
    const r = run(
      'expect_column_kl_divergence_to_be_less_than',
      {
        column: 'x',
        partition_object: { bins: [0, 1, 2, 3], weights: [0.2, 0.4, 0.2], tail_weights: [0.1, 0.1] },
        threshold: 0.5,
      },
      x,
    );
    expect(r.success).toBe(true);
    expect(r.result.details).toMatchObject({
      observed_partition: { bins: [0, 1, 2, 3], weights: [0.2, 0.4, 0.2], tail_weights: [0, 0.2] },
    });
  });
  it('an invalid partition is a load-time error', () => {
    expect(() =>
      run(
        'expect_column_kl_divergence_to_be_less_than',
        { column: 'x', partition_object: { bins: [0, 1], weights: [0.5] }, threshold: 0.1 },
        { x: [1] },
      ),
    ).toThrow(/Invalid partition object/);
  });
});

describe('expect_column_chisquare_test_p_value_to_be_greater_than', () => {
  it('passes when counts match the expected shares', () => {
    const r = run(
      'expect_column_chisquare_test_p_value_to_be_greater_than',
      { column: 'c', partition_object: { values: ['A', 'B', 'C'], weights: [0.5, 0.3, 0.2] }, p: 0.05 },
      cats,
    );
    expect(r).toMatchObject({ success: true, result: { observed_value: 1 } });
  });
  it('fails with a small p-value (chi2 = 21, df = 2: p = e^-10.5)', () => {
    const r = run(
      'expect_column_chisquare_test_p_value_to_be_greater_than',
      { column: 'c', partition_object: { values: ['A', 'B', 'C'], weights: [0.3, 0.3, 0.4] }, p: 0.05 },
      cats,
    );
    expect(r.success).toBe(false);
    const stat = 20 ** 2 / 30 + 0 + 20 ** 2 / 40;
    expect(r.result.observed_value).toBeCloseTo(Math.exp(-stat / 2), 15);
  });
  it('keeps tiny p-values accurate', () => {
    expect(chiSquareSf(240, 2) / Math.exp(-120)).toBeCloseTo(1, 12);
    expect(chiSquareSf(3, 4)).toBeCloseTo(0.5578254003710745, 12);
  });
});
