import type { Store } from '../../store/index.js';
import { localTrackingClient } from './local-tracking-client.js';
import { remoteTrackingClient } from './remote-tracking-client.js';
import type { TrackingClient } from './tracking-client.js';
import { trackingTargetFromEnv } from './tracking-target.js';

/**
 * The tracking client `SLIPWAY_TRACKING_URI` chooses: the named server's, or (unset) the one over
 * `store`. Throws INVALID_PARAMETER_VALUE for a value that is not an http(s) URL.
 */
export function trackingClientFor(store: Store, env: NodeJS.ProcessEnv = process.env): TrackingClient {
  const target = trackingTargetFromEnv(env);
  return target.kind === 'remote' ? remoteTrackingClient({ ...target, user: store.actor }) : localTrackingClient(store);
}
