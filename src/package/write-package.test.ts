import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BACKENDS } from '../../test/backends.js';
import { createTestStore, expectCode, type TestStore } from '../../test/helpers/test-store.js';
import { createModelVersion, createRegisteredModel, setAlias } from '../registry/index.js';
import { buildManifests } from './build-manifests.js';
import { PACKAGE_MANIFEST, writePackage, type WritePackageOptions } from './write-package.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite');
if (!sqlite) throw new Error('no sqlite backend');

let t: TestStore;
let root: string;
/** A minimal Slipway installation to copy: writePackage must not depend on this checkout's dist/ being built. */
let distribution: string;
const v1 = randomBytes(300);
const v2 = randomBytes(500);

beforeAll(async () => {
  t = await createTestStore(sqlite);
  root = await mkdtemp(join(tmpdir(), 'slipway-package-'));
  distribution = join(root, 'dist-root');
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'slipway', version: '9.8.7' }),
    'package-lock.json': '{}',
    '.npmrc': 'onnxruntime-node-install=skip\n',
    'bin/slipway.js': '#!/usr/bin/env node\n',
    'dist/src/cli/main.js': 'export {};\n',
    'dist/src/cli/main.d.ts': 'export {};\n',
    'dist/src/cli/main.js.map': '{}\n',
    'dist/bench/run.js': 'export {};\n',
  };
  for (const [f, text] of Object.entries(files)) {
    await mkdir(dirname(join(distribution, f)), { recursive: true });
    await writeFile(join(distribution, f), text);
  }
  await writeFile(join(root, 'v1.onnx'), v1);
  await writeFile(join(root, 'v2.onnx'), v2);
  await mkdir(join(root, 'folder-model'));
  await writeFile(join(root, 'folder-model', 'model.onnx'), v1);
  await createRegisteredModel(t.store, 'churn');
  await createModelVersion(t.store, 'churn', { source: join(root, 'v1.onnx') });
  await createModelVersion(t.store, 'churn', { source: join(root, 'v2.onnx') });
  await createModelVersion(t.store, 'churn', { source: join(root, 'folder-model') });
  await setAlias(t.store, 'churn', 'production', 2);
});
afterAll(async () => {
  await t.dispose();
  await rm(root, { recursive: true, force: true });
});

const pack = (out: string, over: Partial<WritePackageOptions> = {}) =>
  writePackage(t.store, { model: 'churn', version: '1', out: join(root, out), distribution, ...over });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const listed = async (dir: string) => (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile())
  .map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();

describe('writePackage', () => {
  it('writes the image context, manifests and model bytes of a registered version', async () => {
    const r = await pack('p1');
    const out = join(root, 'p1');
    expect(r.model).toEqual({ name: 'churn', version: '1', uri: 'models:/churn/1', sha256: sha256(v1), size: 300 });
    const model = await readFile(join(out, 'model', 'model.onnx'));
    expect(sha256(model)).toBe(sha256(v1));
    expect(await listed(out)).toEqual([
      '.dockerignore', 'Dockerfile', 'README.md', 'k8s/deployment.yaml', 'k8s/service.yaml', 'kserve/inferenceservice.yaml',
      'model/model.onnx', PACKAGE_MANIFEST, 'slipway/.npmrc', 'slipway/bin/slipway.js', 'slipway/dist/src/cli/main.js',
      'slipway/package-lock.json', 'slipway/package.json',
    ].sort());
    expect(r.files).toEqual(['.dockerignore', 'Dockerfile', 'README.md', 'k8s/deployment.yaml', 'k8s/service.yaml', 'kserve/inferenceservice.yaml', 'model/model.onnx', PACKAGE_MANIFEST]);
    expect(r.slipway).toEqual({ version: '9.8.7', files: 5 });

    const dockerfile = await readFile(join(out, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY slipway/package.json slipway/package-lock.json slipway/.npmrc ./');
    expect(dockerfile).toContain('COPY model/model.onnx /models/model.onnx');
    expect(dockerfile).toContain(`dev.slipway.model-sha256="${sha256(v1)}"`);
    expect(dockerfile).toContain('(Slipway 9.8.7) for models:/churn/1');

    // The YAML on disk is exactly the objects buildManifests makes (which the schema tests validate).
    const expected = buildManifests({ modelName: 'churn', version: '1', modelSha256: sha256(v1) });
    expect(parse(await readFile(join(out, 'k8s', 'deployment.yaml'), 'utf8'))).toEqual(expected.deployment);
    expect(parse(await readFile(join(out, 'k8s', 'service.yaml'), 'utf8'))).toEqual(expected.service);
    expect(parse(await readFile(join(out, 'kserve', 'inferenceservice.yaml'), 'utf8'))).toEqual(expected.inferenceService);

    const manifest = JSON.parse(await readFile(join(out, PACKAGE_MANIFEST), 'utf8')) as Record<string, unknown>;
    expect(manifest).toEqual({ format: 1, name: 'churn', image: 'slipway-churn:1', model: r.model, slipway: r.slipway, files: r.files });
    const readme = await readFile(join(out, 'README.md'), 'utf8');
    for (const step of ['docker build -t slipway-churn:1 .', 'kubectl apply -f k8s/', 'kubectl apply -f kserve/']) expect(readme).toContain(step);
    expect((await readdir(root)).filter((f) => /\.tmp-|\.old-/.test(f))).toEqual([]);
  });

  it('resolves an alias, and writes the HPA only when autoscaling', async () => {
    const r = await pack('p2', { version: '@production', autoscale: { min: 2, max: 6 }, image: 'reg.example/churn:2' });
    expect(r.model.version).toBe('2');
    expect(r.model.sha256).toBe(sha256(v2));
    expect(sha256(await readFile(join(root, 'p2', 'model', 'model.onnx')))).toBe(sha256(v2));
    const hpa = parse(await readFile(join(root, 'p2', 'k8s', 'hpa.yaml'), 'utf8')) as { spec: { scaleTargetRef: { name: string }; minReplicas: number; maxReplicas: number } };
    expect(hpa.spec).toMatchObject({ scaleTargetRef: { name: 'churn' }, minReplicas: 2, maxReplicas: 6 });
    expect(r.files).toContain('k8s/hpa.yaml');
    expect(await readFile(join(root, 'p2', 'k8s', 'deployment.yaml'), 'utf8')).toContain('image: reg.example/churn:2');
  });

  it('refuses a non-empty folder unless forced, and then replaces it whole', async () => {
    const out = join(root, 'p3');
    await mkdir(out);
    await writeFile(join(out, 'keep.txt'), 'mine');
    const refused = await expectCode(pack('p3'), 'RESOURCE_ALREADY_EXISTS');
    expect(refused.message).toContain('is not empty; choose a new folder, or pass --force');
    expect(await readdir(out)).toEqual(['keep.txt']);
    await pack('p3', { force: true });
    const after = await readdir(out);
    expect(after).not.toContain('keep.txt');
    expect(after).toContain('Dockerfile');
    expect((await readdir(root)).filter((f) => /\.tmp-|\.old-/.test(f))).toEqual([]);
  });

  it('writes into an existing empty folder', async () => {
    await mkdir(join(root, 'p4'));
    await pack('p4');
    expect(await readdir(join(root, 'p4'))).toContain('Dockerfile');
  });

  it('refuses what cannot be packaged, leaving nothing behind', async () => {
    await expectCode(pack('x1', { model: 'nope' }), 'RESOURCE_DOES_NOT_EXIST');
    await expectCode(pack('x2', { version: '9' }), 'RESOURCE_DOES_NOT_EXIST');
    await expectCode(pack('x3', { version: '@staging' }), 'RESOURCE_DOES_NOT_EXIST');
    expect((await expectCode(pack('x4', { version: '3' }), 'INVALID_PARAMETER_VALUE')).message).toContain('models:/churn/3 is a folder');
    expect((await expectCode(pack('x5', { version: 'v1' }), 'INVALID_PARAMETER_VALUE')).message).toContain("VERSION must be a version number (3), an alias (@production) or latest, got 'v1'");
    expect((await expectCode(pack('x6', { autoscale: { min: 4, max: 2 } }), 'INVALID_PARAMETER_VALUE')).message).toContain('no smaller than its minimum');
    const noDist = join(root, 'no-dist');
    await mkdir(noDist);
    await writeFile(join(noDist, 'package.json'), JSON.stringify({ name: 'slipway' }));
    expect((await expectCode(pack('x7', { distribution: noDist }), 'INVALID_PARAMETER_VALUE')).message).toContain('has no package-lock.json');
    await writeFile(join(root, 'a-file'), 'x');
    expect((await expectCode(pack('a-file'), 'INVALID_PARAMETER_VALUE')).message).toContain('is a file');
    const left = await readdir(root);
    expect(left.filter((f) => /^x\d$|\.tmp-|\.old-/.test(f))).toEqual([]);
  });
});
