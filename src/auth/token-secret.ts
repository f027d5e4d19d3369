import { createHash, randomBytes } from 'node:crypto';

/**
 * Token secrets: `slw_` and 32 random bytes in base64url (43 characters). The prefix lets secret
 * scanners (and people) recognise a leaked Slipway token; only the sha256 of the whole string is stored.
 */
export const TOKEN_PREFIX = 'slw_';

const TOKEN_PATTERN = /^slw_[A-Za-z0-9_-]{43}$/;

export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Whether `text` has a token's shape; anything else is refused without asking the database. */
export const looksLikeToken = (text: string): boolean => TOKEN_PATTERN.test(text);

/** The sha256 of a secret, as stored in `api_tokens.token_hash` (hex). */
export function hashTokenSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
