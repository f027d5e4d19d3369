import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { createTestStore, expectCode, type TestStore } from '../../../test/helpers/test-store.js';
import { evaluatePredictions } from '../../evaluate/index.js';
import { createPayloadLog, type FeedbackItem, type PayloadFormat, type PayloadRecord, recordFeedback } from '../../serve/index.js';
import type { Store } from '../../store/index.js';
import { performanceWindows } from './performance-windows.js';

const T0 = 1_700_000_000_000;
const H = 3_600_000;

interface Req {
  id: string;
  time: number;
  version: string;
  role?: 'primary' | 'canary' | 'shadow';
  status?: number;
  /** Predicted label (classification) or value (regression) per row. */
  pred: (string | number)[];
  probs?: number[][];
}

function recordOf(deployment: string, r: Req, regression = false): PayloadRecord {
  const n = r.pred.length;
  const outputs: Record<string, readonly unknown[]> =
    r.status && r.status >= 400 ? {} : regression ? { variable: r.pred } : { label: r.pred, ...(r.probs ? { probabilities: r.probs.flat() } : {}) };
  return {
    requestId: r.id, time: r.time, deployment, model: 'm', version: r.version, role: r.role ?? 'primary',
    inputs: r.status && r.status >= 400 ? {} : { x: Array.from({ length: n }, (_, j) => j) }, outputs,
    latencyMs: 1, status: r.status ?? 200, ...(r.status && r.status >= 400 ? { error: 'boom' } : {}),
  };
}

async function logAll(store: Store, deployment: string, reqs: readonly Req[], format: PayloadFormat, regression = false) {
  const log = createPayloadLog({ store, format, maxBatchRecords: 7 });
  for (const r of reqs) log.record(recordOf(deployment, r, regression));
  await log.close();
  expect(log.stats().written).toBe(reqs.length);
}

const yes = (p: string) => (p === 'yes' ? [0.2, 0.8] : [0.7, 0.3]); // [p(no), p(yes)]

/**
 * Window 0: 10 four-row requests of version 1, labelled per row: 25 of 40 right. Predicted yes = rows 0
 * and 1 (row 0 wrongly), no = rows 2 and 3 (row 3 wrongly for the first five requests):
 * TP 10, FP 10, TN 15, FN 5. Plus two failed requests and one unlabelled 3-row request.
 * Window 1: 25 one-row requests, 20 labelled (fewer than 30). The first arrives exactly at its start.
 * Window 2: 30 right answers of version 1, 30 of version 2 half right, a shadow (version 3) mirroring
 * ten of version 1's requests with 'no' (5 right), and one label of a class the model does not know.
 */
function traffic(): { reqs: Req[]; labels: FeedbackItem[] } {
  const reqs: Req[] = [];
  const labels: FeedbackItem[] = [];
  for (let i = 0; i < 10; i++) {
    const pred = ['yes', 'yes', 'no', 'no'];
    reqs.push({ id: `a${i}`, time: T0 + i * 1000, version: '1', role: i % 2 ? 'canary' : 'primary', pred, probs: pred.map(yes) });
    labels.push({ requestId: `a${i}`, label: ['no', 'yes', 'no', i < 5 ? 'yes' : 'no'] });
  }
  reqs.push({ id: 'err0', time: T0 + 500, version: '1', status: 500, pred: [] }, { id: 'err1', time: T0 + 600, version: '1', status: 503, pred: [] });
  labels.push({ requestId: 'err0', label: 'yes' });
  reqs.push({ id: 'unlabelled', time: T0 + 700, version: '1', pred: ['yes', 'no', 'no'], probs: [yes('yes'), yes('no'), yes('no')] });
  for (let i = 0; i < 25; i++) {
    reqs.push({ id: `b${i}`, time: T0 + H + i * 1000, version: '1', pred: ['yes'], probs: [yes('yes')] });
    if (i < 20) labels.push({ requestId: `b${i}`, label: 'yes' });
  }
  for (let i = 0; i < 30; i++) {
    const p1 = i % 2 ? 'no' : 'yes';
    reqs.push({ id: `c${i}`, time: T0 + 2 * H + i * 1000, version: '1', pred: [p1], probs: [yes(p1)] });
    labels.push({ requestId: `c${i}`, label: p1 });
    reqs.push({ id: `d${i}`, time: T0 + 2 * H + i * 1000 + 1, version: '2', role: 'canary', pred: ['yes'], probs: [yes('yes')] });
    labels.push({ requestId: `d${i}`, label: [i < 15 ? 'yes' : 'no'] });
    if (i < 10) reqs.push({ id: `c${i}`, time: T0 + 2 * H + i * 1000, version: '3', role: 'shadow', pred: ['no'], probs: [yes('no')] });
  }
  reqs.push({ id: 'e0', time: T0 + 3 * H - 1, version: '1', pred: ['yes'], probs: [yes('yes')] });
  labels.push({ requestId: 'e0', label: 'maybe' });
  // Outside [T0, T0 + 3h): never counted.
  reqs.push({ id: 'late', time: T0 + 3 * H, version: '1', pred: ['yes'], probs: [yes('yes')] });
  labels.push({ requestId: 'late', label: 'no' });
  return { reqs, labels };
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`performanceWindows: ${backend.name}`, () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await createTestStore(backend);
      const { reqs, labels } = traffic();
      for (const format of ['jsonl', 'parquet'] as const) {
        // Request ids are global (feedback is keyed by them alone): each deployment gets its own.
        await logAll(t.store, `income-${format}`, reqs.map((r) => ({ ...r, id: `${format}-${r.id}` })), format);
        await recordFeedback(t.store, labels.map((l) => ({ ...l, requestId: `${format}-${l.requestId}` })), `income-${format}`);
      }
      // Regression: errors 2, -2, 0, 4 on four rows; a fifth label is not a number.
      await logAll(t.store, 'bikes', [10, 20, 30, 40, 50].map((v, i) => ({ id: `r${i}`, time: T0 + i, version: '1', pred: [v] })), 'jsonl', true);
      await recordFeedback(t.store, [{ requestId: 'r0', label: 12 }, { requestId: 'r1', label: 18 }, { requestId: 'r2', label: [30] }, { requestId: 'r3', label: '44' }, { requestId: 'r4', label: 'n/a' }], 'bikes');
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it.each(['jsonl', 'parquet'] as const)('scores each window exactly, per version, and leaves thin windows unscored (%s)', async (format) => {
      const windows = await performanceWindows(t.store, { deployment: `income-${format}`, from: T0, to: T0 + 3 * H, window: H, task: 'binary', classes: ['no', 'yes'] });
      expect(windows.map((w) => [w.start, w.end, w.predictions, w.labelled, w.scored, w.verdict])).toEqual([
        [T0, T0 + H, 43, 40, 40, 'ok'],
        [T0 + H, T0 + 2 * H, 25, 20, 20, 'insufficient_data'],
        [T0 + 2 * H, T0 + 3 * H, 61, 61, 60, 'ok'],
      ]);
      const [w0, w1, w2] = windows;
      expect(w0?.metrics?.accuracy).toBe(25 / 40);
      expect(w0?.metrics?.precision).toBe(10 / 20);
      expect(w0?.metrics?.recall).toBe(10 / 15);
      expect(w0?.metrics?.f1).toBeCloseTo(4 / 7, 12);
      // −ln p(true class), row by row: 10 × p=0.2, 10 × p=0.8, 15 × p=0.7, 5 × p=0.3.
      const logLoss = (10 * -Math.log(0.2) + 10 * -Math.log(0.8) + 15 * -Math.log(0.7) + 5 * -Math.log(0.3)) / 40;
      expect(w0?.metrics?.log_loss).toBeCloseTo(logLoss, 12);
      expect(w0?.metrics?.roc_auc).toBeGreaterThan(0);
      expect(w0?.byVersion).toEqual({ '1': { predictions: 43, labelled: 40, scored: 40, verdict: 'ok', metrics: w0?.metrics } });
      expect(w1?.metrics).toBeNull();
      expect(w1?.byVersion['1']).toEqual({ predictions: 25, labelled: 20, scored: 20, verdict: 'insufficient_data', metrics: null });
      expect(w2?.metrics?.accuracy).toBe(45 / 60);
      expect(Object.keys(w2?.byVersion ?? {})).toEqual(['1', '2', '3']);
      expect(w2?.byVersion['1']).toMatchObject({ predictions: 31, labelled: 31, scored: 30, verdict: 'ok' });
      expect(w2?.byVersion['1']?.metrics?.accuracy).toBe(1);
      expect(w2?.byVersion['2']?.metrics?.accuracy).toBe(0.5);
      expect(w2?.byVersion['3']).toEqual({ predictions: 10, labelled: 10, scored: 10, verdict: 'insufficient_data', metrics: null });
    });

    it("gives the evaluate module's metrics on the same rows", async () => {
      const [w0] = await performanceWindows(t.store, { deployment: 'income-jsonl', from: T0, to: T0 + H, window: { count: 1 }, task: 'binary', classes: ['no', 'yes'] });
      const truth: string[] = [];
      const labels: string[] = [];
      const probabilities: number[] = [];
      for (let i = 0; i < 10; i++) {
        truth.push('no', 'yes', 'no', i < 5 ? 'yes' : 'no');
        labels.push('yes', 'yes', 'no', 'no');
        probabilities.push(...yes('yes'), ...yes('yes'), ...yes('no'), ...yes('no'));
      }
      expect(w0?.metrics).toEqual(evaluatePredictions({ task: 'binary', classes: ['no', 'yes'], yTrue: truth, predictions: { labels, probabilities } }).metrics);
    });

    it('scores a shadow version from its mirrored answers, and takes minLabelled', async () => {
      const [, , w2] = await performanceWindows(t.store, { deployment: 'income-parquet', from: T0, to: T0 + 3 * H, window: { count: 3 }, task: 'binary', classes: ['no', 'yes'], minLabelled: 10 });
      expect(w2?.byVersion['3']?.verdict).toBe('ok');
      expect(w2?.byVersion['3']?.metrics?.accuracy).toBe(0.5);
    });

    it('makes another class positive, with its probability column', async () => {
      const [w0] = await performanceWindows(t.store, { deployment: 'income-jsonl', from: T0, to: T0 + H, window: H, task: 'binary', classes: ['no', 'yes'], positive: 'no' });
      expect(w0?.metrics?.precision).toBe(15 / 20);
      expect(w0?.metrics?.recall).toBe(15 / 25);
      expect(w0?.metrics?.f1).toBeCloseTo(2 / 3, 12);
      const [asYes] = await performanceWindows(t.store, { deployment: 'income-jsonl', from: T0, to: T0 + H, window: H, task: 'binary', classes: ['no', 'yes'] });
      expect(w0?.metrics?.roc_auc).toBeCloseTo(asYes?.metrics?.roc_auc as number, 12);
      expect(w0?.metrics?.log_loss).toBeCloseTo(asYes?.metrics?.log_loss as number, 12);
    });

    it('infers the classes from labels and predictions when not given, and refuses a binary task with three', async () => {
      const [given] = await performanceWindows(t.store, { deployment: 'income-jsonl', from: T0, to: T0 + H, window: H, task: 'binary', classes: ['no', 'yes'] });
      const [inferred] = await performanceWindows(t.store, { deployment: 'income-jsonl', from: T0, to: T0 + H, window: H, task: 'binary' });
      expect(inferred?.metrics).toEqual(given?.metrics);
      const err = await expectCode(performanceWindows(t.store, { deployment: 'income-jsonl', from: T0, to: T0 + 3 * H, window: H, task: 'binary' }), 'INVALID_PARAMETER_VALUE');
      expect(err.message).toBe('a binary task needs two classes, but the labels and predictions hold [maybe, no, yes]; pass classes');
    });

    it('computes regression metrics on numeric labels', async () => {
      const [w] = await performanceWindows(t.store, { deployment: 'bikes', from: T0, to: T0 + H, window: H, task: 'regression', minLabelled: 4 });
      expect([w?.predictions, w?.labelled, w?.scored, w?.verdict]).toEqual([5, 5, 4, 'ok']);
      expect(w?.metrics?.mae).toBe(2);
      expect(w?.metrics?.rmse).toBe(Math.sqrt(6));
      expect(w?.metrics?.r2).toBeCloseTo(1 - 24 / 600, 12);
      const [thin] = await performanceWindows(t.store, { deployment: 'bikes', from: T0, to: T0 + H, window: H, task: 'regression', minLabelled: 5 });
      expect([thin?.verdict, thin?.metrics]).toEqual(['insufficient_data', null]);
    });

    it('reports empty windows as insufficient, and refuses bad options', async () => {
      const windows = await performanceWindows(t.store, { deployment: 'nobody', from: T0, to: T0 + 2 * H, window: H, task: 'multiclass' });
      expect(windows.map((w) => [w.predictions, w.labelled, w.verdict, w.metrics, w.byVersion])).toEqual([
        [0, 0, 'insufficient_data', null, {}],
        [0, 0, 'insufficient_data', null, {}],
      ]);
      const base = { deployment: 'income-jsonl', from: T0, to: T0 + H, window: H } as const;
      await expectCode(performanceWindows(t.store, { ...base, task: 'binary', classes: ['no', 'yes'], positive: 'maybe' }), 'INVALID_PARAMETER_VALUE');
      await expectCode(performanceWindows(t.store, { ...base, task: 'multiclass', classes: ['no', 'yes'], positive: 'no' }), 'INVALID_PARAMETER_VALUE');
      await expectCode(performanceWindows(t.store, { ...base, task: 'binary', classes: ['no', 'no'] }), 'INVALID_PARAMETER_VALUE');
      await expectCode(performanceWindows(t.store, { ...base, task: 'binary', minLabelled: -1 }), 'INVALID_PARAMETER_VALUE');
      await expectCode(performanceWindows(t.store, { ...base, to: T0, task: 'binary' }), 'INVALID_PARAMETER_VALUE');
    });
  });
}
