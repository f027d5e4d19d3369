import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastWasInteger, parseBoolean, parseNumber, parseTimestamp } from './parse-text.js';

const num = (text: string): number => {
  const b = Buffer.from(text, 'latin1');
  return parseNumber(b, 0, b.length);
};

describe('parseNumber', () => {
  it('equals Number() on decimal text, fast path and fallback alike', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 17 }), (x, digits) => {
        for (const text of [String(x), x.toFixed(Math.min(digits, 100)), x.toPrecision(Math.max(1, digits))]) {
          expect(num(text)).toBe(Number(text));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('equals Number() on short decimals with up to 15 digits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }), fc.integer({ min: 0, max: 15 }), (m, k) => {
        const s = (m < 0n ? -m : m).toString().padStart(k + 1, '0');
        const text = `${m < 0n ? '-' : ''}${s.slice(0, s.length - k)}${k ? '.' : ''}${s.slice(s.length - k)}`;
        expect(num(text)).toBe(Number(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('tells integers from fractions by how they are written', () => {
    const cases: [string, number, boolean][] = [
      ['42', 42, true],
      [' -7 ', -7, true],
      ['+3', 3, true],
      ['1.0', 1, false],
      ['.5', 0.5, false],
      ['1.', 1, false],
      ['1e3', 1000, false],
      ['-2.5E-3', -0.0025, false],
      ['12345678901234567890', 1.2345678901234567e19, true],
    ];
    for (const [text, value, integer] of cases) {
      expect(num(text)).toBe(value);
      expect(lastWasInteger).toBe(integer);
    }
  });

  it('rejects what is not a plain decimal number', () => {
    for (const text of ['', ' ', '-', '.', 'abc', '1a', '1,5', '0x1F', 'NaN', 'Infinity', '1e', '1e+', '--1', '1 2', '1.2.3']) {
      expect(num(text)).toBeNaN();
    }
  });
});

describe('parseBoolean', () => {
  it('reads true/false in any case and nothing else', () => {
    const b = (t: string) => parseBoolean(Buffer.from(t), 0, t.length);
    expect(['true', 'TRUE', 'True', 'tRuE'].map(b)).toEqual([1, 1, 1, 1]);
    expect(['false', 'FALSE', 'False'].map(b)).toEqual([0, 0, 0]);
    expect(['0', '1', 'yes', 'no', 't', 'f', 'truth', ''].map(b)).toEqual([-1, -1, -1, -1, -1, -1, -1, -1]);
  });
});

describe('parseTimestamp', () => {
  it('reads ISO-8601 dates and date-times as UTC unless an offset says otherwise', () => {
    expect(parseTimestamp('2011-01-01')).toBe(Date.UTC(2011, 0, 1));
    expect(parseTimestamp('2011-01-01T00:00:00Z')).toBe(Date.UTC(2011, 0, 1));
    expect(parseTimestamp('2011-01-01 13:45:00')).toBe(Date.UTC(2011, 0, 1, 13, 45));
    expect(parseTimestamp('2011-01-01T13:45')).toBe(Date.UTC(2011, 0, 1, 13, 45));
    expect(parseTimestamp('2011-01-01T13:45:00.123456Z')).toBe(Date.UTC(2011, 0, 1, 13, 45, 0, 123));
    expect(parseTimestamp('2011-01-01T13:45:00+0530')).toBe(Date.UTC(2011, 0, 1, 8, 15));
    expect(parseTimestamp('2011-01-01T13:45:00-02')).toBe(Date.UTC(2011, 0, 1, 15, 45));
    expect(parseTimestamp('2012-02-29')).toBe(Date.UTC(2012, 1, 29));
    expect(parseTimestamp('0050-06-01')).toBe(new Date('0050-06-01T00:00:00Z').getTime());
  });

  it('rejects impossible dates and other formats', () => {
    for (const text of [
      '2011-02-29',
      '2011-13-01',
      '2011-00-10',
      '2011-01-32',
      '2011-01-01T24:00',
      '2011-1-1',
      '01/02/2011',
      '2011-01-01T',
      '20110101',
      '',
    ]) {
      expect(parseTimestamp(text)).toBeNaN();
    }
  });
});
