import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, get, oipInputs, post, startFixture } from './test-helpers.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await f.server.close();
});

interface InferBody {
  id: string;
  model_name: string;
  model_version: string;
  outputs: { name: string; shape: number[]; datatype: string; data: unknown[] }[];
}

function expectMatches(body: InferBody, from: number, to: number): void {
  const k = f.model.classes?.length ?? 0;
  const label = body.outputs.find((o) => o.name === 'label');
  const probs = body.outputs.find((o) => o.name === 'probabilities');
  expect(label).toMatchObject({ datatype: 'BYTES', shape: [to - from] });
  expect(label?.data).toEqual(f.expected.labels?.slice(from, to));
  expect(probs).toMatchObject({ datatype: 'FP32', shape: [to - from, k] });
  const want = Array.from(f.expected.probabilities?.slice(from * k, to * k) ?? []);
  (probs?.data as number[]).forEach((p, i) => expect(Math.abs(p - (want[i] as number))).toBeLessThan(1e-5));
}

describe('Open Inference Protocol', () => {
  it('answers health, server and model metadata', async () => {
    expect((await get(`${f.base}/v2/health/live`)).status).toBe(200);
    expect((await get(`${f.base}/v2/health/ready`)).status).toBe(200);
    expect((await get(`${f.base}/v2`)).json).toMatchObject({ name: 'slipway', extensions: [] });
    const meta = await get(`${f.base}/v2/models/iris`);
    expect(meta.status).toBe(200);
    expect(meta.json).toMatchObject({
      name: 'iris',
      versions: ['3'],
      platform: 'onnx',
      inputs: expect.arrayContaining([
        { name: 'x1', datatype: 'FP32', shape: [-1, 1] },
        { name: 'color', datatype: 'BYTES', shape: [-1, 1] },
      ]) as unknown,
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
      ],
    });
    expect((await get(`${f.base}/v2/models/iris/versions/3`)).json).toEqual(meta.json);
    expect((await get(`${f.base}/v2/models/iris/ready`)).status).toBe(200);
    expect((await get(`${f.base}/v2/models/iris/versions/3/ready`)).status).toBe(200);
  });

  it('infers with flat and nested data, equal to predict() within 1e-5, echoing the id', async () => {
    const res = await post(`${f.base}/v2/models/iris/infer`, { id: 'abc', inputs: oipInputs(f.rows) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('abc');
    const body = res.json as InferBody;
    expect(body).toMatchObject({ model_name: 'iris', model_version: '3', id: 'abc' });
    expectMatches(body, 0, 20);
    const versioned = await post(`${f.base}/v2/models/iris/versions/3/infer`, { inputs: oipInputs(f.rows, 5, 9) }, { 'x-request-id': 'hdr' });
    expect((versioned.json as InferBody).id).toBe('hdr');
    expectMatches(versioned.json as InferBody, 5, 9);
  });

  it('returns only the requested outputs', async () => {
    const res = await post(`${f.base}/v2/models/iris/infer`, { inputs: oipInputs(f.rows), outputs: [{ name: 'label' }] });
    expect((res.json as InferBody).outputs.map((o) => o.name)).toEqual(['label']);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps 50 concurrent requests of mixed sizes apart', async () => {
    const jobs = Array.from({ length: 50 }, (_, i) => {
      const from = i % 13;
      const to = Math.min(20, from + 1 + (i % 8));
      return post(`${f.base}/v2/models/iris/infer`, { inputs: oipInputs(f.rows, from, to) }).then((r) => ({ r, from, to }));
    });
    for (const { r, from, to } of await Promise.all(jobs)) {
      expect(r.status).toBe(200);
      expectMatches(r.json as InferBody, from, to);
    }
  });

  const bad = (mutate: (inputs: ReturnType<typeof oipInputs>) => unknown[]) => ({ inputs: mutate(oipInputs(f.rows, 0, 3)) });
  it.each([
    ['missing input', () => bad((i) => i.slice(1)), /missing input 'x1'/],
    ['unknown input', () => bad((i) => [...i, { name: 'zz', datatype: 'FP32', shape: [3], data: [1, 2, 3] }]), /unknown input 'zz'/],
    ['wrong datatype', () => bad((i) => [{ ...i[0], datatype: 'BYTES' }, ...i.slice(1)]), /datatype BYTES, expected FP32/],
    ['element count', () => bad((i) => [{ ...i[0], shape: [4, 1] }, ...i.slice(1)]), /3 elements/],
    ['bad shape', () => bad((i) => [{ ...i[0], shape: [1, 3] }, ...i.slice(1)]), /shape/],
    ['non-number', () => bad((i) => [{ ...i[0], data: [1, 'a', 3] }, ...i.slice(1)]), /element 1/],
    ['lengths', () => bad((i) => [i[0], ...oipInputs(f.rows, 0, 2).slice(1)]), /rows/],
    ['no inputs', () => ({ inputs: [] }), /non-empty/],
    ['unknown output', () => ({ inputs: oipInputs(f.rows), outputs: [{ name: 'nope' }] }), /unknown output/],
  ])('rejects %s with 400 before the runtime', async (_name, body, message) => {
    const res = await post(`${f.base}/v2/models/iris/infer`, body());
    expect(res.status).toBe(400);
    expect((res.json as { error: string }).error).toMatch(message);
  });

  it('answers 404 for unknown models and routes, 405 for wrong methods, 400 for bad JSON, 413 for huge bodies', async () => {
    const unknown = await post(`${f.base}/v2/models/nope/infer`, { inputs: oipInputs(f.rows) });
    expect(unknown.status).toBe(404);
    expect((unknown.json as { error: string }).error).toMatch(/unknown model 'nope'/);
    expect((await get(`${f.base}/v2/models/nope`)).status).toBe(404);
    expect((await get(`${f.base}/v2/models/iris/versions/9`)).status).toBe(404);
    expect((await get(`${f.base}/nowhere`)).status).toBe(404);
    expect((await get(`${f.base}/v2/models/iris/infer`)).status).toBe(405);
    const json = await post(`${f.base}/v2/models/iris/infer`, '{"inputs": [');
    expect(json.status).toBe(400);
    expect((json.json as { error: string }).error).toMatch(/invalid JSON/);
    const huge = await post(`${f.base}/v2/models/iris/infer`, JSON.stringify({ inputs: [], pad: 'x'.repeat(200 * 1024) }));
    expect(huge.status).toBe(413);
    expect((huge.json as { error: string }).error).toMatch(/limit/);
  });
});
