import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../test/backends.js';
import { createTestStore, type TestStore } from '../../test/helpers/test-store.js';
import type { Store } from '../store/index.js';
import { createToken, createTokenVerifier, revokeToken, type CreatedToken } from './index.js';

const T0 = 1_700_000_000_000;

/** Counts the statements the verifier sends, and can make the next one fail. */
function countingPlugin() {
  const state = { queries: 0, failNext: false };
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      state.queries++;
      if (state.failNext) {
        state.failNext = false;
        throw new Error('database unreachable');
      }
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { state, plugin };
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`token verifier: ${backend.name}`, () => {
    let t: TestStore;
    let now = T0;
    let store: Store;
    let counter: ReturnType<typeof countingPlugin>['state'];
    let editor: CreatedToken;
    beforeAll(async () => {
      t = await createTestStore(backend, { actor: 'root', now: () => now });
      const c = countingPlugin();
      counter = c.state;
      store = { ...t.store, db: t.store.db.withPlugin(c.plugin) };
      editor = await createToken(t.store, { name: 'ci-bot', role: 'editor' });
    });
    afterAll(async () => t?.dispose());
    beforeEach(() => {
      now += 3_600_000; // every test starts past any cache and touch interval
    });

    const lastUsed = async (id: string) =>
      (await t.store.db.selectFrom('api_tokens').select('last_used_time').where('id', '=', id).executeTakeFirstOrThrow()).last_used_time;

    it('asks the database once per cache period, and not at all for secrets without the token shape', async () => {
      const v = createTokenVerifier(store, { cacheMs: 10_000, touchEveryMs: 3_600_000 });
      const q0 = counter.queries;
      expect(await v.verify(editor.token)).toEqual({ ok: true, token: expect.objectContaining({ id: editor.id, name: 'ci-bot', role: 'editor' }) });
      expect(counter.queries - q0).toBe(2); // the lookup, and the first last_used_time
      for (let i = 0; i < 50; i++) expect((await v.verify(editor.token)).ok).toBe(true);
      expect(counter.queries - q0).toBe(2);
      now += 10_000;
      expect((await v.verify(editor.token)).ok).toBe(true);
      expect(counter.queries - q0).toBe(3);

      const q1 = counter.queries;
      expect(await v.verify('not-a-token')).toEqual({ ok: false, reason: 'unknown' });
      expect(await v.verify(`${editor.token}x`)).toEqual({ ok: false, reason: 'unknown' });
      expect(counter.queries).toBe(q1);
      const stranger = `slw_${'A'.repeat(43)}`;
      expect(await v.verify(stranger)).toEqual({ ok: false, reason: 'unknown' });
      expect(await v.verify(stranger)).toEqual({ ok: false, reason: 'unknown' });
      expect(counter.queries - q1).toBe(1);
    });

    it('notices a revocation by another process within cacheMs, and one in this process at once', async () => {
      const other = await createToken(t.store, { name: 'other', role: 'viewer' });
      const v = createTokenVerifier(store, { cacheMs: 10_000 });
      expect((await v.verify(other.token)).ok).toBe(true);
      // As `slipway tokens revoke` in another process does it: straight to the database.
      await t.store.db.updateTable('api_tokens').set({ revoked_time: now }).where('id', '=', other.id).execute();
      now += 9_999;
      expect((await v.verify(other.token)).ok).toBe(true);
      now += 1;
      expect(await v.verify(other.token)).toEqual({ ok: false, reason: 'revoked', token: expect.objectContaining({ id: other.id, revoked_time: now - 10_000 }) });

      const third = await createToken(t.store, { name: 'third', role: 'admin' });
      expect((await v.verify(third.token)).ok).toBe(true);
      await revokeToken(t.store, third.id);
      expect(await v.verify(third.token)).toMatchObject({ ok: false, reason: 'revoked' });
    });

    it('refuses an expired token from the cache at the instant it expires', async () => {
      const brief = await createToken(t.store, { name: 'brief', role: 'viewer', expiresIn: 5_000 });
      const v = createTokenVerifier(store, { cacheMs: 60_000 });
      now += 4_999;
      expect((await v.verify(brief.token)).ok).toBe(true);
      const q = counter.queries;
      now += 1;
      expect(await v.verify(brief.token)).toEqual({ ok: false, reason: 'expired', token: expect.objectContaining({ expires_time: now }) });
      expect(counter.queries).toBe(q);
    });

    it('writes last_used_time at most once per touchEveryMs', async () => {
      const v = createTokenVerifier(store, { cacheMs: 1, touchEveryMs: 60_000 });
      const first = now;
      await v.verify(editor.token);
      await v.flush();
      expect(Number(await lastUsed(editor.id))).toBe(first);
      now += 59_999;
      await v.verify(editor.token);
      await v.flush();
      expect(Number(await lastUsed(editor.id))).toBe(first);
      now += 1;
      await v.verify(editor.token);
      await v.flush();
      expect(Number(await lastUsed(editor.id))).toBe(now);
    });

    it('shares one lookup among concurrent first uses, and forgets the oldest beyond maxCached', async () => {
      const v = createTokenVerifier(store, { maxCached: 2, touchEveryMs: 3_600_000 });
      const q0 = counter.queries;
      const results = await Promise.all(Array.from({ length: 20 }, () => v.verify(editor.token)));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(counter.queries - q0).toBe(2); // one lookup, one last_used_time
      const q1 = counter.queries;
      await v.verify(`slw_${'B'.repeat(43)}`);
      await v.verify(`slw_${'C'.repeat(43)}`);
      expect(counter.queries - q1).toBe(2);
      await v.verify(editor.token); // evicted by the two strangers
      expect(counter.queries - q1).toBe(3);
    });

    it('does not cache a failed lookup', async () => {
      const v = createTokenVerifier(store, { touchEveryMs: 3_600_000 });
      counter.failNext = true;
      await expect(v.verify(editor.token)).rejects.toThrow('database unreachable');
      expect((await v.verify(editor.token)).ok).toBe(true);
    });

    it('invalidate() drops what was cached', async () => {
      const v = createTokenVerifier(store, { touchEveryMs: 3_600_000 });
      await v.verify(editor.token);
      const q = counter.queries;
      v.invalidate();
      await v.verify(editor.token);
      expect(counter.queries - q).toBe(1);
    });
  });
}
