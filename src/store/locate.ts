import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Where a Slipway store lives and what backs its two halves. */
export interface StoreLocation {
  /** The folder holding the embedded database and objects (unless overridden). */
  readonly home: string;
  /** `sqlite:…` or `postgres://…` */
  readonly databaseUrl: string;
  /** A folder, or later `s3://bucket/prefix`. */
  readonly artifacts: string;
}

/**
 * DESIGN's rule: `SLIPWAY_HOME` when set; else `.slipway/` beside the nearest `slipway.yaml` walking
 * up from `cwd`; else `~/.slipway`. `SLIPWAY_DATABASE_URL` and `SLIPWAY_ARTIFACTS` override the halves.
 */
export function locateStore(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const home = env.SLIPWAY_HOME ? resolve(cwd, env.SLIPWAY_HOME) : (findProjectHome(cwd) ?? join(homedir(), '.slipway'));
  return {
    home,
    databaseUrl: env.SLIPWAY_DATABASE_URL || `sqlite:${join(home, 'slipway.db')}`,
    artifacts: env.SLIPWAY_ARTIFACTS ? resolveArtifacts(cwd, env.SLIPWAY_ARTIFACTS) : join(home, 'objects'),
  };
}

/** The nearest folder at or above `cwd` holding a slipway.yaml, as `<that folder>/.slipway`. */
export function findProjectHome(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, 'slipway.yaml'))) return join(dir, '.slipway');
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function resolveArtifacts(cwd: string, value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : resolve(cwd, value);
}
