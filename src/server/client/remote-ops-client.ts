import { MlflowHttp, type MlflowHttpOptions } from '../../tracking/index.js';
import type { OpsClient } from './ops-client.js';
import { remoteOperations } from './remote-operations.js';
import { remoteRegistryOps } from './remote-registry-ops.js';

/**
 * The operations on a `slipway server` at `options.url` (what SLIPWAY_TRACKING_URI names), over the
 * same HTTP layer as remote tracking: bearer token, MLflow's retries and backoff, and server errors
 * mapped back to the SlipwayError codes the local store throws. Nothing is read from or written to
 * a local store.
 */
export function remoteOpsClient(options: MlflowHttpOptions): OpsClient {
  const http = new MlflowHttp(options);
  return {
    description: `the tracking server ${options.url}`,
    remote: true,
    ...remoteRegistryOps(http),
    ...remoteOperations(http),
  };
}
