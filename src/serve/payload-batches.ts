/**
 * The payload log's index: one `payload_batches` row per blob written, so a time window of one
 * deployment's predictions is found without listing the object store.
 */
import { invalid } from '../errors.js';
import type { Store } from '../store/index.js';
import { decodePayload, type PayloadFormat, type PayloadRow } from './payload-rows.js';

export interface PayloadBatch {
  readonly id: number;
  readonly deployment: string;
  readonly format: PayloadFormat;
  readonly blobHash: string;
  readonly blobSize: number;
  /** Rows in the blob (predicted rows, not requests). */
  readonly records: number;
  /** Earliest and latest request arrival time in the blob, epoch ms. */
  readonly firstTime: number;
  readonly lastTime: number;
  readonly createdTime: number;
}

export interface ListPayloadBatchesOptions {
  readonly deployment?: string;
  /** Batches holding any request that arrived at or after this time (epoch ms). */
  readonly from?: number;
  /** Batches holding any request that arrived before this time (epoch ms, exclusive). */
  readonly to?: number;
  readonly limit?: number;
}

/** Batches overlapping the window [from, to), oldest first. */
export async function listPayloadBatches(store: Store, options: ListPayloadBatchesOptions = {}): Promise<PayloadBatch[]> {
  let q = store.db.selectFrom('payload_batches').selectAll();
  if (options.deployment !== undefined) q = q.where('deployment', '=', options.deployment);
  if (options.from !== undefined) q = q.where('last_time', '>=', options.from);
  if (options.to !== undefined) q = q.where('first_time', '<', options.to);
  q = q.orderBy('first_time').orderBy('id');
  if (options.limit !== undefined) {
    if (!Number.isInteger(options.limit) || options.limit < 0)
      throw invalid(`limit must be a non-negative integer, got ${options.limit}`);
    q = q.limit(options.limit);
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    deployment: r.deployment,
    format: r.format as PayloadFormat,
    blobHash: r.blob_hash,
    blobSize: Number(r.blob_size),
    records: Number(r.records),
    firstTime: Number(r.first_time),
    lastTime: Number(r.last_time),
    createdTime: Number(r.created_time),
  }));
}

/** Every row of one batch, in the order written (hash-verified by the object store). */
export async function readPayloadBatch(store: Store, batch: Pick<PayloadBatch, 'blobHash' | 'format'>): Promise<PayloadRow[]> {
  return decodePayload(await store.objects.get(batch.blobHash), batch.format);
}
