import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The peers' shared material (conformance suites, schemas): `$SLIPWAY_SHARED_DIR`, else a `shared`
 * folder beside the project or beside a folder above it. Undefined in a checkout without one: the
 * suites that need it skip, and test/global-setup.ts says so loudly. (For tests; nothing at run time
 * reads the peers' material.)
 */
export function sharedFolder(): string | undefined {
  if (process.env.SLIPWAY_SHARED_DIR) return resolve(process.env.SLIPWAY_SHARED_DIR);
  for (let dir = resolve(import.meta.dirname, '..', '..'); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'shared', 'conformance'))) return join(dir, 'shared');
    if (dirname(dir) === dir) return undefined;
  }
}
