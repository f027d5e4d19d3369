import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../errors.js';
import { parseLifetime } from './tokens-command.js';

describe('parseLifetime (--expires)', () => {
  it('reads minutes, hours, days and weeks', () => {
    expect(parseLifetime('90m')).toBe(90 * 60_000);
    expect(parseLifetime('12h')).toBe(12 * 3_600_000);
    expect(parseLifetime('30d')).toBe(30 * 86_400_000);
    expect(parseLifetime(' 2w ')).toBe(14 * 86_400_000);
  });

  it('refuses zero, missing or unknown units, and anything else', () => {
    for (const bad of ['0d', '30', '1y', '30 days', '-1d', '1.5d', '', 'never']) {
      expect(() => parseLifetime(bad), bad).toThrow(SlipwayError);
    }
    expect(() => parseLifetime('1y')).toThrow("--expires expects a lifetime like 30d, 12h, 90m (minutes) or 2w, got '1y'.");
  });
});
