import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import type { InferenceModel } from './inference-model.js';
import { payloadObserver, payloadRecordOf } from './payload-observer.js';
import { decodePayload, encodePayload, type PayloadFormat, type PayloadRecord } from './payload-rows.js';

const base = {
  time: 1_700_000_000_000,
  deployment: 'd',
  model: 'm',
  version: '1',
  role: 'primary',
  latencyMs: 1.5,
  status: 200,
} as const;

describe.each<PayloadFormat>(['jsonl', 'parquet'])('payload rows (%s)', (format) => {
  it('keeps mixed-type, boolean and null inputs exactly (Parquet falls back to JSON text for such columns)', async () => {
    const records: PayloadRecord[] = [
      {
        ...base,
        requestId: 'a',
        inputs: { mixed: [1, 'two', true], flag: [true, false, null], n: [1.5, null, 0.25] },
        outputs: { variable: new Float64Array([0.5, 1.5, 2.5]) },
      },
      {
        ...base,
        requestId: 'b',
        inputs: { mixed: [{ k: [1] }], flag: [false], n: [3] },
        outputs: { variable: new Float64Array([9]) },
      },
    ];
    const rows = await decodePayload(encodePayload(records, format), format);
    expect(rows.map((r) => [r.requestId, r.row, r.inputs, r.outputs])).toEqual([
      ['a', 0, { mixed: 1, flag: true, n: 1.5 }, { variable: 0.5 }],
      ['a', 1, { mixed: 'two', flag: false, n: null }, { variable: 1.5 }],
      ['a', 2, { mixed: true, flag: null, n: 0.25 }, { variable: 2.5 }],
      ['b', 0, { mixed: { k: [1] }, flag: false, n: 3 }, { variable: 9 }],
    ]);
  });

  it('logs a request without rows as one row 0, and an output that is not row-shaped whole on every row', async () => {
    const records: PayloadRecord[] = [
      { ...base, requestId: 'err', inputs: {}, outputs: {}, status: 413, error: 'too big' },
      { ...base, requestId: 'odd', inputs: { x: [1, 2] }, outputs: { extra: [7, 8, 9] } },
    ];
    const rows = await decodePayload(encodePayload(records, format), format);
    expect(rows.map((r) => [r.requestId, r.row, r.status, r.error, r.outputs.extra])).toEqual([
      ['err', 0, 413, 'too big', format === 'parquet' ? null : undefined],
      ['odd', 0, 200, null, [7, 8, 9]],
      ['odd', 1, 200, null, [7, 8, 9]],
    ]);
    expect(rows[0]).toMatchObject({
      time: base.time,
      deployment: 'd',
      model: 'm',
      version: '1',
      role: 'primary',
      latencyMs: 1.5,
    });
  });
});

describe('payload file format', () => {
  it('writes the documented Parquet schema, with a version key in the metadata', () => {
    const bytes = encodePayload(
      [
        {
          ...base,
          requestId: 'a',
          inputs: { x1: [1], color: ['red'], mixed: [true] },
          outputs: { label: ['hi'], probabilities: new Float32Array([0.25, 0.75]) },
        },
      ],
      'parquet',
    );
    const meta = parquetMetadata(bytes);
    expect(meta.key_value_metadata).toContainEqual({ key: 'slipway.payload_schema', value: '1' });
    const top = meta.schema
      .filter((e) => e.name !== 'list' && e.name !== 'element')
      .map((e) => [e.name, e.type ?? e.converted_type, e.converted_type]);
    expect(top).toEqual([
      ['root', undefined, undefined],
      ['request_id', 'BYTE_ARRAY', 'UTF8'],
      ['row', 'INT32', undefined],
      ['time', 'INT64', 'TIMESTAMP_MILLIS'],
      ['deployment', 'BYTE_ARRAY', 'UTF8'],
      ['model', 'BYTE_ARRAY', 'UTF8'],
      ['version', 'BYTE_ARRAY', 'UTF8'],
      ['role', 'BYTE_ARRAY', 'UTF8'],
      ['latency_ms', 'DOUBLE', undefined],
      ['status', 'INT32', undefined],
      ['error', 'BYTE_ARRAY', 'UTF8'],
      ['input.x1', 'DOUBLE', undefined],
      ['input.color', 'BYTE_ARRAY', 'UTF8'],
      ['input.mixed', 'BYTE_ARRAY', 'JSON'],
      ['output.label', 'BYTE_ARRAY', 'UTF8'],
      ['output.probabilities', 'LIST', 'LIST'],
    ]);
  });

  it('writes JSON Lines with the same flat keys', () => {
    const text = Buffer.from(
      encodePayload(
        [
          {
            ...base,
            requestId: 'a',
            inputs: { x1: [1, 2] },
            outputs: { label: ['p', 'q'], probabilities: new Float32Array([0.25, 0.75, 0.5, 0.5]) },
          },
        ],
        'jsonl',
      ),
    ).toString();
    expect(text.split('\n')).toEqual([
      '{"request_id":"a","row":0,"time":1700000000000,"deployment":"d","model":"m","version":"1","role":"primary","latency_ms":1.5,"status":200,"error":null,"input.x1":1,"output.label":"p","output.probabilities":[0.25,0.75]}',
      '{"request_id":"a","row":1,"time":1700000000000,"deployment":"d","model":"m","version":"1","role":"primary","latency_ms":1.5,"status":200,"error":null,"input.x1":2,"output.label":"q","output.probabilities":[0.5,0.5]}',
      '',
    ]);
  });

  it('refuses an unknown format', async () => {
    await expect(decodePayload(new Uint8Array(), 'csv' as PayloadFormat)).rejects.toThrow("unknown payload format 'csv'");
  });
});

describe('payload observer', () => {
  const model = { name: 'iris', version: '3' } as InferenceModel;
  const event = {
    endpoint: 'prod',
    model,
    role: 'canary' as const,
    requestId: 'r1',
    time: 5,
    columns: { x: [1, 2] },
    rows: 2,
    latencyMs: 0.4,
  };

  it('turns a prediction event into a record with the runtime outputs under their protocol names', () => {
    const predictions = { labels: ['a', 'b'], probabilities: new Float64Array([0.1, 0.9, 0.8, 0.2]), values: undefined };
    expect(payloadRecordOf({ ...event, predictions })).toEqual({
      requestId: 'r1',
      time: 5,
      deployment: 'prod',
      model: 'iris',
      version: '3',
      role: 'canary',
      inputs: { x: [1, 2] },
      outputs: { label: ['a', 'b'], probabilities: predictions.probabilities },
      latencyMs: 0.4,
      status: 200,
    });
    expect(
      payloadRecordOf({
        ...event,
        predictions: { labels: undefined, probabilities: undefined, values: new Float64Array([3, 4]) },
      }).outputs,
    ).toEqual({
      variable: new Float64Array([3, 4]),
    });
  });

  it('logs a runtime failure as a 500 with its message, and feeds the log', () => {
    expect(payloadRecordOf({ ...event, error: new Error('session died') })).toMatchObject({
      status: 500,
      error: 'session died',
      outputs: {},
    });
    const seen: PayloadRecord[] = [];
    payloadObserver({ record: (r) => seen.push(r) })({ ...event, error: 'plain' });
    expect(seen).toMatchObject([{ requestId: 'r1', status: 500, error: 'plain' }]);
  });
});
