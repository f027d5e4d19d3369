import { loadPipeline } from '../config/index.js';
import { findPipelineFile } from '../pipeline/index.js';
import { aliasPolicyFromConfig, type AliasPolicy } from '../registry/index.js';

/** The `registry:` section of the slipway.yaml nearest the working folder, if there is one. */
export async function projectRegistrySection(): Promise<unknown> {
  let file: string;
  try {
    file = findPipelineFile(process.cwd());
  } catch {
    return undefined;
  }
  return (await loadPipeline(file)).extra.registry;
}

/** Every alias the project's `registry.aliases` names, with its policy. */
export async function projectAliasPolicies(): Promise<Record<string, AliasPolicy>> {
  const section = await projectRegistrySection();
  const aliases = (section as { aliases?: Record<string, unknown> } | undefined)?.aliases ?? {};
  const out: Record<string, AliasPolicy> = {};
  for (const alias of Object.keys(aliases)) out[alias] = aliasPolicyFromConfig(section, alias);
  return out;
}
