import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../test/backends.js';
import { createTestStore, type TestStore } from '../../test/helpers/test-store.js';
import { FEEDBACK_PATH, feedbackRoutes, MAX_FEEDBACK_ITEMS } from './feedback-routes.js';
import { type RouteTable, statusOf } from './routing.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite');

/** Dispatches as the server does: match, pick the method's handler, map a thrown error through statusOf + errorBody. */
async function call(
  table: RouteTable,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const route = table.match(path);
  if (!route) return { status: 404, body: undefined };
  const handler = route[method];
  if (!handler) return { status: 405, body: undefined };
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  try {
    const reply = await handler({ method, path, headers: {}, body: Buffer.from(raw, 'utf8'), requestId: 'test' });
    return { status: reply.status, body: reply.body };
  } catch (err) {
    const status = statusOf(err);
    return { status, body: table.errorBody(status, (err as Error).message) };
  }
}

describe('POST /v1/feedback', () => {
  let t: TestStore;
  let deployment = 'churn';
  let table: RouteTable;
  beforeAll(async () => {
    t = await createTestStore(sqlite ?? (BACKENDS[0] as NonNullable<typeof sqlite>));
    table = feedbackRoutes({ store: t.store, deployment: () => deployment });
  });
  afterAll(async () => {
    await t?.dispose();
  });
  beforeEach(async () => {
    deployment = 'churn';
    await t.store.db.deleteFrom('feedback').execute();
  });
  const stored = async () =>
    (await t.store.db.selectFrom('feedback').selectAll().orderBy('request_id').execute()).map((r) => [
      r.request_id,
      r.deployment,
      JSON.parse(r.label) as unknown,
    ]);

  it('owns only its path and method', async () => {
    expect(table.match(FEEDBACK_PATH)).toBeDefined();
    expect(table.match('/v1/feedback/')).toBeUndefined();
    expect(table.match('/v2/models/x/infer')).toBeUndefined();
    expect((await call(table, 'GET', FEEDBACK_PATH, '')).status).toBe(405);
  });

  it('takes one item, {"feedback": [...]}, or a list, for the deployment served now', async () => {
    expect(await call(table, 'POST', FEEDBACK_PATH, { request_id: 'a', label: 'yes' })).toEqual({
      status: 200,
      body: { accepted: 1 },
    });
    deployment = 'fraud';
    expect(
      await call(table, 'POST', FEEDBACK_PATH, {
        feedback: [
          { request_id: 'b', label: 1 },
          { request_id: 'c', label: { k: [1, 2] } },
        ],
      }),
    ).toEqual({ status: 200, body: { accepted: 2 } });
    expect(
      await call(table, 'POST', FEEDBACK_PATH, [
        { request_id: 'a', label: 'no' },
        { request_id: 'd', label: false },
      ]),
    ).toEqual({
      status: 200,
      body: { accepted: 2 },
    });
    expect(await stored()).toEqual([
      ['a', 'fraud', 'no'],
      ['b', 'fraud', 1],
      ['c', 'fraud', { k: [1, 2] }],
      ['d', 'fraud', false],
    ]);
  });

  it(`takes ${MAX_FEEDBACK_ITEMS} items and refuses one more`, async () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ request_id: `r${i}`, label: i }));
    expect(await call(table, 'POST', FEEDBACK_PATH, { feedback: items(MAX_FEEDBACK_ITEMS) })).toEqual({
      status: 200,
      body: { accepted: MAX_FEEDBACK_ITEMS },
    });
    await t.store.db.deleteFrom('feedback').execute();
    const over = await call(table, 'POST', FEEDBACK_PATH, items(MAX_FEEDBACK_ITEMS + 1));
    expect(over).toEqual({
      status: 400,
      body: { error: '10001 feedback items in one request; the limit is 10000, send the rest separately' },
    });
    expect(await stored()).toEqual([]);
  });

  const ok = { request_id: 'ok', label: 1 };
  it.each<[string, unknown, string]>([
    ['invalid JSON', '{"request_id": ', 'invalid JSON body'],
    ['a string body', '"a"', 'the body must be {"request_id", "label"}, {"feedback": [...]} or a list of such items'],
    ['a number body', '42', 'the body must be {"request_id", "label"}, {"feedback": [...]} or a list of such items'],
    ['null', 'null', 'the body must be {"request_id", "label"}, {"feedback": [...]} or a list of such items'],
    ['feedback not a list', { feedback: { request_id: 'a', label: 1 } }, "'feedback' must be a list of {request_id, label}"],
    ['a field beside feedback', { feedback: [ok], deployment: 'x' }, "unknown field 'deployment' beside 'feedback'"],
    ['an empty list', [], 'no feedback items were given'],
    ['an empty feedback list', { feedback: [] }, 'no feedback items were given'],
    ['a non-object item', { feedback: [ok, 'x'] }, 'feedback[1] must be an object with request_id and label'],
    ['a missing request_id', { feedback: [ok, ok, ok, { label: 1 }] }, 'feedback[3].request_id is missing'],
    ['an empty request_id', { feedback: [{ request_id: '', label: 1 }] }, 'feedback[0].request_id is empty'],
    [
      'a long request_id',
      { feedback: [{ request_id: 'x'.repeat(257), label: 1 }] },
      'feedback[0].request_id is 257 characters long; the limit is 256',
    ],
    ['a numeric request_id', [ok, { request_id: 5, label: 1 }], '[1].request_id must be a string, got number 5'],
    ['a missing label', [ok, ok, { request_id: 'a' }], '[2].label is missing'],
    ['a null label', { request_id: 'a', label: null }, 'label is null; send the true value'],
    ['a missing single request_id', { label: 'x' }, 'request_id is missing'],
    ['a misspelt field', { requestId: 'a', label: 1 }, 'requestId is not a known field; an item has request_id and label'],
    [
      'a misspelt field in a list',
      { feedback: [ok, { request_id: 'a', lable: 1 }] },
      'feedback[1].lable is not a known field; an item has request_id and label',
    ],
    ['a non-object list item', [ok, null], '[1] must be an object with request_id and label'],
  ])('answers 400 for %s, naming what and where, and stores nothing', async (_name, body, message) => {
    const res = await call(table, 'POST', FEEDBACK_PATH, body);
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toContain(message);
    if (message !== 'invalid JSON body') expect((res.body as { error: string }).error).toBe(message);
    expect(await stored()).toEqual([]);
  });

  it("answers 500 when the server's own deployment name is unusable", async () => {
    deployment = '';
    const res = await call(table, 'POST', FEEDBACK_PATH, ok);
    expect(res).toEqual({ status: 500, body: { error: "the server's deployment name is empty" } });
  });
});
