import { localOpsClient, type OpsClient, remoteOpsClient } from '../server/index.js';
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

/**
 * Runs a registry or operations command (models, audit, deployments, monitor runs, alerts, webhooks)
 * against what SLIPWAY_TRACKING_URI names: that server (no local store is opened), or the located store.
 */
export async function withOps<T>(fn: (ops: OpsClient) => Promise<T>): Promise<T> {
  const target = trackingTargetFromEnv();
  if (target.kind === 'remote') return fn(remoteOpsClient(target));
  return withStore((store) => fn(localOpsClient(store)));
}

/**
 * For a command that acts on this machine's store by design (tokens, running monitors, serving,
 * packaging, gating): when SLIPWAY_TRACKING_URI names a server, says so in one line on stderr, so
 * its work is never silently split from what the other commands do on that server.
 *
 * @example noteLocalStore('slipway tokens manages the tokens of the local store')
 */
export function noteLocalStore(what: string): void {
  const uri = process.env.SLIPWAY_TRACKING_URI?.trim();
  if (uri) process.stderr.write(`slipway: note: ${what}, not on the tracking server ${uri} (SLIPWAY_TRACKING_URI).\n`);
}
