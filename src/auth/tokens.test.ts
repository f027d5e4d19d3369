import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../test/backends.js';
import { createTestStore, expectCode, type TestStore } from '../../test/helpers/test-store.js';
import { listAudit } from '../audit/index.js';
import { countActiveTokens, createToken, getToken, listTokens, revokeToken, tokenStatus } from './index.js';

const T0 = 1_700_000_000_000;
const DAY = 86_400_000;

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`API tokens: ${backend.name}`, () => {
    let t: TestStore;
    let now = T0;
    beforeAll(async () => {
      t = await createTestStore(backend, { actor: 'root', now: () => now });
    });
    afterAll(async () => t?.dispose());

    it('shows the secret once and keeps only its sha256', async () => {
      const created = await createToken(t.store, { name: 'ci-bot', role: 'editor', description: 'GitHub Actions', expiresIn: 30 * DAY });
      expect(created.token).toMatch(/^slw_[A-Za-z0-9_-]{43}$/);
      expect(created).toEqual({
        id: expect.stringMatching(/^tok_[0-9a-f]{16}$/), name: 'ci-bot', role: 'editor', description: 'GitHub Actions', created_by: 'root',
        created_time: T0, expires_time: T0 + 30 * DAY, last_used_time: null, revoked_time: null, token: created.token,
      });
      const row = await t.store.db.selectFrom('api_tokens').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
      expect(row.token_hash).toBe(createHash('sha256').update(created.token).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(created.token.slice(4));
      const { token: _secret, ...shown } = created;
      expect(await getToken(t.store, created.id)).toEqual(shown);

      const [audit] = await listAudit(t.store.db, { action: 'token.' });
      expect(audit).toMatchObject({
        actor: 'root', action: 'token.create', subject_type: 'token', subject_id: created.id, before: null,
        after: { name: 'ci-bot', role: 'editor', description: 'GitHub Actions', expires_time: T0 + 30 * DAY },
      });
      expect(JSON.stringify(audit)).not.toContain(created.token.slice(4));
    });

    it('makes a different secret every time, even for the same name', async () => {
      now = T0 + 100;
      const a = await createToken(t.store, { name: 'twin', role: 'viewer' });
      now = T0 + 200;
      const b = await createToken(t.store, { name: 'twin', role: 'viewer' });
      expect(a.token).not.toBe(b.token);
      expect(a.id).not.toBe(b.id);
      expect(a.expires_time).toBeNull();
    });

    it('refuses bad names, the reserved name, unknown roles and odd lifetimes', async () => {
      expect((await expectCode(createToken(t.store, { name: 'has space', role: 'viewer' }), 'INVALID_PARAMETER_VALUE')).message)
        .toBe("Invalid token name 'has space': start with a letter or digit, then letters, digits, '_', '.', '@', '+' or '-' (at most 128).");
      await expectCode(createToken(t.store, { name: '', role: 'viewer' }), 'INVALID_PARAMETER_VALUE');
      await expectCode(createToken(t.store, { name: 'x'.repeat(129), role: 'viewer' }), 'INVALID_PARAMETER_VALUE');
      expect((await expectCode(createToken(t.store, { name: 'anonymous', role: 'viewer' }), 'INVALID_PARAMETER_VALUE')).message)
        .toBe("The token name 'anonymous' is reserved for callers without a token.");
      expect((await expectCode(createToken(t.store, { name: 'x', role: 'owner' as 'admin' }), 'INVALID_PARAMETER_VALUE')).message)
        .toBe("Invalid role 'owner': expected viewer, editor, admin.");
      await expectCode(createToken(t.store, { name: 'x', role: 'viewer', expiresIn: 0 }), 'INVALID_PARAMETER_VALUE');
      await expectCode(createToken(t.store, { name: 'x', role: 'viewer', expiresIn: 1.5 }), 'INVALID_PARAMETER_VALUE');
      await expectCode(createToken(t.store, { name: 'x', role: 'viewer', description: 'd'.repeat(1001) }), 'INVALID_PARAMETER_VALUE');
      expect((await listTokens(t.store)).filter((k) => k.name === 'x')).toEqual([]);
    });

    it('revokes once, audited with the reason; again changes nothing; an unknown id is not found', async () => {
      now = T0 + 1000;
      const k = await createToken(t.store, { name: 'laptop', role: 'admin' });
      now = T0 + 2000;
      const revoked = await revokeToken(t.store, k.id, { reason: 'laptop lost' });
      const { token: _secret, ...shown } = k;
      expect(revoked).toEqual({ token: { ...shown, revoked_time: T0 + 2000 }, alreadyRevoked: false });
      now = T0 + 3000;
      expect(await revokeToken(t.store, k.id)).toEqual({ token: revoked.token, alreadyRevoked: true });
      const entries = (await listAudit(t.store.db, { subject: k.id })).map((e) => [e.action, e.actor, e.reason, e.after]);
      expect(entries).toEqual([
        ['token.revoke', 'root', 'laptop lost', { name: 'laptop', role: 'admin', revoked_time: T0 + 2000 }],
        ['token.create', 'root', '', { name: 'laptop', role: 'admin', description: '', expires_time: null }],
      ]);
      expect((await expectCode(revokeToken(t.store, 'tok_nope'), 'RESOURCE_DOES_NOT_EXIST')).message).toBe("No API token with id 'tok_nope'.");
      await expectCode(getToken(t.store, 'tok_nope'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('lists every token newest first without secrets, and counts only the usable ones', async () => {
      const listed = await listTokens(t.store);
      expect(listed.map((k) => [k.name, k.created_time])).toEqual([['laptop', T0 + 1000], ['twin', T0 + 200], ['twin', T0 + 100], ['ci-bot', T0]]);
      expect(listed.every((k) => !('token' in k) && !('token_hash' in k))).toBe(true);
      expect(listed.map((k) => tokenStatus(k, now))).toEqual(['revoked', 'active', 'active', 'active']);
      expect(await countActiveTokens(t.store)).toBe(3);
      now = T0 + 30 * DAY; // ci-bot expires at exactly this instant
      expect(listed.map((k) => tokenStatus(k, now))).toEqual(['revoked', 'active', 'active', 'expired']);
      expect(await countActiveTokens(t.store)).toBe(2);
      now = T0 + 3000;
    });

    it('the table refuses a role outside viewer, editor, admin', async () => {
      await expect(t.store.db.insertInto('api_tokens').values({
        id: 'tok_bad', name: 'bad', role: 'owner', token_hash: 'ab'.repeat(32), description: '', created_by: 'root', created_time: T0,
      }).execute()).rejects.toThrow(/check constraint|CHECK/i);
    });
  });
}
