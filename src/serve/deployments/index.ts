/**
 * Deployments: what a model server serves, as stored desired state with history (blue/green,
 * canary, shadow, A/B; smoke tests; automatic canary decisions), and the endpoint that follows it.
 */
export { judgeCanary, type Verdict, VersionStats } from './canary-judge.js';
export { deploy, type DeployOptions, type DeployResult, evaluationSample, SMOKE_SAMPLE_ARTIFACT } from './deploy.js';
export { createDeploymentEndpoint, type DeploymentEndpoint, type DeploymentEndpointOptions, type EndpointLogger } from './deployment-endpoint.js';
export {
  type CanaryLimits, type Candidate, checkDeploymentName, DEFAULT_KEY_HEADER, DEFAULT_LIMITS, type DeploymentPhase, type DeploymentSpec, type ModelRef,
  phaseOf, refLabel, type SmokeRef, STRATEGIES, type Strategy, VARIANT_HEADER,
} from './deployment-spec.js';
export {
  type ChangeOptions, type Deployment, type DeploymentAction, deploymentHistory, type DeploymentRevision, deploymentRevision, type DeploymentStatus,
  findDeployment, getDeployment, listDeployments, markRolloutFailed, promoteCandidate, rollbackDeployment, type RolloutOptions, startRollout,
} from './deployments.js';
export { loadVersion } from './load-version.js';
export { parseSmokeCases, readSmokeFile, runSmokeTest, sampleSmokeCases, type SmokeCase, type SmokeCases, type SmokeResult } from './smoke-test.js';
export { keyBucket, TrafficSplit } from './traffic-split.js';
