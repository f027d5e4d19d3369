import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { createTestStore, type TestStore } from '../../../test/helpers/test-store.js';
import { listAudit } from '../../audit/index.js';
import { createJsonLogger } from '../../serve/index.js';
import { createDenialAudit, type Denial } from './denial-audit.js';

const T0 = 1_700_000_080_000; // 40 s into a minute
const denial: Denial = { actor: 'anonymous', status: 401, reason: 'no credentials', method: 'POST', route: '/api/2.0/mlflow/runs/create', source: '10.0.0.1' };

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`auth denials in the audit log: ${backend.name}`, () => {
    let t: TestStore;
    let now = T0;
    const lines: Record<string, unknown>[] = [];
    const log = createJsonLogger({ level: 'warn', stream: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) }, now: () => now });
    beforeAll(async () => {
      t = await createTestStore(backend, { now: () => now });
    });
    afterAll(async () => t?.dispose());

    it('writes the first of identical denials per source per minute, at most perMinute in all, and logs what it left out', async () => {
      const audit = createDenialAudit(t.store, log, 3);
      expect(await audit.record(denial)).toBe(true);
      for (let i = 0; i < 100; i++) expect(await audit.record(denial)).toBe(false);
      expect(await audit.record({ ...denial, source: '10.0.0.2' })).toBe(true);
      expect(await audit.record({ ...denial, reason: 'unknown token' })).toBe(true);
      // The window's budget (3) is spent: a new kind of denial is counted, not written.
      expect(await audit.record({ ...denial, route: '/api/2.0/mlflow/runs/update' })).toBe(false);
      expect(lines).toEqual([]);

      now = T0 + 20_000; // the next minute
      expect(await audit.record(denial)).toBe(true);
      expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: 'auth denials left out of the audit log (rate limit)', suppressed: 101, windowStart: new Date(T0 - 40_000).toISOString() })]);

      const entries = await listAudit(t.store.db, { action: 'auth.denied' });
      expect(entries.map((e) => [e.time, e.actor, e.subject_type, e.subject_id, e.reason, e.after])).toEqual([
        [T0 + 20_000, 'anonymous', 'route', 'POST /api/2.0/mlflow/runs/create', 'no credentials', { status: 401, source: '10.0.0.1' }],
        [T0, 'anonymous', 'route', 'POST /api/2.0/mlflow/runs/create', 'unknown token', { status: 401, source: '10.0.0.1' }],
        [T0, 'anonymous', 'route', 'POST /api/2.0/mlflow/runs/create', 'no credentials', { status: 401, source: '10.0.0.2' }],
        [T0, 'anonymous', 'route', 'POST /api/2.0/mlflow/runs/create', 'no credentials', { status: 401, source: '10.0.0.1' }],
      ]);

      lines.length = 0;
      expect(await audit.record(denial)).toBe(false);
      audit.close();
      expect(lines).toEqual([expect.objectContaining({ msg: 'auth denials left out of the audit log (rate limit)', suppressed: 1 })]);
    });

    it('names the token when there is one, and never throws when the audit write fails', async () => {
      now = T0 + 600_000;
      const audit = createDenialAudit(t.store, log, 10);
      expect(await audit.record({ ...denial, status: 403, actor: 'ci-bot', reason: 'role viewer lacks edit', tokenId: 'tok_1' })).toBe(true);
      const [entry] = await listAudit(t.store.db, { action: 'auth.denied', limit: 1 });
      expect(entry).toMatchObject({ actor: 'ci-bot', reason: 'role viewer lacks edit', after: { status: 403, source: '10.0.0.1', token_id: 'tok_1' } });

      lines.length = 0;
      const closed = await createTestStore(backend, { now: () => now });
      await closed.dispose();
      const failing = createDenialAudit(closed.store, createJsonLogger({ level: 'error', stream: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) } }), 10);
      expect(await failing.record(denial)).toBe(false);
      expect(lines).toEqual([expect.objectContaining({ level: 'error', msg: 'could not write an auth denial to the audit log', actor: 'anonymous' })]);
    });
  });
}
