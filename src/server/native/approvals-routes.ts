/**
 * Approvals and promotions. Approving or rejecting needs an approver (admin, or a role the server
 * names with --approver-role); promoting to a protected alias (one with a policy in slipway.yaml)
 * does too, and then goes through the registry's promote(), which checks that alias's policy.
 */
import { z } from 'zod';
import { SlipwayError } from '../../errors.js';
import { approveVersion, checkAlias, getModelVersion, listApprovals, promote } from '../../registry/index.js';
import type { Principal, ServerContext } from '../types.js';
import { NameParam, VersionParam } from './common-schemas.js';
import { route, type NativeRoute } from './native-route.js';
import { Approval, ModelVersion } from './registry-schemas.js';

const tag = 'approvals';
const VersionPath = z.strictObject({ name: NameParam, version: VersionParam });
const Alias = z.string().min(1).max(255).describe("An alias: letters, digits, '_' and '-'; not 'latest' or 'v<number>'.");

function requireApprover(ctx: ServerContext, principal: Principal, what: string): void {
  if (!ctx.canApprove(principal)) {
    throw new SlipwayError('PERMISSION_DENIED', `${principal.name} (${principal.role}) may not ${what}: that needs an admin or an approver role.`, { user: principal.name });
  }
}

export const approvalsRoutes: readonly NativeRoute[] = [
  route({
    method: 'GET', path: '/models/{name}/versions/{version}/approvals', operationId: 'listApprovals', tag, permission: 'read', errors: [404],
    summary: 'Decisions recorded on a version, oldest first',
    params: VersionPath,
    response: z.object({ approvals: z.array(Approval) }),
    handler: async ({ store, params }) => {
      await getModelVersion(store, params.name, params.version);
      return { approvals: await listApprovals(store, params.name, params.version) };
    },
  }),
  route({
    method: 'POST', path: '/models/{name}/versions/{version}/approvals', operationId: 'approveVersion', tag, permission: 'edit', status: 201, errors: [404],
    summary: 'Approve or reject a version for an alias (approvers only)',
    description: 'Four-eyes rule: the user who registered the version cannot approve it (403), though they may reject it. A rejection revokes earlier approvals.',
    params: VersionPath,
    body: z.strictObject({
      alias: Alias.describe('The alias the decision is for (e.g. production).'),
      decision: z.enum(['approved', 'rejected']).default('approved'),
      comment: z.string().max(5000).optional(),
    }),
    response: z.object({ approval: Approval }),
    handler: async ({ ctx, principal, store, params, body }) => {
      requireApprover(ctx, principal, 'approve or reject versions');
      checkAlias(body.alias);
      const approval = await approveVersion(store, params.name, params.version, {
        target: body.alias, decision: body.decision, ...(body.comment !== undefined ? { comment: body.comment } : {}),
      });
      return { approval };
    },
  }),
  route({
    method: 'POST', path: '/models/{name}/versions/{version}/promote', operationId: 'promoteVersion', tag: 'promotions', permission: 'edit', errors: [404],
    summary: "Point an alias at a version when the alias's policy is met",
    description: 'Needs a passed gate for the alias unless its policy waives it, and an approval where the policy requires one. A protected alias (one named in slipway.yaml `registry.aliases`) is moved only by approvers. Audited as `model.promote`.',
    params: VersionPath,
    body: z.strictObject({ alias: Alias, reason: z.string().max(5000).optional() }),
    response: z.object({ name: z.string(), alias: z.string(), version: z.string(), model_version: ModelVersion }),
    handler: async ({ ctx, principal, store, params, body }) => {
      checkAlias(body.alias);
      await getModelVersion(store, params.name, params.version);
      if (ctx.isProtectedAlias(body.alias)) requireApprover(ctx, principal, `move the protected alias @${body.alias}`);
      const mv = await promote(store, params.name, params.version, body.alias, { reason: body.reason ?? '', policy: ctx.aliasPolicy(body.alias) });
      return { name: mv.name, alias: body.alias, version: mv.version, model_version: mv };
    },
  }),
];
