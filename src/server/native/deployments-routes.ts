/**
 * Deployments: what each serves, its revision history, and the same actions as `slipway deploy`,
 * `slipway rollback` and `slipway deployments promote`. A deploy is smoke-tested in the server first
 * (on the version's evaluation sample, or the cases in the request) and changes nothing when it fails.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { invalid } from '../../errors.js';
import {
  type CanaryLimits, type Deployment as StoredDeployment, deploy, deploymentHistory, getDeployment, listDeployments, parseSmokeCases, promoteCandidate,
  rollbackDeployment, STRATEGIES,
} from '../../serve/index.js';
import type { Store } from '../../store/index.js';
import { EpochMs } from './common-schemas.js';
import { route, type NativeRoute } from './native-route.js';
import { nextPageToken, offsetPage, pageQuery } from './paging.js';

const tag = 'deployments';

const ModelRef = z.object({ model: z.string(), version: z.string() }).meta({ id: 'ModelRef' });

/** The stored spec, as `slipway deployments show --json` prints it. */
const DeploymentSpec = z.object({
  stable: ModelRef,
  candidate: z.object({
    ref: ModelRef,
    strategy: z.enum(['canary', 'shadow', 'ab']),
    percent: z.number().min(0).max(100).describe('Share of requests routed (canary, A/B) or mirrored (shadow).'),
    keyHeader: z.string(),
    limits: z.object({ minRequests: z.number().int(), maxErrorRate: z.number(), maxLatencyRatio: z.number(), promoteAfter: z.number().int() }),
    since: EpochMs,
  }).nullable(),
  standby: ModelRef.nullable().describe('The previous stable version, kept warm for rollback.'),
  smoke: z.object({ hash: z.string(), source: z.enum(['file', 'evaluation']), rows: z.number().int(), ref: ModelRef }).nullable(),
}).meta({ id: 'DeploymentSpec' });

export const Deployment = z.object({
  name: z.string(),
  revision: z.number().int(),
  status: z.enum(['serving', 'canary', 'shadow', 'ab', 'failed']),
  status_message: z.string(),
  spec: DeploymentSpec,
  created_time: EpochMs,
  updated_time: EpochMs,
}).meta({ id: 'Deployment' });

const DeploymentRevision = z.object({
  revision: z.number().int(),
  action: z.enum(['deploy', 'promote', 'rollback']),
  spec: DeploymentSpec,
  status: z.string(),
  actor: z.string(),
  reason: z.string(),
  time: EpochMs,
}).meta({ id: 'DeploymentRevision' });

const SmokeResult = z.object({
  passed: z.boolean(), rows: z.number().int(), mismatches: z.number().int(), failures: z.array(z.string()), source: z.enum(['file', 'evaluation']),
}).meta({ id: 'SmokeResult' });

const NamePath = z.strictObject({ name: z.string().min(1).max(63) });
const ChangeBody = z.strictObject({ reason: z.string().max(5000).optional().describe('Why, for the audit log.') });
const DeploymentAnswer = z.object({ deployment: Deployment });

const toJson = (d: StoredDeployment) => ({
  name: d.name, revision: d.revision, status: d.status, status_message: d.statusMessage, spec: d.spec, created_time: d.createdTime, updated_time: d.updatedTime,
});

const DeployBody = z.strictObject({
  model: z.string().regex(/^models:\//, 'expected models:/NAME/VERSION or models:/NAME@ALIAS').describe('models:/NAME/VERSION or models:/NAME@ALIAS'),
  strategy: z.enum(STRATEGIES).default('bluegreen'),
  percent: z.number().min(0).max(100).optional().describe('Canary / A-B: share of requests to the new version; shadow: share mirrored (default 10; shadow 100).'),
  key_header: z.string().min(1).max(200).optional().describe('Header whose value keeps a caller on one side of the split (default x-slipway-key).'),
  smoke: z.record(z.string(), z.unknown()).optional()
    .describe('Smoke cases: {"inputs": {col: [...]}, "expected": [...]} or {"cases": [...]}. Default: the evaluation sample stored with the version.'),
  skip_smoke: z.boolean().default(false).describe('Deploy without a smoke test (recorded in the audit reason).'),
  limits: z.strictObject({
    min_requests: z.number().int().min(1).optional(),
    max_error_rate: z.number().min(0).max(1).optional(),
    max_latency_ratio: z.number().min(1).optional(),
    promote_after: z.number().int().min(1).optional(),
  }).optional().describe('Canary: when it is judged, rolled back or promoted.'),
  reason: z.string().max(5000).optional(),
});

type DeployRequest = z.output<typeof DeployBody>;

async function deployFromRequest(store: Store, name: string, body: DeployRequest) {
  if (body.smoke && body.skip_smoke) throw invalid("Invalid body field 'skip_smoke': give smoke cases or skip_smoke, not both.");
  if (body.strategy === 'bluegreen' && body.percent !== undefined) throw invalid("Invalid body field 'percent': it applies to canary, shadow and ab; blue/green switches all traffic.");
  const l = body.limits ?? {};
  const limits: Partial<CanaryLimits> = {
    ...(l.min_requests !== undefined ? { minRequests: l.min_requests } : {}), ...(l.max_error_rate !== undefined ? { maxErrorRate: l.max_error_rate } : {}),
    ...(l.max_latency_ratio !== undefined ? { maxLatencyRatio: l.max_latency_ratio } : {}), ...(l.promote_after !== undefined ? { promoteAfter: l.promote_after } : {}),
  };
  const options = {
    uri: body.model, strategy: body.strategy, limits, ...(body.percent !== undefined ? { percent: body.percent } : {}),
    ...(body.key_header ? { keyHeader: body.key_header } : {}), ...(body.skip_smoke ? { skipSmoke: true } : {}), ...(body.reason ? { reason: body.reason } : {}),
  };
  if (!body.smoke) return deploy(store, name, options);
  // deploy() reads smoke cases from a file (the CLI's --smoke): the request's cases are checked, then written to a private temp file.
  const text = JSON.stringify(body.smoke);
  parseSmokeCases(text, "body field 'smoke'");
  const dir = await mkdtemp(join(tmpdir(), 'slipway-smoke-'));
  try {
    await writeFile(join(dir, 'smoke.json'), text, { mode: 0o600 });
    return await deploy(store, name, { ...options, smokeFile: join(dir, 'smoke.json') });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const deploymentsRoutes: readonly NativeRoute[] = [
  route({
    method: 'GET', path: '/deployments', operationId: 'listDeployments', tag, permission: 'read',
    summary: 'Deployments by name: what each serves and its traffic split',
    query: z.strictObject({ ...pageQuery }),
    response: z.object({ deployments: z.array(Deployment), next_page_token: nextPageToken }),
    handler: async ({ store, query }) => {
      const page = offsetPage(await listDeployments(store), query);
      return { deployments: page.items.map(toJson), next_page_token: page.next_page_token };
    },
  }),
  route({
    method: 'GET', path: '/deployments/{name}', operationId: 'getDeployment', tag, permission: 'read', errors: [404],
    summary: 'A deployment with every revision (who, when, why), oldest first',
    params: NamePath,
    response: z.object({ deployment: Deployment, history: z.array(DeploymentRevision) }),
    handler: async ({ store, params }) => ({ deployment: toJson(await getDeployment(store, params.name)), history: await deploymentHistory(store, params.name) }),
  }),
  route({
    method: 'POST', path: '/deployments/{name}/deploy', operationId: 'deploy', tag, permission: 'edit', errors: [404, 409],
    summary: 'Roll a model version out (blue/green, canary, shadow or A/B), after a smoke test',
    description: 'As `slipway deploy`: the version is loaded with the serving runtime and checked against known answers first; a failed smoke test answers 400 INVALID_STATE, changes nothing and is audited (`deployment.smoke_failed`). Servers following the deployment switch without a restart. A rollout while a candidate is in progress, or of the version already stable, is 409.',
    params: NamePath,
    body: DeployBody,
    response: z.object({ deployment: Deployment, smoke: SmokeResult.nullable() }),
    handler: async ({ store, params, body }) => {
      const result = await deployFromRequest(store, params.name, body);
      return { deployment: toJson(result.deployment), smoke: result.smoke ? { ...result.smoke, failures: [...result.smoke.failures] } : null };
    },
  }),
  route({
    method: 'POST', path: '/deployments/{name}/rollback', operationId: 'rollbackDeployment', tag, permission: 'edit', errors: [404, 409],
    summary: 'Undo the last rollout: drop a candidate, or swap back to the previous (warm) version',
    params: NamePath,
    body: ChangeBody,
    response: DeploymentAnswer,
    handler: async ({ store, params, body }) => ({ deployment: toJson(await rollbackDeployment(store, params.name, body.reason ? { reason: body.reason } : {})) }),
  }),
  route({
    method: 'POST', path: '/deployments/{name}/promote', operationId: 'promoteDeployment', tag, permission: 'edit', errors: [404, 409],
    summary: 'Make the candidate (canary, shadow or A/B) the stable version now',
    params: NamePath,
    body: ChangeBody,
    response: DeploymentAnswer,
    handler: async ({ store, params, body }) => ({ deployment: toJson(await promoteCandidate(store, params.name, body.reason ? { reason: body.reason } : {})) }),
  }),
];
