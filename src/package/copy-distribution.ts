import { cp, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { invalid } from '../errors.js';

/** What was copied: the version (from the copied package.json) and how many files. */
export interface CopiedDistribution {
  readonly version: string;
  readonly files: number;
  readonly hasNpmrc: boolean;
}

/** Files a distribution must have for the image to install and start Slipway. */
const REQUIRED = ['package.json', 'package-lock.json', 'bin/slipway.js', 'dist/src/cli/main.js'];

/**
 * Copies an installed Slipway (its package folder) into `dest`: bin/, the compiled dist/src/, and the
 * files `npm ci` installs from. The image is then built from these, not from a registry that would have
 * to publish Slipway first, and runs exactly the Slipway that wrote the package.
 */
export async function copyDistribution(root: string, dest: string): Promise<CopiedDistribution> {
  for (const f of REQUIRED) {
    if (!(await exists(join(root, f)))) {
      throw invalid(`The Slipway installation at ${root} has no ${f}, so it cannot be copied into an image; build it first (npm run build).`, { root, missing: f });
    }
  }
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { name?: string; version?: string };
  if (pkg.name !== 'slipway') throw invalid(`${join(root, 'package.json')} is not Slipway's (its name is '${pkg.name ?? ''}').`, { root });
  const hasNpmrc = await exists(join(root, '.npmrc'));
  for (const f of ['package.json', 'package-lock.json', ...(hasNpmrc ? ['.npmrc'] : [])]) await cp(join(root, f), join(dest, f));
  await cp(join(root, 'bin'), join(dest, 'bin'), { recursive: true });
  // dist/bench holds benchmarks, and type declarations and source maps do nothing at run time: the server needs the .js of dist/src.
  const runtimeOnly = (src: string) => !/\.d\.ts$|\.map$/.test(src);
  await cp(join(root, 'dist', 'src'), join(dest, 'dist', 'src'), { recursive: true, filter: runtimeOnly });
  return { version: pkg.version ?? '0.0.0', files: await countFiles(dest), hasNpmrc };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).length;
}
