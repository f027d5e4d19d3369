import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { invalid } from '../errors.js';

/** The nearest slipway.yaml at or above `cwd` (or the file named), as an absolute path. */
export function findPipelineFile(cwd: string, explicit?: string): string {
  if (explicit) {
    const f = resolve(cwd, explicit);
    if (!existsSync(f)) throw invalid(`Pipeline file ${explicit} does not exist.`);
    return f;
  }
  let dir = resolve(cwd);
  for (;;) {
    const f = join(dir, 'slipway.yaml');
    if (existsSync(f)) return f;
    const parent = dirname(dir);
    if (parent === dir) throw invalid('No slipway.yaml here or in any parent folder: run this inside a Slipway project (or pass --file).');
    dir = parent;
  }
}
