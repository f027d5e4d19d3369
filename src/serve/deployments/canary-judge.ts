/**
 * Judging a canary against the stable version it runs beside, on requests served since the canary
 * began (both sides under the same load, so the comparison is fair):
 *   rollback  the canary's error rate exceeds --max-error-rate and the stable version's, or its p95
 *             latency exceeds --max-latency-ratio × the stable p95 (and by more than 1 ms: sub-ms
 *             differences are scheduling noise, not a regression worth a rollback)
 *   promote   it served --promote-after requests within the limits
 * Errors can condemn a canary before --min-requests: once its errors exceed what the error budget
 * allows over the minimum sample, no outcome of the remaining requests can save it.
 */
import type { CanaryLimits } from './deployment-spec.js';

const WINDOW = 2048;
const LATENCY_FLOOR_MS = 1;

/** Requests, server errors and the latencies of the most recent requests of one version. */
export class VersionStats {
  requests = 0;
  errors = 0;
  private readonly latencies = new Float64Array(WINDOW);

  record(latencyMs: number, failed: boolean): void {
    this.latencies[this.requests % WINDOW] = latencyMs;
    this.requests++;
    if (failed) this.errors++;
  }

  get errorRate(): number {
    return this.requests === 0 ? 0 : this.errors / this.requests;
  }

  /** The 95th percentile of the latency window (nearest rank). */
  p95(): number {
    const n = Math.min(this.requests, WINDOW);
    if (n === 0) return 0;
    const sorted = this.latencies.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.ceil(0.95 * n) - 1)] as number;
  }
}

export interface Verdict {
  readonly action: 'promote' | 'rollback';
  readonly reason: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function judgeCanary(stable: VersionStats, canary: VersionStats, limits: CanaryLimits): Verdict | undefined {
  const budget = limits.maxErrorRate * limits.minRequests;
  if (canary.requests < limits.minRequests) {
    if (canary.errors > budget && canary.errors > 0) {
      return { action: 'rollback', reason: `canary failed ${canary.errors} of ${canary.requests} requests, over the ${pct(limits.maxErrorRate)} error budget of its first ${limits.minRequests}` };
    }
    return undefined;
  }
  if (canary.errorRate > limits.maxErrorRate && canary.errorRate > stable.errorRate) {
    return { action: 'rollback', reason: `canary error rate ${pct(canary.errorRate)} over ${canary.requests} requests exceeds ${pct(limits.maxErrorRate)} (stable ${pct(stable.errorRate)})` };
  }
  if (stable.requests >= limits.minRequests) {
    const c = canary.p95();
    const s = stable.p95();
    if (c > limits.maxLatencyRatio * s && c - s > LATENCY_FLOOR_MS) {
      return { action: 'rollback', reason: `canary p95 latency ${c.toFixed(2)} ms exceeds ${limits.maxLatencyRatio}× the stable ${s.toFixed(2)} ms` };
    }
  }
  if (canary.requests >= limits.promoteAfter) {
    return { action: 'promote', reason: `canary served ${canary.requests} requests within limits (errors ${pct(canary.errorRate)}, p95 ${canary.p95().toFixed(2)} ms vs stable ${stable.p95().toFixed(2)} ms)` };
  }
  return undefined;
}
