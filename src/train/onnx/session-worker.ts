/**
 * An onnxruntime session in a worker thread, for runs big enough that doing them on the event loop
 * would stall every other request (onnxruntime-node's `run` is synchronous on the calling thread).
 * The main thread builds the input tensors and reads the outputs; only `session.run` moves, and the
 * numeric buffers are transferred, not copied.
 *
 * The worker is plain JavaScript evaluated from a string, so it runs the same from the TypeScript
 * sources (tests) and the built package.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const ready = ort.InferenceSession.create(workerData.bytes, { intraOpNumThreads: workerData.threads, interOpNumThreads: 1, logSeverityLevel: 3 });
parentPort.on('message', async ({ id, feeds, close }) => {
  if (close) {
    // Terminating a thread while onnxruntime is still creating or running its session can abort the
    // whole process, so the session is released here first and the main thread terminates after.
    try { await (await ready).release(); } catch {}
    parentPort.postMessage({ id, closed: true });
    return;
  }
  try {
    const session = await ready;
    const input = {};
    for (const name of Object.keys(feeds)) input[name] = new ort.Tensor(feeds[name].type, feeds[name].data, feeds[name].dims);
    const out = await session.run(input);
    const result = {};
    const transfer = [];
    for (const name of Object.keys(out)) {
      const data = out[name].data;
      result[name] = { data, dims: out[name].dims };
      if (ArrayBuffer.isView(data)) transfer.push(data.buffer);
    }
    parentPort.postMessage({ id, result }, transfer);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

/** How long close() waits for the worker to release its session before terminating it anyway. */
const CLOSE_GRACE_MS = 5_000;

interface WireTensor {
  readonly type: ort.Tensor.Type;
  readonly data: ort.Tensor.DataType;
  readonly dims: readonly number[];
}

export interface SessionWorker {
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, { data: ort.Tensor.DataType }>>;
  close(): Promise<void>;
}

export function startSessionWorker(bytes: Uint8Array, threads: number): SessionWorker {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ortPath, bytes, threads } });
  worker.unref();
  const pending = new Map<number, { resolve: (r: Record<string, { data: ort.Tensor.DataType }>) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failure: Error | undefined;
  worker.on('message', (m: { id: number; result?: Record<string, { data: ort.Tensor.DataType }>; error?: string; closed?: true }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.result || m.closed) p.resolve(m.result ?? {});
    else p.reject(new Error(`onnxruntime (worker): ${m.error ?? 'unknown error'}`));
  });
  const fail = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the inference worker exited (code ${code})`)));
  return {
    run(feeds) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      const wire: Record<string, WireTensor> = {};
      const transfer: ArrayBuffer[] = [];
      for (const [name, t] of Object.entries(feeds)) {
        wire[name] = { type: t.type, data: t.data, dims: t.dims };
        if (ArrayBuffer.isView(t.data)) transfer.push(t.data.buffer as ArrayBuffer);
      }
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref(); // keep the process alive while a run is out
        worker.postMessage({ id, feeds: wire }, transfer);
      }).finally(() => {
        if (pending.size === 0) worker.unref();
      }) as Promise<Record<string, { data: ort.Tensor.DataType }>>;
    },
    async close() {
      if (failure) return;
      failure = new Error('the inference worker is closed');
      const id = next++;
      const released = new Promise<void>((resolve) => {
        pending.set(id, { resolve: () => resolve(), reject: () => resolve() });
        worker.once('exit', () => resolve());
      });
      worker.ref();
      worker.postMessage({ id, close: true });
      const limit = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
      await Promise.race([released, limit]);
      await worker.terminate();
    },
  };
}
