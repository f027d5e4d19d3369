/**
 * A deployment's desired state, as stored (JSON in `deployments.spec`) and followed by model servers.
 *
 *   stable     the version that answers by default
 *   candidate  a version taking part of the traffic (canary, A/B) or a copy of it (shadow)
 *   standby    the previous stable version, kept loaded so a rollback is instant
 */
import { z } from 'zod';
import { SlipwayError } from '../../errors.js';

export const STRATEGIES = ['bluegreen', 'canary', 'shadow', 'ab'] as const;
export type Strategy = (typeof STRATEGIES)[number];
export type CandidateStrategy = Exclude<Strategy, 'bluegreen'>;

/** The header whose value pins a caller to one side of a split (sticky canary, A/B). */
export const DEFAULT_KEY_HEADER = 'x-slipway-key';
/** A/B only: `a` or `b` in this header picks the side outright. */
export const VARIANT_HEADER = 'x-slipway-variant';

const modelRef = z.strictObject({ model: z.string().min(1), version: z.string().min(1) });
export type ModelRef = z.infer<typeof modelRef>;

const canaryLimits = z.strictObject({
  /** The canary is judged only after this many requests (errors alone can condemn it sooner). */
  minRequests: z.int().min(1),
  /** Rolled back when its error rate exceeds this and the stable version's. */
  maxErrorRate: z.number().min(0).max(1),
  /** Rolled back when its p95 latency exceeds this many times the stable version's. */
  maxLatencyRatio: z.number().min(1),
  /** Promoted after this many requests within the limits. */
  promoteAfter: z.int().min(1),
});
export type CanaryLimits = z.infer<typeof canaryLimits>;

export const DEFAULT_LIMITS: CanaryLimits = { minRequests: 100, maxErrorRate: 0.01, maxLatencyRatio: 2, promoteAfter: 1000 };

const candidate = z.strictObject({
  ref: modelRef,
  strategy: z.enum(['canary', 'shadow', 'ab']),
  /** Share of requests routed (canary, A/B) or mirrored (shadow), 0–100. */
  percent: z.number().min(0).max(100),
  keyHeader: z.string().min(1),
  limits: canaryLimits,
  /** When the rollout began (epoch ms). */
  since: z.number(),
});
export type Candidate = z.infer<typeof candidate>;

const smokeRef = z.strictObject({
  /** Object-store address of the smoke cases (JSON). */
  hash: z.string(),
  /** 'file' (given with --smoke) or 'evaluation' (the model's evaluation sample). */
  source: z.enum(['file', 'evaluation']),
  rows: z.int(),
  /** The version the cases were checked against. */
  ref: modelRef,
});
export type SmokeRef = z.infer<typeof smokeRef>;

export const deploymentSpecSchema = z.strictObject({
  stable: modelRef,
  candidate: candidate.nullable(),
  standby: modelRef.nullable(),
  smoke: smokeRef.nullable(),
});
export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;

/** What a deployment is doing now, derived from its spec. */
export type DeploymentPhase = 'serving' | CandidateStrategy;

export const phaseOf = (spec: DeploymentSpec): DeploymentPhase => spec.candidate?.strategy ?? 'serving';

export function parseSpec(text: string, deployment: string): DeploymentSpec {
  const parsed = deploymentSpecSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new SlipwayError('DATA_CORRUPTION', `deployment '${deployment}' has an unreadable spec: ${parsed.error.message}`);
  return parsed.data;
}

export const refLabel = (r: ModelRef) => `${r.model}/${r.version}`;
export const sameRef = (a: ModelRef | null | undefined, b: ModelRef | null | undefined) =>
  !!a && !!b && a.model === b.model && a.version === b.version;

/** Deployment names go into URLs and Kubernetes names: DNS-label-like, so they need no escaping anywhere. */
export const DEPLOYMENT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkDeploymentName(name: string): void {
  if (!DEPLOYMENT_NAME.test(name)) {
    throw new SlipwayError('INVALID_PARAMETER_VALUE', `deployment name '${name}' must be 1–63 lowercase letters, digits or '-', starting and ending with a letter or digit`);
  }
}
