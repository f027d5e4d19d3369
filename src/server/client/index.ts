export type { AuditFilter, DeployOutcome, OpsClient, RegisterVersionOptions } from './ops-client.js';
export { localOpsClient } from './local-ops-client.js';
export { remoteOpsClient } from './remote-ops-client.js';
