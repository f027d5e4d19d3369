import { invalid } from '../../errors.js';
import type { TrackingTarget } from './tracking-client.js';

/**
 * Reads where tracking goes from the environment: `SLIPWAY_TRACKING_URI` unset (or empty) means the
 * local store; an http(s) URL means that server, with `SLIPWAY_TRACKING_TOKEN` (else MLflow's
 * `MLFLOW_TRACKING_TOKEN`) as its bearer token. Anything else is refused rather than guessed at: a
 * database URL there would otherwise be silently ignored and runs would land somewhere unexpected.
 *
 * @example
 *   trackingTargetFromEnv({ SLIPWAY_TRACKING_URI: 'http://127.0.0.1:5000/' })
 *   // → { kind: 'remote', url: 'http://127.0.0.1:5000' }
 */
export function trackingTargetFromEnv(env: NodeJS.ProcessEnv = process.env): TrackingTarget {
  const raw = env.SLIPWAY_TRACKING_URI?.trim();
  if (!raw) return { kind: 'local' };
  const token = env.SLIPWAY_TRACKING_TOKEN || env.MLFLOW_TRACKING_TOKEN || undefined;
  return { kind: 'remote', url: parseServerUrl(raw), ...(token ? { token } : {}) };
}

const USE = 'Set it to a Slipway server such as http://127.0.0.1:5000 (see `slipway server`), or unset it to track in the local store.';

/** A server base URL: http or https, no credentials, query or fragment; the trailing slash dropped. */
export function parseServerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(`SLIPWAY_TRACKING_URI '${raw}' is not a URL. ${USE}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`SLIPWAY_TRACKING_URI '${raw}' is not a server URL (scheme '${url.protocol.slice(0, -1)}'; expected http or https). ${USE}`);
  }
  if (url.username || url.password) {
    throw invalid('SLIPWAY_TRACKING_URI must not carry credentials: put the token in SLIPWAY_TRACKING_TOKEN, which is sent as a bearer token.');
  }
  if (url.search || url.hash) throw invalid(`SLIPWAY_TRACKING_URI '${raw}' has a query or fragment; give the server's base URL only. ${USE}`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
