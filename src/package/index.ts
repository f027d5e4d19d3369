/**
 * Package: turns a registered model version into what a cluster needs to serve it — a Dockerfile
 * that installs the running Slipway and bakes the model in, Kubernetes Deployment, Service and
 * (optionally) HorizontalPodAutoscaler manifests, and a KServe InferenceService.
 */
export type { Manifest, Manifests } from './build-manifests.js';
export {
  buildDeployment, buildHpa, buildInferenceService, buildManifests, buildService, LIVE_PATH, METRICS_PATH, MODEL_PATH,
  READY_PATH, RUN_AS_USER, serveArgs,
} from './build-manifests.js';
export type { CopiedDistribution } from './copy-distribution.js';
export { copyDistribution } from './copy-distribution.js';
export type { DockerfileOptions } from './dockerfile.js';
export { renderDockerfile, renderDockerignore, SLIPWAY_DIR } from './dockerfile.js';
export { kubernetesName, labelValue } from './k8s-names.js';
export type { ManifestOptions, ResolvedManifestOptions, ResourceAmounts } from './manifest-options.js';
export {
  DEFAULT_PORT, DEFAULT_REPLICAS, DEFAULT_RESOURCES, DEFAULT_TARGET_CPU_PERCENT, resolveManifestOptions,
} from './manifest-options.js';
export { renderPackageReadme } from './package-readme.js';
export { parseQuantity } from './quantity.js';
export type { PackageResult, WritePackageOptions } from './write-package.js';
export { PACKAGE_MANIFEST, writePackage } from './write-package.js';
