/** The payload log rows of one deployment whose request arrived in [from, to), in log order. */
import { listPayloadBatches, type PayloadRow, readPayloadBatch } from '../../serve/index.js';
import type { Store } from '../../store/index.js';

export async function payloadWindow(store: Store, deployment: string, from: number, to: number): Promise<PayloadRow[]> {
  const rows: PayloadRow[] = [];
  for (const batch of await listPayloadBatches(store, { deployment, from, to })) {
    for (const r of await readPayloadBatch(store, batch)) {
      if (r.time >= from && r.time < to && r.deployment === deployment) rows.push(r);
    }
  }
  return rows;
}

/**
 * The `count` most recent rows (by request time, before `to`) that pass `keep`, and every logged row
 * from the earliest of them on — reading the deployment's newest payload batches only, not its whole
 * log: a batch is read while it could still hold a row as recent as the `count`-th newest kept so far.
 */
export async function lastPayloadRows(
  store: Store, deployment: string, count: number, to: number, keep: (r: PayloadRow) => boolean,
): Promise<{ kept: PayloadRow[]; logged: PayloadRow[] }> {
  const batches = (await listPayloadBatches(store, { deployment, to })).sort((a, b) => b.lastTime - a.lastTime || b.id - a.id);
  const read: PayloadRow[] = [];
  const keptTimes: number[] = [];
  for (const batch of batches) {
    // Times of kept rows, newest first; the count-th of them is the oldest a result row can be.
    const bound = keptTimes.length >= count ? keptTimes[count - 1] : undefined;
    if (bound !== undefined && batch.lastTime < bound) break;
    for (const r of await readPayloadBatch(store, batch)) {
      if (r.time >= to || r.deployment !== deployment) continue;
      read.push(r);
      if (keep(r)) keptTimes.push(r.time);
    }
    keptTimes.sort((a, b) => b - a);
  }
  // Stable by time: rows of one instant keep their logged order.
  read.sort((a, b) => a.time - b.time);
  const kept = read.filter(keep).slice(-count);
  const start = kept[0]?.time ?? to;
  return { kept, logged: read.filter((r) => r.time >= start) };
}

/** Which side of a request a row answered: a shadow answers the same request id as its primary. */
export const requestKey = (r: Pick<PayloadRow, 'role' | 'requestId'>): string => `${r.role === 'shadow' ? 's' : 'p'}\u0000${r.requestId}`;
