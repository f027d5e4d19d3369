/**
 * Five-field cron expressions, evaluated in UTC (a schedule means the same instants on every machine,
 * and no daylight-saving jump can skip or repeat a run):
 *
 *   ┌ minute        0-59
 *   │ ┌ hour        0-23
 *   │ │ ┌ day of month 1-31
 *   │ │ │ ┌ month   1-12 or JAN-DEC
 *   │ │ │ │ ┌ day of week 0-7 or SUN-SAT (0 and 7 are Sunday)
 *   * * * * *
 *
 * Each field is `*`, a value, a range `a-b`, a step `*∕n`, `a-b∕n` or `a∕n` (a to the field's end), or
 * a comma list of these. `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly`, `@yearly`
 * (`@annually`) stand for their usual expressions. As in Vixie cron, when both day fields are
 * restricted a day matches if EITHER does (`0 0 13 * FRI` is every 13th and every Friday); a day
 * field starting with `*` counts as unrestricted.
 */
import { invalid } from '../../errors.js';

export interface CronSchedule {
  /** The expression as given. */
  readonly expression: string;
  /** The first due time strictly after `time`. */
  nextAfter(time: number | Date): Date;
  /** The latest due time at or before `time` (a due time equal to `time` counts). */
  latestAtOrBefore(time: number | Date): Date;
  /** Whether `time`'s minute is a due time. */
  matches(time: number | Date): boolean;
}

const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const MINUTE = 60_000;
/** Longest month length, February counted as 29 (leap years exist). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Far more steps than any satisfiable expression needs (Feb 29 on a weekday is at most 28 years away). */
const MAX_STEPS = 200_000;

/**
 * Parses a cron expression; throws INVALID_PARAMETER_VALUE naming the field at fault.
 *
 * @example
 *   parseCron('*∕15 9-17 * * MON-FRI').nextAfter(Date.parse('2025-01-03T17:50:00Z')) // 2025-01-06T09:00:00Z
 */
export function parseCron(expression: string): CronSchedule {
  const text = expression.trim();
  const expanded = text.startsWith('@') ? NICKNAMES[text.toLowerCase()] : text;
  if (expanded === undefined) {
    throw invalid(`cron '${expression}': unknown shorthand '${text}': use @hourly, @daily, @weekly, @monthly or @yearly`);
  }
  const parts = expanded.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 5) {
    const hint = parts.length === 6 ? ' (seconds are not supported)' : '';
    throw invalid(`cron '${expression}': needs 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}${hint}`);
  }
  const sets = FIELDS.map((spec, i) => parseField(expression, spec, parts[i] as string));
  const [minutes, hours, doms, months, dows] = sets as [boolean[], boolean[], boolean[], boolean[], boolean[]];
  if (dows[7]) dows[0] = true;
  const domStar = (parts[2] as string).startsWith('*');
  const dowStar = (parts[4] as string).startsWith('*');
  // Only day-of-month can make an expression impossible (day 30 in February); day-of-week always recurs.
  if (!domStar && dowStar && !MONTH_DAYS.some((days, m) => months[m + 1] && doms.some((on, d) => on && d <= days))) {
    throw invalid(`cron '${expression}': day-of-month '${parts[2]}' never occurs in month '${parts[3]}', so it would never run`);
  }

  const dayMatches = (d: Date): boolean => {
    const dom = doms[d.getUTCDate()] === true;
    const dow = dows[d.getUTCDay()] === true;
    return domStar || dowStar ? dom && dow : dom || dow;
  };

  /** Walks from `start` (a minute boundary) forwards or backwards, skipping whole months, days and hours that cannot match. */
  const search = (start: number, forward: boolean): Date => {
    let t = start;
    for (let step = 0; step < MAX_STEPS; step++) {
      const d = new Date(t);
      const y = d.getUTCFullYear();
      const mo = d.getUTCMonth();
      const day = d.getUTCDate();
      const h = d.getUTCHours();
      if (!months[mo + 1]) t = forward ? Date.UTC(y, mo + 1, 1) : Date.UTC(y, mo, 1) - MINUTE;
      else if (!dayMatches(d)) t = forward ? Date.UTC(y, mo, day + 1) : Date.UTC(y, mo, day) - MINUTE;
      else if (!hours[h]) t = forward ? Date.UTC(y, mo, day, h + 1) : Date.UTC(y, mo, day, h) - MINUTE;
      else if (!minutes[d.getUTCMinutes()]) t += forward ? MINUTE : -MINUTE;
      else return d;
    }
    throw invalid(`cron '${expression}': no due time found near ${new Date(start).toISOString()}`);
  };

  const minuteOf = (time: number | Date) => Math.floor((typeof time === 'number' ? time : time.getTime()) / MINUTE) * MINUTE;
  return {
    expression,
    nextAfter: (time) => search(minuteOf(time) + MINUTE, true),
    latestAtOrBefore: (time) => search(minuteOf(time), false),
    matches: (time) => {
      const d = new Date(minuteOf(time));
      return months[d.getUTCMonth() + 1] === true && dayMatches(d) && hours[d.getUTCHours()] === true && minutes[d.getUTCMinutes()] === true;
    },
  };
}

/** One field → a lookup table indexed by value. */
function parseField(expression: string, spec: FieldSpec, text: string): boolean[] {
  const set: boolean[] = Array(spec.max + 1).fill(false);
  const fail = (problem: string) => invalid(`cron '${expression}': ${spec.name} field '${text}': ${problem}`, { field: spec.name });
  for (const item of text.split(',')) {
    if (item === '') throw fail('empty list item');
    const [rangeText, stepText, extra] = item.split('/');
    if (extra !== undefined || rangeText === undefined || rangeText === '') throw fail(`'${item}' is not a value, range or step`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw fail(`step '${stepText}' must be a whole number of at least 1`);
      step = Number(stepText);
    }
    // Sunday is both 0 and 7; `*` and `a/n` end at 6 so it is not counted twice.
    const end = spec.name === 'day-of-week' ? 6 : spec.max;
    let lo: number;
    let hi: number;
    if (rangeText === '*') {
      [lo, hi] = [spec.min, end];
    } else {
      const [a, b, more] = rangeText.split('-');
      if (more !== undefined) throw fail(`'${rangeText}' is not a range like 1-5`);
      lo = value(a ?? '', spec, fail);
      hi = b !== undefined ? value(b, spec, fail) : stepText !== undefined ? Math.max(lo, end) : lo;
      if (lo > hi) throw fail(`range '${rangeText}' runs backwards (wrap-around is not supported: write two ranges)`);
    }
    for (let v = lo; v <= hi; v += step) set[v] = true;
  }
  return set;
}

function value(text: string, spec: FieldSpec, fail: (problem: string) => Error): number {
  const byName = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (byName >= 0) return spec.name === 'month' ? byName + 1 : byName;
  if (!/^\d+$/.test(text)) {
    const names = spec.names ? ` or a name ${spec.names[0]}-${spec.names.at(-1)}` : '';
    throw fail(`'${text}' is not a number ${spec.min}-${spec.max}${names}`);
  }
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw fail(`${n} is out of range ${spec.min}-${spec.max}`);
  return n;
}
