import { describe, expect, it } from 'vitest';
import { parseDateutil } from './date-parse.js';
import { median, Moments, quantilesOf } from './numeric-stats.js';
import { compilePythonRegex } from './py-regex.js';
import { compileStrftime } from './strftime.js';
import { resolveParameters } from './suite-parameters.js';
import { isoFromMs, pyFloatRepr } from './values.js';

const now = new Date(Date.UTC(2024, 5, 15));
const iso = (s: string) => {
  const ms = parseDateutil(s, now);
  return ms === undefined ? undefined : isoFromMs(ms);
};

describe('parseDateutil (checked against python-dateutil 2.9)', () => {
  it.each([
    ['2018-01-02 00:34:01', '2018-01-02T00:34:01'],
    ['Jan 01 1970 12:00:01', '1970-01-01T12:00:01'],
    ['1/2/2016', '2016-01-02T00:00:00'],
    ['13/1/2016', '2016-01-13T00:00:00'],
    ['March 3rd, 2001', '2001-03-03T00:00:00'],
    ['Thu Sep 25 10:36:28 BRST 2003', '2003-09-25T10:36:28'],
    ['2003-09-25T10:49:41.5-03:00', '2003-09-25T13:49:41.500000'],
    ['20180102T003401', '2018-01-02T00:34:01'],
    ['5:30 PM', '2024-06-15T17:30:00'],
    ['Sep 2003', '2003-09-15T00:00:00'],
  ])('%s → %s', (input, expected) => expect(iso(input)).toBe(expected));
  it.each(['abc', '', '2018-13-01', 'Feb 30 2019', '25:00', 'today', '2019-06-31', '1e5'])('rejects %j', (input) =>
    expect(iso(input)).toBeUndefined(),
  );
});

describe('compileStrftime (Python strptime rules)', () => {
  it('accepts what strptime accepts', () => {
    expect(compileStrftime('%Y-%m-%d')('2018-1-1')).toBe(true);
    expect(compileStrftime('%d/%m/%Y')(' 1/12/2020')).toBe(true);
    expect(compileStrftime('%b %d %Y')('JAN 01 2020')).toBe(true);
    expect(compileStrftime('%Y-%m-%dT%H:%M:%S%z')('2020-01-01T00:00:00+05:30')).toBe(true);
    expect(compileStrftime('%I:%M %p')('12:30 pm')).toBe(true);
  });
  it('rejects what strptime rejects', () => {
    expect(compileStrftime('%Y-%m-%d')('18-01-01')).toBe(false);
    expect(compileStrftime('%Y-%m-%d')('2018-02-30')).toBe(false);
    expect(compileStrftime('%m-%d')('02-29')).toBe(false);
    expect(compileStrftime('%H:%M:%S.%f')('12:00:00.1234567')).toBe(false);
    expect(compileStrftime('%S')('60')).toBe(false);
    expect(() => compileStrftime('%Y %Q')).toThrow("'Q' is a bad directive in format '%Y %Q'");
  });
});

describe('compilePythonRegex', () => {
  it('translates Python-only syntax', () => {
    expect(compilePythonRegex('(?P<y>\\d{4})-(?P=y)').test('2020-2020')).toBe(true);
    expect(compilePythonRegex('(?i)^abc$').test('ABC\n')).toBe(true);
    expect(compilePythonRegex('\\Aab\\Z').test('ab\n')).toBe(false);
    expect(compilePythonRegex('^a{,2}$').test('aa')).toBe(true);
    expect(compilePythonRegex('(?x) a  b # comment').test('ab')).toBe(true);
    expect(() => compilePythonRegex('(?i:a)')).toThrow(/JavaScript lacks/);
  });
});

describe('numbers as pandas computes them', () => {
  it('mean, sum and sample variance bit for bit on small data', () => {
    const m = new Moments();
    for (const v of [1, 1, 3]) m.add(v);
    expect(Math.sqrt(m.variance())).toBe(1.1547005383792517);
    expect(m.average()).toBe(5 / 3);
  });
  it('quantiles (numpy methods) and the median', () => {
    const v = () => Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10.5]);
    expect(quantilesOf(v(), [0, 0.25, 0.5, 0.75, 1], 'nearest')).toEqual([1, 3, 5, 8, 10.5]);
    expect(quantilesOf(v(), [0.25], 'linear')).toEqual([3.25]);
    expect(median(v())).toBe(5.5);
    expect(median(Float64Array.from([3, 1, 2]))).toBe(2);
  });
  it("Python's float repr", () => {
    expect([1, 1.5, 1e16, 1.5e-5, 0.0001, 123456789.5, -0].map(pyFloatRepr)).toEqual([
      '1.0',
      '1.5',
      '1e+16',
      '1.5e-05',
      '0.0001',
      '123456789.5',
      '-0.0',
    ]);
  });
});

describe('suite parameters', () => {
  it('names and now()/timedelta expressions', () => {
    expect(resolveParameters({ $PARAMETER: 'low' }, { low: 5 }, now)).toBe(5);
    expect(resolveParameters([{ $PARAMETER: 'now() - timedelta(days=1, hours=12)' }], {}, now)).toEqual([
      new Date(Date.UTC(2024, 5, 13, 12)),
    ]);
    expect(resolveParameters({ $PARAMETER: 'low * 2 + 1' }, { low: 5 }, now)).toBe(11);
    expect(() => resolveParameters({ $PARAMETER: 'high' }, {}, now)).toThrow("suite parameter 'high': unknown name 'high'");
  });
});
