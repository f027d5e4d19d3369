/**
 * The second half of the dateutil approximation (date-parse.ts): turning the parsed numbers into a
 * date the way dateutil resolves day/month/year order, validating every field, and the ISO fast path.
 */

export interface Parts {
  ymd: { value: number; month: boolean; year: boolean }[];
  hour?: number;
  minute?: number;
  second?: number;
  micro?: number;
  ampm?: 'am' | 'pm';
  offsetMinutes?: number;
}

/** dateutil's ymd resolution for dayfirst=False, yearfirst=False. */
export function resolve(p: Parts, now: Date): number | undefined {
  const ymd = p.ymd;
  if (ymd.length === 0 && p.hour === undefined) return undefined;
  if (ymd.length > 3) return undefined;
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  const v = ymd.map((x) => x.value);
  const mIdx = ymd.findIndex((x) => x.month);
  const yIdx = ymd.findIndex((x) => x.year);
  if (ymd.length === 1) {
    if (mIdx === 0) month = v[0];
    else if ((v[0] as number) > 31 || yIdx === 0) year = v[0];
    else day = v[0];
  } else if (ymd.length === 2) {
    const [a, b] = v as [number, number];
    if (mIdx === 0) [month, year, day] = b > 31 || yIdx === 1 ? [a, b, undefined] : [a, undefined, b];
    else if (mIdx === 1) [year, month, day] = a > 31 || yIdx === 0 ? [a, b, undefined] : [undefined, b, a];
    else if (a > 31 || yIdx === 0) [year, month] = [a, b];
    else if (b > 31 || yIdx === 1) [month, year] = [a, b];
    else [month, day] = [a, b];
  } else if (ymd.length === 3) {
    const [a, b, c] = v as [number, number, number];
    if (mIdx === 0) [month, day, year] = b > 31 || yIdx === 1 ? [a, c, b] : [a, b, c];
    else if (mIdx === 1) [year, month, day] = a > 31 || yIdx === 0 ? [a, b, c] : [c, b, a];
    else if (mIdx === 2) [day, year, month] = b > 31 || yIdx === 1 ? [a, b, c] : [b, a, c];
    else if (a > 31 || yIdx === 0) [year, month, day] = [a, b, c];
    else if (a > 12) [day, month, year] = [a, b, c];
    else [month, day, year] = [a, b, c];
  }
  if (year !== undefined && year < 100 && !ymd.some((x) => x.year && x.value === year)) {
    const century = Math.floor(now.getUTCFullYear() / 100) * 100;
    year += century;
    if (year >= now.getUTCFullYear() + 50) year -= 100;
  }
  year ??= now.getUTCFullYear();
  month ??= now.getUTCMonth() + 1;
  day ??= now.getUTCDate();
  let hour = p.hour ?? 0;
  if (p.ampm === 'pm' && hour < 12) hour += 12;
  if (p.ampm === 'am' && hour === 12) hour = 0;
  const minute = p.minute ?? 0;
  const second = p.second ?? 0;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor((p.micro ?? 0) / 1000));
  const d = new Date(ms);
  if (year < 100) d.setUTCFullYear(year);
  return d.getTime() - (p.offsetMinutes ?? 0) * 60_000;
}

/** The common ISO 8601 case, without tokenizing (most date columns are written this way). */
export function isoMs(m: RegExpExecArray): number | undefined {
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const ms = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  if (year < 100) d.setUTCFullYear(year);
  const tz = m[8];
  if (tz === undefined || tz === 'Z') return d.getTime();
  const sign = tz.startsWith('-') ? -1 : 1;
  const digits = tz.slice(1).replace(':', '');
  return d.getTime() - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

export function daysIn(year: number, month: number): number {
  return month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;
}
