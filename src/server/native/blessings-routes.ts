/**
 * Recording a gate verdict (a blessing, or a failed gate) on a version, as a pipeline's `register`
 * stage does when it tracks on this server. The server does not re-run the gate: the verdict is the
 * pipeline's word, as it is when the pipeline records it in a local store, so any editor can record a
 * passed gate. What keeps that from reaching production is the rest of the policy: a protected alias
 * (one named in slipway.yaml `registry.aliases`) is moved only by an approver, and its policy can
 * demand an approval, which the four-eyes rule keeps from the version's author.
 */
import { z } from 'zod';
import { checkAlias, getModelVersion, recordBlessing } from '../../registry/index.js';
import { getRunInfo } from '../../tracking/index.js';
import { AnyJson, NameParam, VersionParam } from './common-schemas.js';
import { route, type NativeRoute } from './native-route.js';
import { Blessing } from './registry-schemas.js';

const VersionPath = z.strictObject({ name: NameParam, version: VersionParam });

export const blessingsRoutes: readonly NativeRoute[] = [
  route({
    method: 'POST', path: '/models/{name}/versions/{version}/blessings', operationId: 'recordBlessing', tag: 'models', permission: 'edit', status: 201, errors: [404],
    summary: "Record a gate's verdict on a version, for the alias the gate was run for",
    description: 'What a pipeline\'s `register` stage with `gate:` sends. A passed verdict is the blessing `promote` looks for; a failed one is kept as history. '
      + 'The server takes the verdict as given (the pipeline ran the gate), as a local store does, so an editor can record a passed gate: '
      + 'protected aliases still move only by approvers, and where their policy requires an approval it must come from someone other than the version\'s author. '
      + 'Recorded under the caller\'s name and audited as `model_version.bless` or `model_version.gate_failed`.',
    params: VersionPath,
    body: z.strictObject({
      alias: z.string().min(1).max(255).describe('The alias the gate was run for (e.g. production): the one a passed verdict lets the version be promoted to.'),
      passed: z.boolean().describe('Whether every rule passed.'),
      baseline_version: VersionParam.nullable().optional().describe('The version the candidate was compared with on the same rows; null or absent when nothing held the alias yet.'),
      rules: z.array(z.record(z.string(), AnyJson)).max(1000).describe("Each rule's outcome as the gate reported it: metric, candidate, baseline, checks with their bounds, status, message."),
      run_id: z.string().min(1).max(64).optional().describe('The run that ran the gate or recorded it, for lineage; it must exist on this server.'),
    }),
    response: z.object({ blessing: Blessing }),
    handler: async ({ store, params, body }) => {
      checkAlias(body.alias);
      await getModelVersion(store, params.name, params.version);
      if (body.run_id !== undefined) await getRunInfo(store, body.run_id);
      const blessing = await recordBlessing(store, params.name, params.version, {
        target: body.alias, baselineVersion: body.baseline_version ?? null, passed: body.passed, rules: body.rules, runId: body.run_id ?? null,
      });
      return { blessing };
    },
  }),
];
