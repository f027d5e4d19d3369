import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type PipelineSpec, parseParamsText } from '../config/index.js';

/**
 * `--set` overrides a param "for this run": templated commands see it through `${}`, but a training
 * script that reads params.yaml itself would not. So for the duration of the run the overridden params
 * files hold the overridden values, and the original bytes (comments and all) are put back afterwards,
 * whatever happens. Returns the function that restores them.
 */
export async function applyParamOverrides(spec: PipelineSpec): Promise<() => Promise<void>> {
  const originals: { path: string; text: string }[] = [];
  for (const [file, values] of Object.entries(spec.paramValues ?? {})) {
    const path = join(spec.root, file);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    if (JSON.stringify(parseParamsText(text, file)) === JSON.stringify(values)) continue;
    originals.push({ path, text });
    await writeFile(path, file.endsWith('.json') ? `${JSON.stringify(values, null, 2)}\n` : stringify(values));
  }
  return async () => {
    for (const o of originals) await writeFile(o.path, o.text);
  };
}
