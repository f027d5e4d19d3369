import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { createTestStore, type TestStore } from '../../../test/helpers/test-store.js';
import { encodePayload, type PayloadRecord, type PayloadRow } from '../../serve/index.js';
import type { Store } from '../../store/index.js';
import { lastPayloadRows, payloadWindow } from './payload-window.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite') ?? (BACKENDS[0] as (typeof BACKENDS)[number]);

const record = (time: number, role: PayloadRecord['role'] = 'primary'): PayloadRecord => ({
  requestId: `r-${time}-${role}`, time, deployment: 'churn', model: 'm', version: '1', role,
  inputs: { x: [time] }, outputs: { label: ['a'] }, latencyMs: 1, status: 200,
});

async function writeBatch(store: Store, records: PayloadRecord[]): Promise<string> {
  const ref = await store.objects.put(encodePayload(records, 'jsonl'));
  const times = records.map((r) => r.time);
  await store.db.insertInto('payload_batches').values({
    deployment: 'churn', format: 'jsonl', blob_hash: ref.hash, blob_size: ref.size, records: records.length,
    first_time: Math.min(...times), last_time: Math.max(...times), created_time: 0,
  }).execute();
  return ref.hash;
}

let ts: TestStore;
let hashes: Record<'a' | 'b' | 'c' | 'd', string>;
const reads: string[] = [];
let counted: Store;

beforeAll(async () => {
  ts = await createTestStore(sqlite);
  const range = (from: number, n: number, step: number) => Array.from({ length: n }, (_, i) => from + i * step);
  hashes = {
    a: await writeBatch(ts.store, range(1000, 10, 10).map((t) => record(t))),
    b: await writeBatch(ts.store, range(2000, 10, 10).map((t) => record(t))),
    // Two servers' batches overlapping in time; d also holds shadow rows, which are not "served".
    c: await writeBatch(ts.store, range(3000, 10, 10).map((t) => record(t))),
    d: await writeBatch(ts.store, [...range(2500, 10, 66).map((t) => record(t)), record(3093, 'shadow'), record(3094, 'shadow')]),
  };
  const objects = ts.store.objects;
  counted = { ...ts.store, objects: Object.assign(Object.create(objects) as typeof objects, { get: (hash: string) => (reads.push(hash), objects.get(hash)) }) };
});
afterAll(async () => ts.dispose());

const primary = (r: PayloadRow) => r.role !== 'shadow';
/** What "the last N" means, computed the slow way: every row, by time. */
async function reference(count: number, to: number): Promise<{ kept: number[]; logged: number[] }> {
  const all = [...(await payloadWindow(ts.store, 'churn', 0, to))].sort((x, y) => x.time - y.time);
  const kept = all.filter(primary).slice(-count);
  const start = kept[0]?.time ?? to;
  return { kept: kept.map((r) => r.time), logged: all.filter((r) => r.time >= start).map((r) => r.time) };
}

describe('lastPayloadRows', () => {
  it('returns the N newest kept rows across overlapping batches, reading only the batches that can hold them', async () => {
    reads.length = 0;
    const got = await lastPayloadRows(counted, 'churn', 5, 10_000, primary);
    expect({ kept: got.kept.map((r) => r.time), logged: got.logged.map((r) => r.time) }).toEqual(await reference(5, 10_000));
    expect(got.kept.map((r) => r.time)).toEqual([3060, 3070, 3080, 3090, 3094]);
    expect(got.logged.map((r) => [r.time, r.role])).toEqual([[3060, 'primary'], [3070, 'primary'], [3080, 'primary'], [3090, 'primary'], [3093, 'shadow'], [3094, 'primary'], [3094, 'shadow']]);
    // The newest batch (d), then c, which could still hold rows as new as the 5th newest; a and b cannot.
    expect(reads).toEqual([hashes.d, hashes.c]);
  });

  it('gives every kept row when the log holds fewer than N, and honours the end of the window', async () => {
    const all = await lastPayloadRows(ts.store, 'churn', 1000, 10_000, primary);
    expect(all.kept).toHaveLength(40);
    expect({ kept: all.kept.map((r) => r.time), logged: all.logged.map((r) => r.time) }).toEqual(await reference(1000, 10_000));
    const early = await lastPayloadRows(ts.store, 'churn', 3, 2050, primary);
    expect(early.kept.map((r) => r.time)).toEqual([2020, 2030, 2040]);
    expect(early.logged.map((r) => r.time)).toEqual([2020, 2030, 2040]);
  });
});
