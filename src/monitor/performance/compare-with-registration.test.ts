import { describe, expect, it } from 'vitest';
import { compareWithRegistration } from './compare-with-registration.js';
import { timeWindows } from './time-windows.js';

describe('compareWithRegistration', () => {
  it('gives change, relative change and degradation in each metric direction', () => {
    const c = compareWithRegistration(
      { accuracy: 0.75, log_loss: 0.5, rmse: 2, roc_auc: null, f1: 0.9 },
      { accuracy: 0.8, log_loss: 0.4, rmse: 2.5, roc_auc: 0.9, f1: 0, 'fairness.sex.demographic_parity_ratio': 0.8 },
      { tolerance: 0.04 },
    );
    expect(Object.keys(c)).toEqual(['accuracy', 'log_loss', 'rmse', 'roc_auc', 'f1']);
    expect(c.accuracy).toEqual({ current: 0.75, at_registration: 0.8, change: 0.75 - 0.8, relative_change: (0.75 - 0.8) / 0.8, degraded: true });
    expect(c.log_loss?.degraded).toBe(true); // lower is better: up by 0.1 > 0.04
    expect(c.rmse).toMatchObject({ change: -0.5, relative_change: -0.2, degraded: false });
    expect(c.roc_auc).toEqual({ current: null, at_registration: 0.9, change: null, relative_change: null, degraded: null });
    expect(c.f1).toMatchObject({ change: 0.9, relative_change: null, degraded: false });
  });

  it('stays within the tolerance, compares chosen metrics, and knows nothing without a window or a registration', () => {
    expect(compareWithRegistration({ accuracy: 0.77 }, { accuracy: 0.8 }, { tolerance: 0.05 }).accuracy?.degraded).toBe(false);
    expect(compareWithRegistration({ accuracy: 0.8 }, { accuracy: 0.8 }).accuracy?.degraded).toBe(false);
    expect(compareWithRegistration({ accuracy: 0.7999 }, { accuracy: 0.8 }).accuracy?.degraded).toBe(true);
    expect(Object.keys(compareWithRegistration({ a: 1, b: 2 }, { a: 1, b: 1 }, { metrics: ['b'] }))).toEqual(['b']);
    expect(compareWithRegistration(null, { accuracy: 0.8 }).accuracy).toEqual({ current: null, at_registration: 0.8, change: null, relative_change: null, degraded: null });
    expect(compareWithRegistration({ accuracy: 0.8 }, undefined)).toEqual({});
    expect(() => compareWithRegistration({}, {}, { tolerance: -1 })).toThrow(/tolerance must be a finite number ≥ 0/);
  });
});

describe('timeWindows', () => {
  it('cuts a range by length (the last window cut short) or into equal counts', () => {
    expect(timeWindows(0, 250, 100)).toEqual([{ start: 0, end: 100 }, { start: 100, end: 200 }, { start: 200, end: 250 }]);
    expect(timeWindows(0, 200, 100)).toEqual([{ start: 0, end: 100 }, { start: 100, end: 200 }]);
    expect(timeWindows(0, 10, { count: 3 })).toEqual([{ start: 0, end: 3 }, { start: 3, end: 6 }, { start: 6, end: 10 }]);
    expect(timeWindows(5, 6, { count: 1 })).toEqual([{ start: 5, end: 6 }]);
  });

  it('refuses empty ranges and impossible windows', () => {
    expect(() => timeWindows(10, 10, 1)).toThrow(/the range is empty/);
    expect(() => timeWindows(0, 10, 0)).toThrow(/window must be a positive number of milliseconds/);
    expect(() => timeWindows(0, 10, 1.5)).toThrow(/window must be a positive number/);
    expect(() => timeWindows(0, 10, { count: 11 })).toThrow(/cannot cut 10 ms into 11 windows/);
    expect(() => timeWindows(0, 10, { count: 0 })).toThrow(/window count must be an integer/);
    expect(() => timeWindows(0, 1e9, 1)).toThrow(/at most 10000/);
    expect(() => timeWindows(0.5, 10, 1)).toThrow(/whole epoch milliseconds/);
  });
});
