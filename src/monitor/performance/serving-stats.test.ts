import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { createTestStore, expectCode, type TestStore } from '../../../test/helpers/test-store.js';
import { createPayloadLog, type PayloadRecord } from '../../serve/index.js';
import { nearestRank, servingStats } from './serving-stats.js';

const T0 = 1_700_000_000_000;

function request(id: string, time: number, latencyMs: number, options: { rows?: number; status?: number; version?: string; role?: PayloadRecord['role'] } = {}): PayloadRecord {
  const rows = options.rows ?? 1;
  const failed = (options.status ?? 200) >= 400;
  return {
    requestId: id, time, deployment: 'lat', model: 'm', version: options.version ?? '1', role: options.role ?? 'primary',
    inputs: failed ? {} : { x: Array.from({ length: rows }, (_, i) => i) }, outputs: failed ? {} : { label: Array.from({ length: rows }, () => 'a') },
    latencyMs, status: options.status ?? 200, ...(failed ? { error: 'failed' } : {}),
  };
}

describe('nearestRank', () => {
  it('is sorted[ceil(p/100 · n) − 1], never interpolated', () => {
    const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRank(hundred, 99)).toBe(99);
    expect(nearestRank(hundred, 50)).toBe(50);
    expect(nearestRank(hundred, 100)).toBe(100);
    expect(nearestRank(Float64Array.of(1, 2, 3, 4), 50)).toBe(2);
    expect(nearestRank(Float64Array.of(1, 2, 3, 4), 51)).toBe(3);
    expect(nearestRank(Float64Array.of(7), 99)).toBe(7);
    expect(nearestRank(Float64Array.of(7), 0)).toBe(7);
    expect(nearestRank(new Float64Array(0), 99)).toBeNull();
    // 300 values: rank ceil(297) = 297 exactly (no floating-point drift to 298).
    expect(nearestRank(Float64Array.from({ length: 300 }, (_, i) => i + 1), 99)).toBe(297);
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`servingStats: ${backend.name}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await createTestStore(backend);
      const log = createPayloadLog({ store: t.store, format: 'parquet', maxBatchRecords: 5 });
      // Version 1: ten 1-row requests at 1..10 ms, two server errors (20, 30 ms), one client error (0.5 ms).
      for (let i = 1; i <= 10; i++) log.record(request(`ok${i}`, T0 + i, i));
      log.record(request('err0', T0 + 20, 20, { status: 500 }));
      log.record(request('err1', T0 + 21, 30, { status: 503 }));
      log.record(request('bad', T0 + 22, 0.5, { status: 400 }));
      // Version 2 (canary): one 50-row request at 1000 ms: one request, not fifty.
      log.record(request('big', T0 + 30, 1000, { rows: 50, version: '2', role: 'canary' }));
      // Version 3 (shadow): mirrored, failing and slow; not what callers saw.
      for (let i = 1; i <= 3; i++) log.record(request(`ok${i}`, T0 + i, 5000, { version: '3', role: 'shadow', status: 503 }));
      // Outside [T0, T0 + 1000).
      log.record(request('early', T0 - 1, 1, { status: 500 }));
      log.record(request('late', T0 + 1000, 1, { status: 500 }));
      await log.close();
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it('counts requests once whatever their rows, and takes nearest-rank latency percentiles', async () => {
      const s = await servingStats(t.store, { deployment: 'lat', from: T0, to: T0 + 1000 });
      // Callers' latencies, sorted: 0.5, 1, 2, …, 10, 20, 30, 1000 (14 requests): p50 = 7th = 6, p99 = 14th = 1000.
      expect({ ...s, byVersion: undefined }).toEqual({
        requests: 14, errors: 2, clientErrors: 1, errorRate: 2 / 14, p50LatencyMs: 6, p99LatencyMs: 1000, byVersion: undefined,
      });
      expect(s.byVersion).toEqual({
        '1': { requests: 13, errors: 2, clientErrors: 1, errorRate: 2 / 13, p50LatencyMs: 6, p99LatencyMs: 30 },
        '2': { requests: 1, errors: 0, clientErrors: 0, errorRate: 0, p50LatencyMs: 1000, p99LatencyMs: 1000 },
        '3': { requests: 3, errors: 3, clientErrors: 0, errorRate: 1, p50LatencyMs: 5000, p99LatencyMs: 5000 },
      });
    });

    it('has no rates without requests, and refuses an empty range', async () => {
      expect(await servingStats(t.store, { deployment: 'lat', from: T0 + 2000, to: T0 + 3000 })).toEqual({
        requests: 0, errors: 0, clientErrors: 0, errorRate: null, p50LatencyMs: null, p99LatencyMs: null, byVersion: {},
      });
      await expectCode(servingStats(t.store, { deployment: 'lat', from: T0, to: T0 }), 'INVALID_PARAMETER_VALUE');
    });
  });
}
