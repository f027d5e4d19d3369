import { timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/index.js';
import { hashTokenSecret, looksLikeToken } from './token-secret.js';
import { findTokenByHash, tokenGeneration, touchToken, type ApiToken } from './tokens.js';

export interface TokenVerifierOptions {
  /**
   * How long a looked-up token (or the absence of one) is trusted before the database is asked again.
   * A revocation by another process (`slipway tokens revoke`) takes effect within this time; one made
   * in this process (`revokeToken`) at once. Expiry is checked on every call.
   * @default 10_000
   */
  readonly cacheMs?: number;
  /** `last_used_time` is written at most this often per token. @default 60_000 */
  readonly touchEveryMs?: number;
  /** Most secrets remembered, known or unknown; the oldest are forgotten first. @default 10_000 */
  readonly maxCached?: number;
  /** Told when writing `last_used_time` fails; such a failure never fails the request. @default ignore */
  readonly onTouchError?: (err: unknown) => void;
}

export type DenialReason = 'unknown' | 'expired' | 'revoked';

export type Verification =
  | { readonly ok: true; readonly token: ApiToken }
  | { readonly ok: false; readonly reason: 'unknown' }
  /** A real token that may no longer be used. */
  | { readonly ok: false; readonly reason: 'expired' | 'revoked'; readonly token: ApiToken };

export interface TokenVerifier {
  verify(secret: string): Promise<Verification>;
  /** Forgets every cached lookup. */
  invalidate(): void;
  /** Waits for pending `last_used_time` writes; call it before the store closes. */
  flush(): Promise<void>;
}

type Row = ApiToken & { token_hash: string };
interface Entry {
  readonly at: number;
  readonly generation: number;
  readonly row: Promise<Row | undefined>;
}

/**
 * Checks secrets against `api_tokens` with a short in-memory cache, so a hot path (one request per
 * logged metric) costs a sha256 and a map lookup rather than a query. Concurrent first uses of one
 * secret share a single query.
 *
 * @example
 *   const verifier = createTokenVerifier(store);
 *   const v = await verifier.verify(secret);
 *   if (v.ok) console.log(`${v.token.name} acts as ${v.token.role}`);
 */
export function createTokenVerifier(store: Store, options: TokenVerifierOptions = {}): TokenVerifier {
  const cacheMs = options.cacheMs ?? 10_000;
  const touchEveryMs = options.touchEveryMs ?? 60_000;
  const maxCached = options.maxCached ?? 10_000;
  const cache = new Map<string, Entry>();
  const lastTouched = new Map<string, number>();
  const pending = new Set<Promise<void>>();

  const lookup = (hashHex: string, now: number): Promise<Row | undefined> => {
    const generation = tokenGeneration();
    const hit = cache.get(hashHex);
    if (hit && hit.generation === generation && now - hit.at < cacheMs) return hit.row;
    const row = findTokenByHash(store, hashHex);
    // A failed query must not stick: the next call asks again.
    row.catch(() => {
      if (cache.get(hashHex)?.row === row) cache.delete(hashHex);
    });
    cache.delete(hashHex);
    cache.set(hashHex, { at: now, generation, row });
    if (cache.size > maxCached) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    return row;
  };

  const touch = (token: ApiToken, now: number) => {
    const last = lastTouched.get(token.id) ?? token.last_used_time ?? Number.NEGATIVE_INFINITY;
    if (now - last < touchEveryMs) return;
    lastTouched.set(token.id, now);
    const write = touchToken(store, token.id, now).catch((err: unknown) => options.onTouchError?.(err));
    pending.add(write);
    void write.finally(() => pending.delete(write));
  };

  return {
    async verify(secret) {
      if (!looksLikeToken(secret)) return { ok: false, reason: 'unknown' };
      const hash = hashTokenSecret(secret);
      const now = store.now();
      const row = await lookup(hash.toString('hex'), now);
      // The lookup is keyed by the hash, whose bytes a caller cannot steer, so its timing says nothing about
      // the secret; the final comparison is constant-time all the same.
      if (!row || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), hash)) return { ok: false, reason: 'unknown' };
      const { token_hash: _hash, ...token } = row;
      if (token.revoked_time !== null) return { ok: false, reason: 'revoked', token };
      if (token.expires_time !== null && now >= token.expires_time) return { ok: false, reason: 'expired', token };
      touch(token, now);
      return { ok: true, token };
    },
    invalidate() {
      cache.clear();
    },
    async flush() {
      await Promise.all([...pending]);
    },
  };
}
