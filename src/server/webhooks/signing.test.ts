import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signRegistryWebhook, verifyRegistryWebhook } from './signing.js';

const secret = 'whsec_0123456789abcdef';
const body = '{"event":"model_version.promoted","model":"churn"}';
const t = 1_735_693_201_234;

describe('registry webhook signatures', () => {
  it('is the hex HMAC-SHA256 of "<timestamp>.<raw body>", as the documentation tells receivers', () => {
    const expected = `sha256=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
    expect(signRegistryWebhook(secret, t, body)).toBe(expected);
    expect(verifyRegistryWebhook(secret, body, expected, String(t), { now: t })).toBe(true);
    expect(verifyRegistryWebhook(secret, Buffer.from(body), expected, String(t), { now: t })).toBe(true);
  });

  it('refuses a changed body, timestamp or secret, a stale or future timestamp, and missing headers', () => {
    const sig = signRegistryWebhook(secret, t, body);
    expect(verifyRegistryWebhook(secret, `${body} `, sig, String(t), { now: t })).toBe(false);
    expect(verifyRegistryWebhook(secret, body, sig, String(t + 1), { now: t })).toBe(false);
    expect(verifyRegistryWebhook(`${secret}x`, body, sig, String(t), { now: t })).toBe(false);
    expect(verifyRegistryWebhook(secret, body, sig, String(t), { now: t + 5 * 60_000 })).toBe(true);
    expect(verifyRegistryWebhook(secret, body, sig, String(t), { now: t + 5 * 60_000 + 1 })).toBe(false);
    expect(verifyRegistryWebhook(secret, body, sig, String(t), { now: t - 5 * 60_000 - 1 })).toBe(false);
    expect(verifyRegistryWebhook(secret, body, sig, String(t), { now: t + 60 * 60_000, toleranceMs: 2 * 60 * 60_000 })).toBe(true);
    expect(verifyRegistryWebhook(secret, body, undefined, String(t), { now: t })).toBe(false);
    expect(verifyRegistryWebhook(secret, body, sig, undefined, { now: t })).toBe(false);
    expect(verifyRegistryWebhook(secret, body, sig, '1e12', { now: t })).toBe(false);
    expect(verifyRegistryWebhook(secret, body, sig.slice(0, -1), String(t), { now: t })).toBe(false);
  });
});
