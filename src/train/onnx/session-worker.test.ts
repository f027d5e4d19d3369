import { describe, expect, it } from 'vitest';
import { exportOnnx, loadOnnx } from './index.js';
import { gbdtBinary, ridgeRegression } from './test-fixtures.js';
import { randomRows } from './test-helpers.js';

describe('runs offloaded to a worker thread', () => {
  it('predict exactly what the event-loop session predicts, and only at or above the row threshold', async () => {
    for (const model of [gbdtBinary(), ridgeRegression()]) {
      const bytes = exportOnnx(model);
      const inline = await loadOnnx(bytes);
      const offloading = await loadOnnx(bytes, { offloadMinRows: 50 });
      try {
        const small = randomRows(model, 49, 1);
        const big = randomRows(model, 500, 2);
        expect(await offloading.run(small)).toEqual(await inline.run(small));
        expect(offloading.offloadedRuns()).toBe(0);
        expect(await offloading.run(big)).toEqual(await inline.run(big));
        expect(offloading.offloadedRuns()).toBe(1);
        // concurrent offloaded runs each get their own answer
        const batches = [3, 4, 5].map((seed) => randomRows(model, 60 + seed, seed));
        const got = await Promise.all(batches.map((b) => offloading.run(b)));
        expect(got).toEqual(await Promise.all(batches.map((b) => inline.run(b))));
      } finally {
        await inline.close();
        await offloading.close();
      }
    }
  });

  it('leaves the event loop free while a big run is in the worker', async () => {
    const model = gbdtBinary();
    const predictor = await loadOnnx(exportOnnx(model), { offloadMinRows: 1 });
    try {
      const rows = randomRows(model, 200_000, 3);
      await predictor.run(randomRows(model, 10, 4)); // the worker's session is ready
      const order: string[] = [];
      const run = predictor.run(rows).then(() => order.push('run'));
      await new Promise((r) => setTimeout(r, 0)).then(() => order.push('timer'));
      await run;
      expect(order).toEqual(['timer', 'run']);
    } finally {
      await predictor.close();
    }
  });

  it('refuses runs after close, with a clear error', async () => {
    const model = gbdtBinary();
    const predictor = await loadOnnx(exportOnnx(model), { offloadMinRows: 1 });
    await predictor.close();
    await expect(predictor.run(randomRows(model, 5, 1))).rejects.toThrow(/worker is closed/);
  });
});
