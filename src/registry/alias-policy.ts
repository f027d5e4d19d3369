import { z } from 'zod';
import { invalid } from '../errors.js';
import type { AliasPolicy } from './promote.js';

/**
 * slipway.yaml's `registry:` section:
 *
 *     registry:
 *       aliases:
 *         production: {require_approval: true}        # a passed gate is always required
 *         staging: {require_blessing: false}
 */
const schema = z.strictObject({
  aliases: z.record(z.string(), z.strictObject({ require_blessing: z.boolean().optional(), require_approval: z.boolean().optional() })).optional(),
});

export function aliasPolicyFromConfig(registrySection: unknown, alias: string, file = 'slipway.yaml'): AliasPolicy {
  if (registrySection === undefined || registrySection === null) return {};
  const parsed = schema.safeParse(registrySection);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${file}: registry.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const p = parsed.data.aliases?.[alias];
  return {
    ...(p?.require_blessing !== undefined ? { requireBlessing: p.require_blessing } : {}),
    ...(p?.require_approval !== undefined ? { requireApproval: p.require_approval } : {}),
  };
}
