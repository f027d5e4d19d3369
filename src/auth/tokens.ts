import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { invalid, notFound, SlipwayError } from '../errors.js';
import type { Database, Store } from '../store/index.js';
import { isRole, ROLES, type Role } from './roles.js';
import { hashTokenSecret, newTokenSecret } from './token-secret.js';

/** An API token as every surface shows it (never its secret nor its hash). */
export interface ApiToken {
  /** 'tok_' and 16 hex digits; named in audit entries and by `slipway tokens revoke`. */
  readonly id: string;
  /** Who the token acts as: recorded on runs, versions and audit entries. */
  readonly name: string;
  readonly role: Role;
  readonly description: string;
  readonly created_by: string;
  readonly created_time: number;
  readonly expires_time: number | null;
  readonly last_used_time: number | null;
  readonly revoked_time: number | null;
}

/** A token just created: the only time its secret exists outside the caller's hands. */
export interface CreatedToken extends ApiToken {
  readonly token: string;
}

export interface CreateTokenOptions {
  readonly name: string;
  readonly role: Role;
  /** @default '' */
  readonly description?: string;
  /** Lifetime in milliseconds from now. @default undefined (never expires) */
  readonly expiresIn?: number;
}

/** The principal name audit entries use for callers without a valid token; no token may take it. */
export const ANONYMOUS = 'anonymous';

const NAME_PATTERN = /^[A-Za-z0-9][\w.@+-]{0,127}$/;

// Bumped by every create and revoke, so verifiers in this process drop what they cached at once.
let generation = 0;
/** Changes whenever a token is created or revoked in this process. */
export const tokenGeneration = (): number => generation;

/** Creates a token acting as `name` with `role`; the secret is returned here and never again. */
export async function createToken(store: Store, options: CreateTokenOptions): Promise<CreatedToken> {
  const { name, role } = options;
  if (!NAME_PATTERN.test(name)) {
    throw invalid(`Invalid token name '${name}': start with a letter or digit, then letters, digits, '_', '.', '@', '+' or '-' (at most 128).`);
  }
  if (name === ANONYMOUS) throw invalid(`The token name '${ANONYMOUS}' is reserved for callers without a token.`);
  if (!isRole(role)) throw invalid(`Invalid role '${String(role)}': expected ${ROLES.join(', ')}.`);
  const description = options.description ?? '';
  if (description.length > 1000) throw invalid('A token description is at most 1000 characters.');
  const { expiresIn } = options;
  if (expiresIn !== undefined && !(Number.isSafeInteger(expiresIn) && expiresIn > 0)) {
    throw invalid(`A token's lifetime must be a positive number of milliseconds, got ${expiresIn}.`);
  }
  const now = store.now();
  const token = newTokenSecret();
  const row = {
    id: `tok_${randomBytes(8).toString('hex')}`, name, role, description, created_by: store.actor, created_time: now,
    expires_time: expiresIn === undefined ? null : now + expiresIn, last_used_time: null, revoked_time: null,
  };
  await store.db.transaction().execute(async (trx) => {
    await trx.insertInto('api_tokens').values({ ...row, token_hash: hashTokenSecret(token).toString('hex') }).execute();
    await recordAudit(trx, {
      actor: store.actor, action: 'token.create', subjectType: 'token', subjectId: row.id,
      after: { name, role, description, expires_time: row.expires_time }, time: now,
    });
  });
  generation++;
  return { ...row, token };
}

/** Every token, newest first, revoked and expired ones included (they still name audit entries). */
export async function listTokens(store: Store): Promise<ApiToken[]> {
  const rows = await store.db.selectFrom('api_tokens').selectAll().orderBy('created_time', 'desc').orderBy('id').execute();
  return rows.map(toApiToken);
}

export async function getToken(store: Store, id: string): Promise<ApiToken> {
  const row = await store.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`No API token with id '${id}'.`, { id });
  return toApiToken(row);
}

/** What `revokeToken` did: the token as it now is, and whether it had been revoked before. */
export interface RevokeResult {
  readonly token: ApiToken;
  readonly alreadyRevoked: boolean;
}

/**
 * Revokes a token; the row stays so audit entries can still name it. Servers in this process refuse
 * it at once, servers in other processes within their cache time (see `TokenVerifierOptions.cacheMs`).
 * Revoking a revoked token changes nothing (and writes no audit entry).
 */
export async function revokeToken(store: Store, id: string, options: { reason?: string } = {}): Promise<RevokeResult> {
  const now = store.now();
  const result = await store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`No API token with id '${id}'.`, { id });
    if (row.revoked_time !== null) return { token: toApiToken(row), alreadyRevoked: true };
    await trx.updateTable('api_tokens').set({ revoked_time: now }).where('id', '=', id).execute();
    await recordAudit(trx, {
      actor: store.actor, action: 'token.revoke', subjectType: 'token', subjectId: id,
      before: { name: row.name, role: row.role, revoked_time: null }, after: { name: row.name, role: row.role, revoked_time: now },
      reason: options.reason, time: now,
    });
    return { token: toApiToken({ ...row, revoked_time: now }), alreadyRevoked: false };
  });
  generation++;
  return result;
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

/** Whether a token would be accepted at `now`, and if not, why. */
export function tokenStatus(token: ApiToken, now: number): TokenStatus {
  if (token.revoked_time !== null) return 'revoked';
  return token.expires_time !== null && now >= token.expires_time ? 'expired' : 'active';
}

/** Tokens that would be accepted now: neither revoked nor expired. */
export async function countActiveTokens(store: Store): Promise<number> {
  const now = store.now();
  const row = await store.db.selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('revoked_time', 'is', null)
    .where((eb) => eb.or([eb('expires_time', 'is', null), eb('expires_time', '>', now)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The token whose secret hashes to `hashHex`, or undefined; for the verifier. */
export async function findTokenByHash(store: Store, hashHex: string): Promise<(ApiToken & { token_hash: string }) | undefined> {
  const row = await store.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashHex).executeTakeFirst();
  return row ? { ...toApiToken(row), token_hash: row.token_hash } : undefined;
}

/** Records that a token was used; the verifier calls it at most once a minute per token. */
export async function touchToken(store: Store, id: string, time: number): Promise<void> {
  await store.db.updateTable('api_tokens').set({ last_used_time: time }).where('id', '=', id).execute();
}

const optionalTime = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toApiToken(row: Selectable<Database['api_tokens']>): ApiToken {
  // The table's CHECK constraint keeps roles valid; a row that still is not says the database was edited by hand.
  if (!isRole(row.role)) throw new SlipwayError('DATA_CORRUPTION', `API token ${row.id} has an unknown role '${row.role}'.`, { id: row.id });
  return {
    id: row.id, name: row.name, role: row.role, description: row.description, created_by: row.created_by,
    created_time: Number(row.created_time), expires_time: optionalTime(row.expires_time),
    last_used_time: optionalTime(row.last_used_time), revoked_time: optionalTime(row.revoked_time),
  };
}
