import { SlipwayError } from '../errors.js';
import type { Store } from '../store/index.js';
import { setAlias } from './aliases.js';
import { isApproved } from './approvals.js';
import { isBlessed } from './blessings.js';
import { parseVersion } from './read-versions.js';
import type { ModelVersion } from './types.js';

/** What an alias demands before a version may hold it (slipway.yaml `registry.aliases.<alias>`). */
export interface AliasPolicy {
  /**
   * A passed gate recorded for this alias.
   * @default true
   */
  readonly requireBlessing?: boolean;
  /**
   * An approval for this alias by someone other than the version's author.
   * @default false
   */
  readonly requireApproval?: boolean;
}

/**
 * Moves `alias` to a version only when the alias's policy is met; every refusal says what is missing,
 * every move is audited as 'model.promote' with who and why, and shows in `models history`.
 */
export async function promote(store: Store, name: string, version: string | number, alias: string, options: { reason?: string; policy?: AliasPolicy } = {}): Promise<ModelVersion> {
  const v = parseVersion(version);
  const missing = await unmetRequirements(store, name, v, alias, options.policy);
  if (missing.length) {
    throw new SlipwayError('PERMISSION_DENIED', `Cannot promote ${name} version ${v} to @${alias}: ${missing.join('; ')}.`, { name, version: v, alias });
  }
  return setAlias(store, name, alias, v, { reason: options.reason ?? '', action: 'model.promote' });
}

/**
 * What `version` still lacks before it may hold `alias` under `policy`, one sentence per requirement;
 * empty when it may. Also used for moves that are not alias moves (MLflow's Production stage).
 */
export async function unmetRequirements(store: Store, name: string, version: string | number, alias: string, policy: AliasPolicy = {}): Promise<string[]> {
  const v = parseVersion(version);
  const { requireBlessing, requireApproval } = { requireBlessing: true, requireApproval: false, ...policy };
  const missing: string[] = [];
  if (requireBlessing && !(await isBlessed(store, name, v, alias))) {
    missing.push(`it holds no passed gate for @${alias} (run \`slipway gate\` with --for ${alias})`);
  }
  if (requireApproval && !(await isApproved(store, name, v, alias))) {
    missing.push(`@${alias} requires an approval by someone other than its author (\`slipway models approve ${name} ${v} --for ${alias}\`)`);
  }
  return missing;
}
