import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { alreadyExists, invalid } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { resolveModelUri } from '../registry/index.js';
import { randomName, type Store } from '../store/index.js';
import { buildManifests, type Manifest } from './build-manifests.js';
import { copyDistribution } from './copy-distribution.js';
import { oneLine, renderDockerfile, renderDockerignore } from './dockerfile.js';
import { type ManifestOptions, resolveManifestOptions } from './manifest-options.js';
import { renderPackageReadme } from './package-readme.js';

export interface WritePackageOptions extends Omit<ManifestOptions, 'modelName' | 'version' | 'modelSha256'> {
  /** The registered model's name. */
  readonly model: string;
  /** A version number (`'3'`), an alias (`'@production'`) or `'latest'`. */
  readonly version: string;
  /** The folder to write. */
  readonly out: string;
  /** Replace `out` when it is not empty. @default false */
  readonly force?: boolean;
  /** The Slipway installation copied into the image. @default the running one */
  readonly distribution?: string;
}

/** What `writePackage` wrote; also saved as `slipway-package.json` in the folder. */
export interface PackageResult {
  readonly out: string;
  /** Name of the Kubernetes objects. */
  readonly name: string;
  readonly image: string;
  readonly model: { readonly name: string; readonly version: string; readonly uri: string; readonly sha256: string; readonly size: number };
  readonly slipway: { readonly version: string; readonly files: number };
  /** Files written, relative to `out`, except the copied Slipway under `slipway/` (counted in `slipway.files`). */
  readonly files: readonly string[];
}

export const PACKAGE_MANIFEST = 'slipway-package.json';

/**
 * Writes everything a cluster needs to serve one registered model version into `out`: Dockerfile,
 * .dockerignore, README.md, model/model.onnx, a copy of Slipway, k8s/ and kserve/ manifests. Only
 * reads the store. The folder appears whole or not at all: it is built beside `out` and renamed
 * into place.
 *
 * @example
 *   await writePackage(store, { model: 'churn', version: '@production', out: 'deploy/churn' });
 */
export async function writePackage(store: Store, options: WritePackageOptions): Promise<PackageResult> {
  const out = resolve(options.out);
  await checkTarget(out, options.force ?? false);
  const mv = await resolveModelUri(store, modelUri(options.model, options.version));
  if (mv.blob.kind !== 'file') {
    throw invalid(`models:/${mv.name}/${mv.version} is a folder; a package serves a single .onnx file, so register the .onnx file itself.`, { name: mv.name, version: mv.version });
  }
  const { model: _m, version: _v, out: _o, force: _f, distribution: _d, ...rest } = options;
  const manifestOptions: ManifestOptions = { ...rest, modelName: mv.name, version: mv.version, modelSha256: mv.blob.hash };
  const resolved = resolveManifestOptions(manifestOptions);
  const manifests = buildManifests(manifestOptions);

  const tmp = join(dirname(out), `.${basename(out)}.tmp-${randomName()}`);
  await mkdir(dirname(out), { recursive: true });
  await mkdir(tmp);
  try {
    const slipway = await copyDistribution(options.distribution ?? packageRoot(), join(tmp, 'slipway'));
    await mkdir(join(tmp, 'model'));
    await store.objects.getToFile(mv.blob.hash, join(tmp, 'model', 'model.onnx')); // verified against its hash
    const uri = `models:/${mv.name}/${mv.version}`;
    const texts: [string, string][] = [
      ['Dockerfile', renderDockerfile({ manifest: resolved, slipwayVersion: slipway.version, modelSha256: mv.blob.hash, hasNpmrc: slipway.hasNpmrc })],
      ['.dockerignore', renderDockerignore()],
      ['k8s/deployment.yaml', yaml(manifests.deployment, uri)],
      ['k8s/service.yaml', yaml(manifests.service, uri)],
      ...(manifests.hpa ? [['k8s/hpa.yaml', yaml(manifests.hpa, uri)] as [string, string]] : []),
      ['kserve/inferenceservice.yaml', yaml(manifests.inferenceService, uri)],
    ];
    const files = ['Dockerfile', '.dockerignore', 'README.md', 'model/model.onnx', ...texts.slice(2).map(([f]) => f), PACKAGE_MANIFEST].sort();
    texts.push(['README.md', renderPackageReadme(resolved, files)]);
    const result: PackageResult = {
      out, name: resolved.name, image: resolved.image,
      model: { name: mv.name, version: mv.version, uri, sha256: mv.blob.hash, size: mv.blob.size },
      slipway: { version: slipway.version, files: slipway.files }, files,
    };
    texts.push([PACKAGE_MANIFEST, `${JSON.stringify({ format: 1, ...withoutOut(result) }, null, 2)}\n`]);
    await mkdir(join(tmp, 'k8s'));
    await mkdir(join(tmp, 'kserve'));
    for (const [file, text] of texts) await writeFile(join(tmp, file), text);
    await swapIntoPlace(tmp, out, options.force ?? false);
    return result;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** `models:/` URI for a VERSION argument: `3`, `@alias` or `latest`. */
function modelUri(name: string, version: string): string {
  const model = encodeURIComponent(name);
  if (/^\d+$/.test(version) || version === 'latest') return `models:/${model}/${version}`;
  if (/^@[\w-]+$/.test(version)) return `models:/${model}${version}`;
  throw invalid(`VERSION must be a version number (3), an alias (@production) or latest, got '${version}'.`, { version });
}

function withoutOut(r: PackageResult): Omit<PackageResult, 'out'> {
  const { out: _out, ...rest } = r;
  return rest;
}

function yaml(manifest: Manifest, uri: string): string {
  return `# Generated by slipway package for ${oneLine(uri)}.\n${stringify(manifest, { lineWidth: 0 })}`;
}

/** Refuses a file, or a non-empty folder without `force`, before any work is done. */
async function checkTarget(out: string, force: boolean): Promise<void> {
  const s = await stat(out).catch(() => undefined);
  if (!s) return;
  if (!s.isDirectory()) throw invalid(`${out} is a file; --out needs a folder (new or empty).`, { out });
  if (!force && (await readdir(out)).length > 0) {
    throw alreadyExists(`${out} is not empty; choose a new folder, or pass --force to replace it.`, { out });
  }
}

/** Renames the finished folder over `out`; a replaced folder is moved aside first and removed last. */
async function swapIntoPlace(tmp: string, out: string, force: boolean): Promise<void> {
  await checkTarget(out, force); // again: something may have appeared while the package was built
  const existing = await stat(out).catch(() => undefined);
  if (!existing) return rename(tmp, out);
  if ((await readdir(out)).length === 0) {
    await rmdir(out);
    return rename(tmp, out);
  }
  const old = join(dirname(out), `.${basename(out)}.old-${randomName()}`);
  await rename(out, old);
  try {
    await rename(tmp, out);
  } catch (err) {
    await rename(old, out);
    throw err;
  }
  await rm(old, { recursive: true, force: true });
}
