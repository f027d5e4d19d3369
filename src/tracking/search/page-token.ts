import { invalid } from '../../errors.js';

/**
 * Opaque page tokens: base64url of `{"offset": n}`, like MLflow's (base64 of the same JSON). Clients
 * must treat them as opaque; decoding accepts both base64 alphabets so a token that went through a
 * tool which "normalised" it still works.
 */

export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

/** The offset a token stands for; no token (undefined or '') means the first page. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const bad = (why: string) => invalid(`Invalid page_token '${token}': ${why}`, { page_token: token });
  // Node's decoder skips characters outside the alphabet instead of failing, so check the alphabet first.
  if (!/^[A-Za-z0-9_+/-]+={0,2}$/.test(token)) throw bad('not base64');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw bad('not a token from a previous search');
  }
  const offset = typeof parsed === 'object' && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw bad('not a token from a previous search');
  }
  return offset;
}
