import { describe, expect, it } from 'vitest';
import { progressLine } from './progress-line.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (s: string | Uint8Array) => writes.push(String(s)) > 0 };
}

describe('progressLine', () => {
  it('rewrites one line on a terminal with rows, percent and rate, throttled, and clears it when done', () => {
    const stream = fakeStream(true);
    let t = 1_000;
    const p = progressLine('Scoring in.csv', { stream, now: () => t, intervalMs: 100 });
    t += 2_000;
    p.update(20_000, 80_000);
    t += 50; // within the interval: not redrawn
    p.update(30_000, 80_000);
    t += 1_950;
    p.update(40_000);
    p.done();
    expect(stream.writes).toEqual([
      '\rScoring in.csv: 20,000 rows, 25%, 10,000 rows/s\x1b[K',
      '\rScoring in.csv: 40,000 rows, 10,000 rows/s\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('writes nothing when the stream is not a terminal', () => {
    const stream = fakeStream(false);
    const p = progressLine('Scoring', { stream, now: () => 5_000 });
    p.update(10, 100);
    p.done();
    expect(stream.writes).toEqual([]);
  });
});
