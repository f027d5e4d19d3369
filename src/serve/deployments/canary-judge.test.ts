import { describe, expect, it } from 'vitest';
import { judgeCanary, VersionStats } from './canary-judge.js';
import { DEFAULT_LIMITS } from './deployment-spec.js';

function stats(requests: number, errors: number, latencyMs: number): VersionStats {
  const s = new VersionStats();
  for (let i = 0; i < requests; i++) s.record(latencyMs, i < errors);
  return s;
}

const limits = { ...DEFAULT_LIMITS, minRequests: 100, maxErrorRate: 0.05, promoteAfter: 300, maxLatencyRatio: 2 };

describe('canary judge', () => {
  it('waits for the minimum sample while errors are within budget', () => {
    expect(judgeCanary(stats(1000, 0, 1), stats(99, 5, 1), limits)).toBeUndefined();
  });

  it('rolls back early once errors exceed the budget of the minimum sample', () => {
    const v = judgeCanary(stats(1000, 0, 1), stats(20, 6, 1), limits);
    expect(v?.action).toBe('rollback');
    expect(v?.reason).toContain('6 of 20');
  });

  it('rolls back on an error rate above the limit and the stable rate', () => {
    expect(judgeCanary(stats(1000, 0, 1), stats(100, 5, 1), limits)).toBeUndefined(); // exactly 5%: not above
    expect(judgeCanary(stats(1000, 0, 1), stats(120, 7, 1), limits)?.action).toBe('rollback');
    // the stable version is worse: the canary is not to blame
    expect(judgeCanary(stats(1000, 100, 1), stats(120, 7, 1), limits)).toBeUndefined();
  });

  it('rolls back on p95 latency above the ratio, but not on sub-millisecond noise', () => {
    expect(judgeCanary(stats(1000, 0, 2), stats(100, 0, 5), limits)?.reason).toContain('p95 latency 5.00 ms');
    expect(judgeCanary(stats(1000, 0, 0.2), stats(100, 0, 0.9), limits)).toBeUndefined();
  });

  it('promotes after promoteAfter requests within limits', () => {
    expect(judgeCanary(stats(3000, 0, 1), stats(299, 0, 1), limits)).toBeUndefined();
    expect(judgeCanary(stats(3000, 0, 1), stats(300, 0, 1), limits)?.action).toBe('promote');
  });

  it('p95 is the nearest-rank 95th percentile of the window', () => {
    const s = new VersionStats();
    for (let i = 1; i <= 100; i++) s.record(i, false);
    expect(s.p95()).toBe(95);
    expect(new VersionStats().p95()).toBe(0);
  });
});
