import { describe, expect, it } from 'vitest';
import type { Predictions } from '../train/index.js';
import { createMicroBatcher, type Columns } from './micro-batcher.js';

/** A fake runtime: label = String(x), probabilities [x, -x]; records each call's batch size. */
function fakeRun(calls: number[]) {
  return (columns: Columns): Promise<Predictions> => {
    const x = columns.x as number[];
    calls.push(x.length);
    if (x.some((v) => v < 0)) return Promise.reject(new Error('negative'));
    return Promise.resolve({ labels: x.map(String), probabilities: Float64Array.from(x.flatMap((v) => [v, -v])), values: undefined });
  };
}

describe('createMicroBatcher', () => {
  it('gives every concurrent caller exactly its own rows, in batches of at most maxBatchSize', async () => {
    const calls: number[] = [];
    const batcher = createMicroBatcher(fakeRun(calls), ['x'], { maxBatchSize: 16, maxLatencyMs: 5 });
    let next = 0;
    const requests = Array.from({ length: 50 }, (_, i) => {
      const n = (i % 7) + 1;
      const x = Array.from({ length: n }, () => next++);
      return { x, promise: batcher.submit({ x }, n) };
    });
    for (const r of requests) {
      const p = await r.promise;
      expect(p.labels).toEqual(r.x.map(String));
      expect(Array.from(p.probabilities ?? [])).toEqual(r.x.flatMap((v) => [v, -v]));
    }
    expect(calls.reduce((a, b) => a + b, 0)).toBe(next);
    expect(calls.length).toBeLessThan(50); // merged
    expect(Math.max(...calls)).toBeLessThanOrEqual(16);
  });

  it('runs a request bigger than maxBatchSize alone', async () => {
    const calls: number[] = [];
    const batcher = createMicroBatcher(fakeRun(calls), ['x'], { maxBatchSize: 4 });
    const x = [1, 2, 3, 4, 5, 6];
    expect((await batcher.submit({ x }, 6)).labels).toEqual(x.map(String));
    expect(calls).toEqual([6]);
  });

  it("fails only the request whose rows fail, not its batch neighbours", async () => {
    const calls: number[] = [];
    const batcher = createMicroBatcher(fakeRun(calls), ['x'], { maxBatchSize: 64, maxLatencyMs: 1 });
    const good = batcher.submit({ x: [1, 2] }, 2);
    const bad = batcher.submit({ x: [-1] }, 1);
    await expect(bad).rejects.toThrow('negative');
    expect((await good).labels).toEqual(['1', '2']);
  });

  it('reports every batch to onBatch as it is cut, and pending() counts queued rows until then', async () => {
    const calls: number[] = [];
    const batches: [number, number][] = [];
    const batcher = createMicroBatcher(fakeRun(calls), ['x'], { maxBatchSize: 8, maxLatencyMs: 20, onBatch: (rows, requests) => batches.push([rows, requests]) });
    expect(batcher.pending()).toBe(0);
    const a = batcher.submit({ x: [1, 2, 3] }, 3);
    const b = batcher.submit({ x: [4, 5] }, 2);
    expect(batcher.pending()).toBe(5);
    expect(batches).toEqual([]);
    // 5 + 4 rows overflow 8: the batch is cut at the first two requests, the third waits alone.
    const c = batcher.submit({ x: [6, 7, 8, 9] }, 4);
    expect(batches).toEqual([
      [5, 2],
      [4, 1],
    ]);
    expect(batcher.pending()).toBe(0);
    await Promise.all([a, b, c]);
    expect(calls).toEqual([5, 4]);
  });

  it('keeps serving when onBatch throws', async () => {
    const calls: number[] = [];
    const batcher = createMicroBatcher(fakeRun(calls), ['x'], {
      maxBatchSize: 2,
      onBatch: () => {
        throw new Error('observer bug');
      },
    });
    expect((await batcher.submit({ x: [1, 2] }, 2)).labels).toEqual(['1', '2']);
    expect(batcher.pending()).toBe(0);
  });
});
