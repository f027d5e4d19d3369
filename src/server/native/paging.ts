/**
 * Paging for list routes: `?limit=&page_token=`, answered with `next_page_token` while more
 * remain. Tokens are opaque to clients (base64url JSON): an offset into a stable order, or, for
 * append-only lists (audit entries, deliveries), the last id seen, so pages never shift as new
 * entries arrive.
 */
import { z } from 'zod';
import { invalid } from '../../errors.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

const LIMIT_ERROR = `expected an integer from 1 to ${MAX_LIMIT}`;

/** The query fields every list route takes. */
export const pageQuery = {
  limit: z.coerce.number<string>({ error: LIMIT_ERROR }).int({ error: LIMIT_ERROR }).min(1, { error: LIMIT_ERROR }).max(MAX_LIMIT, { error: LIMIT_ERROR }).optional()
    .describe(`Page size, 1..${MAX_LIMIT} (default ${DEFAULT_LIMIT}).`),
  page_token: z.string().max(2000).optional().describe('The `next_page_token` of the previous page.'),
};

export const nextPageToken = z.string().optional().describe('Present while more results remain: pass it as `page_token`.');

export interface PageQuery {
  readonly limit?: number | undefined;
  readonly page_token?: string | undefined;
}

type Token = { readonly o: number } | { readonly b: number };

function encode(token: Token): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decode(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (typeof v === 'object' && v !== null) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw badToken();
}

const badToken = () => invalid("Invalid query parameter 'page_token': not a token this list gave out (pass next_page_token unchanged).");

/** The offset a token stands for (0 without one). */
export function offsetOf(q: PageQuery): number {
  if (q.page_token === undefined) return 0;
  const o = decode(q.page_token).o;
  if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) throw badToken();
  return o;
}

/** One page of a list the service returned whole (or up to `offset + limit + 1` items). */
export function offsetPage<T>(items: readonly T[], q: PageQuery, offset = offsetOf(q)): { items: T[]; next_page_token?: string } {
  const limit = q.limit ?? DEFAULT_LIMIT;
  const page = items.slice(offset, offset + limit);
  return offset + limit < items.length ? { items: page, next_page_token: encode({ o: offset + limit }) } : { items: page };
}

/** Keyset paging, newest first: the id below which the page starts (undefined: from the newest). */
export function beforeIdOf(q: PageQuery): number | undefined {
  if (q.page_token === undefined) return undefined;
  const b = decode(q.page_token).b;
  if (typeof b !== 'number' || !Number.isSafeInteger(b) || b < 1) throw badToken();
  return b;
}

/** A keyset page from `limit + 1` rows fetched newest first. */
export function idPage<T extends { readonly id: number }>(rows: readonly T[], q: PageQuery): { items: T[]; next_page_token?: string } {
  const limit = q.limit ?? DEFAULT_LIMIT;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return rows.length > limit && last ? { items: page, next_page_token: encode({ b: last.id }) } : { items: page };
}
