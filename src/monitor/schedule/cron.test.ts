import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCron } from './cron.js';

const at = (iso: string) => Date.parse(iso);
const iso = (d: Date) => d.toISOString().replace(':00.000Z', 'Z');

describe('cron: next due time (UTC)', () => {
  it.each([
    ['* * * * *', '2025-01-01T00:00:30Z', '2025-01-01T00:01Z'],
    ['* * * * *', '2025-01-01T00:00:00Z', '2025-01-01T00:01Z'],
    ['*/15 * * * *', '2025-01-01T10:07:00Z', '2025-01-01T10:15Z'],
    ['*/15 * * * *', '2025-01-01T10:45:00Z', '2025-01-01T11:00Z'],
    ['*/15 * * * *', '2025-12-31T23:50:00Z', '2026-01-01T00:00Z'],
    ['1-10/3 * * * *', '2025-01-01T10:00:00Z', '2025-01-01T10:01Z'],
    ['1-10/3 * * * *', '2025-01-01T10:04:00Z', '2025-01-01T10:07Z'],
    ['1-10/3 * * * *', '2025-01-01T10:10:00Z', '2025-01-01T11:01Z'],
    ['50/5 * * * *', '2025-01-01T10:56:00Z', '2025-01-01T11:50Z'],
    ['0 */6 * * *', '2025-01-01T05:59:00Z', '2025-01-01T06:00Z'],
    ['0 0 31 * *', '2025-01-31T00:00:00Z', '2025-03-31T00:00Z'], // February has no 31st
    ['0 0 31 * *', '2025-03-31T00:00:00Z', '2025-05-31T00:00Z'], // nor April
    ['0 0 28-31 2 *', '2025-02-28T00:00:00Z', '2026-02-28T00:00Z'],
    ['0 0 29 2 *', '2025-01-01T00:00:00Z', '2028-02-29T00:00Z'],
    ['0 0 29 2 *', '2096-03-01T00:00:00Z', '2104-02-29T00:00Z'], // 2100 is not a leap year
    ['59 23 31 12 *', '2025-12-31T23:59:00Z', '2026-12-31T23:59Z'],
    // Both day fields restricted: either matches (Vixie). 2025-01-10 is a Friday, the 13th a Monday.
    ['0 0 13 * FRI', '2025-01-10T00:00:00Z', '2025-01-13T00:00Z'],
    ['0 0 13 * FRI', '2025-01-13T00:00:00Z', '2025-01-17T00:00Z'],
    ['0 0 * * FRI', '2025-01-10T00:00:00Z', '2025-01-17T00:00Z'],
    // A day field starting with '*' is unrestricted for that rule: odd days AND Mondays.
    ['0 0 */2 * MON', '2025-01-01T00:00:00Z', '2025-01-13T00:00Z'],
    ['30 9 * * MON-FRI', '2025-01-03T09:30:00Z', '2025-01-06T09:30Z'],
    ['0 0 * * 7', '2025-01-01T00:00:00Z', '2025-01-05T00:00Z'],
    ['0 0 * * 5-7', '2025-01-05T00:00:00Z', '2025-01-10T00:00Z'],
    ['0 0 1 JAN,jul *', '2025-02-01T00:00:00Z', '2025-07-01T00:00Z'],
    ['0 9 * mar-may sat', '2025-05-31T09:00:00Z', '2026-03-07T09:00Z'],
    ['@hourly', '2025-01-01T10:00:00Z', '2025-01-01T11:00Z'],
    ['@daily', '2025-12-31T12:00:00Z', '2026-01-01T00:00Z'],
    ['@midnight', '2025-12-31T12:00:00Z', '2026-01-01T00:00Z'],
    ['@weekly', '2025-01-01T00:00:00Z', '2025-01-05T00:00Z'],
    ['@monthly', '2025-01-31T23:59:00Z', '2025-02-01T00:00Z'],
    ['@yearly', '2025-01-01T00:00:00Z', '2026-01-01T00:00Z'],
    ['@ANNUALLY', '2024-02-29T12:00:00Z', '2025-01-01T00:00Z'],
  ])('%s after %s is %s', (expr, from, next) => {
    expect(iso(parseCron(expr).nextAfter(new Date(from)))).toBe(next);
    expect(iso(parseCron(expr).nextAfter(at(from)))).toBe(next);
  });
});

describe('cron: latest due time at or before', () => {
  it.each([
    ['0 * * * *', '2025-01-01T10:00:00Z', '2025-01-01T10:00Z'],
    ['0 * * * *', '2025-01-01T10:59:59.999Z', '2025-01-01T10:00Z'],
    ['*/15 * * * *', '2025-01-01T00:14:59.999Z', '2025-01-01T00:00Z'],
    ['*/15 * * * *', '2025-01-01T00:00:00Z', '2025-01-01T00:00Z'],
    ['*/15 * * * *', '2025-01-01T00:00:00Z', '2025-01-01T00:00Z'],
    ['0 0 31 * *', '2025-05-15T00:00:00Z', '2025-03-31T00:00Z'],
    ['0 0 29 2 *', '2027-06-01T00:00:00Z', '2024-02-29T00:00Z'],
    ['0 0 1 1 *', '2024-12-31T23:59:00Z', '2024-01-01T00:00Z'],
    ['0 0 13 * FRI', '2025-01-16T12:00:00Z', '2025-01-13T00:00Z'],
    ['30 9 * * MON-FRI', '2025-01-06T09:29:00Z', '2025-01-03T09:30Z'],
  ])('%s at or before %s is %s', (expr, time, latest) => {
    expect(iso(parseCron(expr).latestAtOrBefore(at(time)))).toBe(latest);
  });

  it('agrees with nextAfter and with a minute-by-minute scan', () => {
    const expressions = ['* * * * *', '*/7 * * * *', '5,35 */3 * * *', '0 0 13 * FRI', '15 10 * * 1-5', '0 12 */2 * *', '0 0 * * SUN', '@hourly', '1-10/3 4-6 * * *'];
    const minute = 60_000;
    fc.assert(
      fc.property(fc.constantFrom(...expressions), fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2030-12-31T00:00:00Z') }), (expr, t) => {
        const c = parseCron(expr);
        const next = c.nextAfter(t).getTime();
        const latest = c.latestAtOrBefore(t).getTime();
        expect(next).toBeGreaterThan(t);
        expect(latest).toBeLessThanOrEqual(t);
        expect(c.matches(next) && c.matches(latest)).toBe(true);
        expect(c.nextAfter(latest).getTime()).toBe(next); // nothing due in between
        let scan = Math.floor(t / minute) * minute + minute;
        while (!c.matches(scan)) scan += minute;
        expect(scan).toBe(next);
      }),
      { numRuns: 300 },
    );
  });
});

describe('cron: parse errors name the field', () => {
  it.each([
    ['', "cron '': needs 5 fields (minute hour day-of-month month day-of-week), got 0"],
    ['* * * *', "cron '* * * *': needs 5 fields (minute hour day-of-month month day-of-week), got 4"],
    ['0 * * * * *', "cron '0 * * * * *': needs 5 fields (minute hour day-of-month month day-of-week), got 6 (seconds are not supported)"],
    ['60 * * * *', "cron '60 * * * *': minute field '60': 60 is out of range 0-59"],
    ['* 24 * * *', "cron '* 24 * * *': hour field '24': 24 is out of range 0-23"],
    ['* * 0 * *', "cron '* * 0 * *': day-of-month field '0': 0 is out of range 1-31"],
    ['* * * 13 *', "cron '* * * 13 *': month field '13': 13 is out of range 1-12"],
    ['* * * FOO *', "cron '* * * FOO *': month field 'FOO': 'FOO' is not a number 1-12 or a name JAN-DEC"],
    ['* * * * 8', "cron '* * * * 8': day-of-week field '8': 8 is out of range 0-7"],
    ['* * * * MON-XYZ', "cron '* * * * MON-XYZ': day-of-week field 'MON-XYZ': 'XYZ' is not a number 0-7 or a name SUN-SAT"],
    ['*/0 * * * *', "cron '*/0 * * * *': minute field '*/0': step '0' must be a whole number of at least 1"],
    ['*/x * * * *', "cron '*/x * * * *': minute field '*/x': step 'x' must be a whole number of at least 1"],
    ['5-1 * * * *', "cron '5-1 * * * *': minute field '5-1': range '5-1' runs backwards (wrap-around is not supported: write two ranges)"],
    ['1,,2 * * * *', "cron '1,,2 * * * *': minute field '1,,2': empty list item"],
    ['1-2-3 * * * *', "cron '1-2-3 * * * *': minute field '1-2-3': '1-2-3' is not a range like 1-5"],
    ['*/5/2 * * * *', "cron '*/5/2 * * * *': minute field '*/5/2': '*/5/2' is not a value, range or step"],
    ['-1 * * * *', "cron '-1 * * * *': minute field '-1': '' is not a number 0-59"],
    ['0 0 30 2 *', "cron '0 0 30 2 *': day-of-month '30' never occurs in month '2', so it would never run"],
    ['@reboot', "cron '@reboot': unknown shorthand '@reboot': use @hourly, @daily, @weekly, @monthly or @yearly"],
  ])('%j', (expr, message) => {
    expect(() => parseCron(expr)).toThrow(message);
    try {
      parseCron(expr);
    } catch (e) {
      expect((e as Error).message).toBe(message);
      expect((e as { code?: string }).code).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('accepts 31 in a month list that has a 31-day month, and Feb 29', () => {
    expect(() => parseCron('0 0 31 2,3 *')).not.toThrow();
    expect(() => parseCron('0 0 29 2 *')).not.toThrow();
    expect(() => parseCron('0 0 30 2 MON')).not.toThrow(); // either day field: Mondays in February
  });
});
