import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, get, post, startFixture } from './test-helpers.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.server.close();
});

const cols = ['x1', 'x2', 'color'] as const;
const records = () => f.rows.x1.map((_, i) => ({ x1: f.rows.x1[i], x2: f.rows.x2[i], color: f.rows.color[i] }));

describe('MLflow scoring protocol', () => {
  it('answers /ping, /health and /version', async () => {
    expect((await get(`${f.base}/ping`)).status).toBe(200);
    expect((await get(`${f.base}/health`)).status).toBe(200);
    const version = await get(`${f.base}/version`);
    expect(version.status).toBe(200);
    expect(String(version.json)).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('gives the same labels, equal to predict(), for every input format', async () => {
    const bodies = [
      { dataframe_split: { columns: cols, data: records().map((r) => cols.map((c) => r[c])) } },
      { dataframe_records: records() },
      { instances: records() },
      { inputs: f.rows },
      { inputs: records() },
    ];
    for (const body of bodies) {
      const res = await post(`${f.base}/invocations`, body);
      expect(res.status).toBe(200);
      expect((res.json as { predictions: string[] }).predictions).toEqual(f.expected.labels);
    }
    const csv = ['x1,x2,color', ...records().map((r) => `${r.x1},${r.x2},"${r.color}"`)].join('\r\n') + '\r\n';
    const res = await fetch(`${f.base}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { predictions: string[] }).predictions).toEqual(f.expected.labels);
  });

  it('adds probabilities when params.probabilities is true', async () => {
    const res = await post(`${f.base}/invocations`, { dataframe_records: records(), params: { probabilities: true } });
    const predictions = (res.json as { predictions: { label: string; probabilities: Record<string, number> }[] }).predictions;
    const classes = f.model.classes ?? [];
    predictions.forEach((p, i) => {
      expect(p.label).toBe(f.expected.labels?.[i]);
      classes.forEach((c, j) => {
        expect(Math.abs((p.probabilities[c] as number) - (f.expected.probabilities?.[i * classes.length + j] as number))).toBeLessThan(1e-5);
      });
    });
  });

  it.each([
    ['two formats', { instances: [], inputs: {} }, /exactly one/],
    ['no format', { foo: 1 }, /exactly one/],
    ['missing column', { dataframe_records: [{ x1: 1, color: 'red' }] }, /x2/],
    ['non-numeric value', { dataframe_records: [{ x1: 'abc', x2: 1, color: 'red' }] }, /numeric/],
    ['ragged split', { dataframe_split: { columns: cols, data: [[1, 2]] } }, /row 0/],
  ])('rejects %s with 400 BAD_REQUEST', async (_name, body, message) => {
    const res = await post(`${f.base}/invocations`, body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error_code: 'BAD_REQUEST' });
    expect((res.json as { message: string }).message).toMatch(message);
  });

  it('rejects invalid JSON with 400 and a wrong method with 405', async () => {
    const res = await post(`${f.base}/invocations`, 'not json');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error_code: 'BAD_REQUEST' });
    expect((await get(`${f.base}/invocations`)).status).toBe(405);
  });
});
