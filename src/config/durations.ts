/** Durations in pipeline files: a bare number means seconds (as CI systems write timeouts), or '500ms' / '30s' / '5m' / '1h'. */

export type DurationUnits = Readonly<Record<string, number>>;

/** Units of pipeline files (timeouts, backoffs). */
const UNIT_MS: DurationUnits = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export const DURATION_HINT = "a duration like 30 (seconds), '30s', '5m', '1h' or '500ms'";

/**
 * A parser of durations with these unit suffixes: milliseconds (rounded), or undefined when the value
 * is not a non-negative duration. A bare number is always seconds.
 */
export function durationParser(units: DurationUnits): (value: unknown) => number | undefined {
  const pattern = new RegExp(`^(\\d+(?:\\.\\d+)?)\\s*(${Object.keys(units).join('|')})$`);
  return (value) => {
    if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
    if (typeof value !== 'string') return undefined;
    const m = pattern.exec(value.trim());
    if (!m?.[1] || !m[2]) return undefined;
    const unit = units[m[2]];
    return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
  };
}

/** Milliseconds (rounded), or undefined when the value is not a non-negative duration. */
export const parseDuration = durationParser(UNIT_MS);
