/**
 * Registry webhook signatures. Each attempt carries `X-Slipway-Timestamp` (epoch milliseconds of
 * the attempt) and `X-Slipway-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`:
 * signing the timestamp with the body lets a receiver refuse a captured request replayed later.
 *
 * A receiver verifies the bytes it received, before parsing them:
 *
 *   const t = req.headers['x-slipway-timestamp'];
 *   const expected = 'sha256=' + createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
 *   const ok = timingSafeEqual(Buffer.from(signature), Buffer.from(expected))   // equal lengths first
 *     && Math.abs(Date.now() - Number(t)) < 5 * 60_000;
 *
 * (`verifyRegistryWebhook` does exactly this.)
 */
import { signWebhookBody, verifyWebhookSignature } from '../../monitor/index.js';

export const EVENT_HEADER = 'x-slipway-event';
export const DELIVERY_HEADER = 'x-slipway-delivery';
export const TIMESTAMP_HEADER = 'x-slipway-timestamp';
export const SIGNATURE_HEADER = 'x-slipway-signature';

/** How far a timestamp may be from the receiver's clock. @default 5 minutes */
export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

/** The `X-Slipway-Signature` value for one attempt. */
export function signRegistryWebhook(secret: string, timestamp: number, rawBody: string): string {
  return signWebhookBody(secret, `${timestamp}.${rawBody}`);
}

export interface VerifyOptions {
  /** @default DEFAULT_TOLERANCE_MS */
  readonly toleranceMs?: number;
  /** @default Date.now() */
  readonly now?: number;
}

/** For receivers: the signature matches the timestamp and raw body, and the timestamp is recent. */
export function verifyRegistryWebhook(
  secret: string, rawBody: string | Buffer, signature: string | undefined | null, timestamp: string | undefined | null, options: VerifyOptions = {},
): boolean {
  if (!timestamp || !/^\d{1,16}$/.test(timestamp)) return false;
  if (Math.abs((options.now ?? Date.now()) - Number(timestamp)) > (options.toleranceMs ?? DEFAULT_TOLERANCE_MS)) return false;
  const signed = typeof rawBody === 'string' ? `${timestamp}.${rawBody}` : Buffer.concat([Buffer.from(`${timestamp}.`), rawBody]);
  return verifyWebhookSignature(secret, signed, signature);
}
