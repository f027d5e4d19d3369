import { type Store, openStore } from '../store/index.js';
import { localTrackingClient, remoteTrackingClient, type TrackingClient, trackingTargetFromEnv } from '../tracking/index.js';

/** Opens the located store for one command and always closes it, even when the command throws. */
export async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * Runs a tracking command against what SLIPWAY_TRACKING_URI names: that server (no local store is
 * opened, so nothing is written to one), or, unset, the located store.
 */
export async function withTracking<T>(fn: (tracking: TrackingClient) => Promise<T>): Promise<T> {
  const target = trackingTargetFromEnv();
  if (target.kind === 'remote') return fn(remoteTrackingClient(target));
  return withStore((store) => fn(localTrackingClient(store)));
}
