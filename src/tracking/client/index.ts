export type { DataUse, TrackingClient, TrackingTarget } from './tracking-client.js';
export { localTrackingClient } from './local-tracking-client.js';
export type { RemoteTrackingOptions } from './remote-tracking-client.js';
export { remoteTrackingClient } from './remote-tracking-client.js';
export type { MlflowHttpOptions, SendOptions } from './mlflow-http.js';
export { MlflowHttp } from './mlflow-http.js';
export { parseServerUrl, trackingTargetFromEnv } from './tracking-target.js';
export { trackingClientFor } from './tracking-client-for.js';
