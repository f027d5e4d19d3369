/** Cutting a time range into the windows a monitor reports on. */
import { invalid } from '../../errors.js';

/** A window's length in milliseconds, or a number of equal windows covering the range. */
export type WindowSpec = number | { readonly count: number };

export interface TimeWindow {
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive. */
  readonly end: number;
}

/**
 * Consecutive windows covering [from, to): of `window` ms each (the last one cut at `to`), or
 * `{count}` windows whose whole-millisecond bounds split the range as evenly as possible.
 *
 * @example
 *   timeWindows(0, 250, 100) // [{start: 0, end: 100}, {start: 100, end: 200}, {start: 200, end: 250}]
 *   timeWindows(0, 10, { count: 3 }) // [{start: 0, end: 3}, {start: 3, end: 6}, {start: 6, end: 10}]
 */
export function timeWindows(from: number, to: number, window: WindowSpec): TimeWindow[] {
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw invalid(`from and to must be whole epoch milliseconds, got ${from} and ${to}`);
  if (to <= from) throw invalid(`the range is empty: to (${to}) must be after from (${from})`);
  if (typeof window === 'number') {
    if (!Number.isInteger(window) || window < 1) throw invalid(`window must be a positive number of milliseconds, got ${window}`);
    const count = Math.ceil((to - from) / window);
    if (count > MAX_WINDOWS) throw invalid(`${count} windows of ${window} ms between ${from} and ${to}; at most ${MAX_WINDOWS}`);
    return Array.from({ length: count }, (_, i) => ({ start: from + i * window, end: Math.min(to, from + (i + 1) * window) }));
  }
  const { count } = window;
  if (!Number.isInteger(count) || count < 1 || count > MAX_WINDOWS) throw invalid(`window count must be an integer from 1 to ${MAX_WINDOWS}, got ${count}`);
  if (count > to - from) throw invalid(`cannot cut ${to - from} ms into ${count} windows of whole milliseconds`);
  const bound = (i: number) => from + Math.floor(((to - from) * i) / count);
  return Array.from({ length: count }, (_, i) => ({ start: bound(i), end: bound(i + 1) }));
}

/** Enough for a year of hourly windows; more is a mistake in the window length. */
export const MAX_WINDOWS = 10_000;
