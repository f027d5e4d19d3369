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

/** Which side of a request a row answered: a shadow answers the same request id as its primary. */
export const requestKey = (r: Pick<PayloadRow, 'role' | 'requestId'>): string => `${r.role === 'shadow' ? 's' : 'p'}\u0000${r.requestId}`;
