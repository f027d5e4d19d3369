import { recordAudit } from '../../audit/index.js';
import type { JsonLogger } from '../../serve/index.js';
import type { Store } from '../../store/index.js';

/** One refused request, as the audit log records it. */
export interface Denial {
  /** The token's name when the secret named a real token (expired, revoked, or lacking the role), else 'anonymous'. */
  readonly actor: string;
  readonly status: 401 | 403;
  /** Short and from a fixed set ('no credentials', 'revoked token', 'role viewer lacks edit', …), so identical denials compare equal. */
  readonly reason: string;
  readonly method: string;
  /** The route's pattern, never the raw URL, so a caller cannot mint endless distinct subjects. */
  readonly route: string;
  /** The client address. */
  readonly source: string;
  readonly tokenId?: string;
}

export interface DenialAudit {
  /** Writes the denial unless the limits say otherwise; true when written. Never throws. */
  record(denial: Denial): Promise<boolean>;
  /** Logs what the current window left out; call on shutdown. */
  close(): void;
}

const WINDOW_MS = 60_000;

/**
 * Every refused request goes to the audit log as `auth.denied`, but a flood must not grow the log
 * without bound. Time is cut into fixed one-minute windows; within a window, an identical denial (same
 * source, actor, route and reason) is written once, and at most `perMinute` denials are written in all.
 * What is left out is counted and logged as a warning when the window closes (the HTTP request counter
 * on /metrics still counts every 401 and 403). So the log grows by at most `perMinute` entries a minute
 * under attack, and memory holds at most `perMinute` keys.
 */
export function createDenialAudit(store: Store, log: JsonLogger, perMinute: number): DenialAudit {
  let window = Number.NaN;
  const written = new Set<string>();
  let suppressed = 0;

  const closeWindow = () => {
    if (suppressed > 0) {
      log.warn('auth denials left out of the audit log (rate limit)', { suppressed, windowStart: new Date(window * WINDOW_MS).toISOString() });
    }
    written.clear();
    suppressed = 0;
  };

  return {
    async record(d) {
      const now = store.now();
      const w = Math.floor(now / WINDOW_MS);
      if (w !== window) {
        closeWindow();
        window = w;
      }
      const key = JSON.stringify([d.source, d.actor, d.method, d.route, d.reason]);
      if (written.has(key) || written.size >= perMinute) {
        suppressed++;
        return false;
      }
      written.add(key);
      try {
        await recordAudit(store.db, {
          actor: d.actor, action: 'auth.denied', subjectType: 'route', subjectId: `${d.method} ${d.route}`, reason: d.reason,
          after: { status: d.status, source: d.source, ...(d.tokenId ? { token_id: d.tokenId } : {}) }, time: now,
        });
        return true;
      } catch (err) {
        // Refusing the request matters more than recording the refusal.
        log.error('could not write an auth denial to the audit log', { err, ...d });
        return false;
      }
    },
    close: closeWindow,
  };
}
