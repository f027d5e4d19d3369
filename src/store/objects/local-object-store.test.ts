import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../errors.js';
import { LocalObjectStore, openObjectStore, sha256Bytes, sha256File } from './index.js';

const HELLO_SHA256 = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const scratch: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-objects-'));
  scratch.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function newStore() {
  const root = await tempDir();
  return { root, store: new LocalObjectStore(root) };
}

/** Awaits `promise` expecting a SlipwayError with `code`; returns it for further checks. */
async function expectCode(promise: Promise<unknown>, code: string): Promise<SlipwayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SlipwayError);
  expect((err as SlipwayError).code).toBe(code);
  return err as SlipwayError;
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listAll(store: LocalObjectStore): Promise<string[]> {
  const hashes: string[] = [];
  for await (const hash of store.list()) hashes.push(hash);
  return hashes;
}

/** Deterministic, non-repeating-looking bytes, so a shifted or truncated copy cannot hash the same. */
function patternBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 13)) % 251;
  return bytes;
}

describe('LocalObjectStore round trips', () => {
  it('stores bytes, strings, files and streams under their sha256', async () => {
    const { root, store } = await newStore();
    const file = join(await tempDir(), 'hello.txt');
    await writeFile(file, 'hello');

    const refs = [
      await store.put('hello'),
      await store.put(new TextEncoder().encode('hello')),
      await store.putFile(file),
      await store.putStream(Readable.from([Buffer.from('he'), Buffer.from('llo')])),
    ];
    for (const ref of refs) expect(ref).toEqual({ hash: HELLO_SHA256, size: 5 });

    expect(await readFile(join(root, 'sha256', '2c', HELLO_SHA256), 'utf8')).toBe('hello');
    expect((await store.get(HELLO_SHA256)).toString()).toBe('hello');
    expect((await drain(await store.openRead(HELLO_SHA256))).toString()).toBe('hello');
    const dest = join(await tempDir(), 'nested', 'out.txt');
    await store.getToFile(HELLO_SHA256, dest);
    expect(await readFile(dest, 'utf8')).toBe('hello');
    expect(await store.has(HELLO_SHA256)).toBe(true);
    expect(await store.stat(HELLO_SHA256)).toEqual({ hash: HELLO_SHA256, size: 5 });
    expect(await listAll(store)).toEqual([HELLO_SHA256]);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('hashes files and bytes the same way the store addresses them', async () => {
    const file = join(await tempDir(), 'data.bin');
    const data = patternBytes(3 * 1024 * 1024 + 17);
    await writeFile(file, data);
    expect(sha256Bytes('hello')).toEqual({ hash: HELLO_SHA256, size: 5 });
    expect(await sha256File(file)).toEqual(sha256Bytes(data));
    expect((await new LocalObjectStore(await tempDir()).put(data)).hash).toBe(sha256Bytes(data).hash);
    await expectCode(sha256File(join(dirname(file), 'missing')), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('stores the empty blob', async () => {
    const { store } = await newStore();
    expect(await store.put(new Uint8Array())).toEqual({ hash: EMPTY_SHA256, size: 0 });
    expect((await store.get(EMPTY_SHA256)).length).toBe(0);
    expect((await drain(await store.openRead(EMPTY_SHA256))).length).toBe(0);
    const dest = join(await tempDir(), 'empty');
    await store.getToFile(EMPTY_SHA256, dest);
    expect((await stat(dest)).size).toBe(0);
  });

  it('is idempotent: the same content put twice is one blob', async () => {
    const { root, store } = await newStore();
    const first = await store.put('same');
    const second = await store.put(Buffer.from('same'));
    expect(second).toEqual(first);
    expect(await listAll(store)).toEqual([first.hash]);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('leaves no temp file when the source stream fails', async () => {
    const { root, store } = await newStore();
    const failing = new Readable({ read() {} });
    failing.push(Buffer.from('partial'));
    setTimeout(() => failing.destroy(new Error('source broke')), 10);
    await expect(store.putStream(failing)).rejects.toThrow('source broke');
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await listAll(store)).toEqual([]);
  });

  it('deletes blobs, and deleting an absent blob is not an error', async () => {
    const { store } = await newStore();
    await store.put('hello');
    await store.delete(HELLO_SHA256);
    await store.delete(HELLO_SHA256);
    expect(await store.has(HELLO_SHA256)).toBe(false);
    expect(await listAll(store)).toEqual([]);
  });
});

describe('LocalObjectStore verification and validation', () => {
  it('detects corruption on every read path', async () => {
    const { root, store } = await newStore();
    await store.put('hello');
    await writeFile(join(root, 'sha256', '2c', HELLO_SHA256), 'jello');

    const err = await expectCode(store.get(HELLO_SHA256), 'DATA_CORRUPTION');
    expect(err.message).toContain(HELLO_SHA256);
    await expectCode(drain(await store.openRead(HELLO_SHA256)), 'DATA_CORRUPTION');
    const destDir = await tempDir();
    await expectCode(store.getToFile(HELLO_SHA256, join(destDir, 'out.txt')), 'DATA_CORRUPTION');
    expect(await readdir(destDir)).toEqual([]);
  });

  it('reports a missing blob as RESOURCE_DOES_NOT_EXIST', async () => {
    const { store } = await newStore();
    await expectCode(store.get(HELLO_SHA256), 'RESOURCE_DOES_NOT_EXIST');
    await expectCode(store.openRead(HELLO_SHA256), 'RESOURCE_DOES_NOT_EXIST');
    const destDir = await tempDir();
    await expectCode(store.getToFile(HELLO_SHA256, join(destDir, 'x')), 'RESOURCE_DOES_NOT_EXIST');
    expect(await readdir(destDir)).toEqual([]);
    await expectCode(store.getManifest(HELLO_SHA256), 'RESOURCE_DOES_NOT_EXIST');
    await expectCode(store.putFile(join(destDir, 'nope')), 'RESOURCE_DOES_NOT_EXIST');
    expect(await store.has(HELLO_SHA256)).toBe(false);
    expect(await store.stat(HELLO_SHA256)).toBeUndefined();
    expect(await listAll(store)).toEqual([]);
  });

  it.each([
    '../../etc/passwd',
    HELLO_SHA256.toUpperCase(),
    HELLO_SHA256.slice(0, 63),
    `${HELLO_SHA256}0`,
    `2c/../${HELLO_SHA256.slice(6)}`,
    '',
  ])('rejects the invalid hash %j everywhere', async (bad) => {
    const { store } = await newStore();
    const dest = join(await tempDir(), 'x');
    const calls: Promise<unknown>[] = [
      store.has(bad),
      store.stat(bad),
      store.get(bad),
      store.openRead(bad),
      store.getToFile(bad, dest),
      store.getManifest(bad),
      store.getDirectory(bad, dest),
      store.delete(bad),
    ];
    for (const call of calls) await expectCode(call, 'INVALID_PARAMETER_VALUE');
  });

  it('opens folders and refuses s3:// until it exists', async () => {
    const root = await tempDir();
    const store = openObjectStore(root);
    expect(store).toBeInstanceOf(LocalObjectStore);
    expect(store.location).toBe(resolve(root));
    expect(openObjectStore(pathToFileURL(root).href).location).toBe(resolve(root));
    const err = await expectCode(Promise.reject(catchSync(() => openObjectStore('s3://bucket/p'))), 'INVALID_PARAMETER_VALUE');
    expect(err.message).toContain('S3 object store is not available in this build yet');
    await expectCode(Promise.reject(catchSync(() => openObjectStore('gs://bucket'))), 'INVALID_PARAMETER_VALUE');
  });
});

function catchSync(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return new Error('expected a throw');
}

describe('LocalObjectStore directories', () => {
  async function makeTree(): Promise<string> {
    const dir = await tempDir();
    await mkdir(join(dir, 'model', 'weights'), { recursive: true });
    await mkdir(join(dir, '.hidden'));
    await writeFile(join(dir, 'README.md'), '# model\n');
    await writeFile(join(dir, 'model', 'config.json'), '{"layers":3}');
    await writeFile(join(dir, 'model', 'weights', 'w.bin'), patternBytes(200_000));
    await writeFile(join(dir, 'model', 'empty'), '');
    await writeFile(join(dir, '.hidden', 'h'), 'hello');
    return dir;
  }

  it('round-trips nested folders with a manifest hash that is stable across stores', async () => {
    const src = await makeTree();
    const a = (await newStore()).store;
    const b = (await newStore()).store;
    const refA = await a.putDirectory(src);
    const refB = await b.putDirectory(src);
    expect(refB.hash).toBe(refA.hash);
    expect(refA.files.map((f) => f.path)).toEqual([
      '.hidden/h',
      'README.md',
      'model/config.json',
      'model/empty',
      'model/weights/w.bin',
    ]);
    expect(refA.files[0]).toEqual({ path: '.hidden/h', hash: HELLO_SHA256, size: 5 });

    const manifestText = (await a.get(refA.hash)).toString('utf8');
    expect(manifestText.startsWith('{"kind":"slipway.directory/v1","files":[{"path":".hidden/h","hash":"2cf2')).toBe(true);
    expect(refA.size).toBe(Buffer.byteLength(manifestText));
    expect(await a.getManifest(refA.hash)).toEqual(refA);

    const dest = join(await tempDir(), 'restored');
    await a.getDirectory(refA.hash, dest);
    for (const file of refA.files) {
      const restored = await readFile(join(dest, ...file.path.split('/')));
      expect(restored.equals(await readFile(join(src, ...file.path.split('/'))))).toBe(true);
    }
    expect((await b.putDirectory(dest)).hash).toBe(refA.hash);
  });

  it('refuses symlinks with a clear message', async () => {
    const src = await makeTree();
    await symlink(join(src, 'README.md'), join(src, 'model', 'link'));
    const { store } = await newStore();
    const err = await expectCode(store.putDirectory(src), 'INVALID_PARAMETER_VALUE');
    expect(err.message).toMatch(/symbolic links are not supported/);
  });

  it.each([
    ['../x', 'parent segment'],
    ['/etc/passwd', 'absolute'],
    ['a\\b', 'backslash'],
    ['a//b', 'empty segment'],
    ['a/./b', 'dot segment'],
  ])('rejects the manifest path %j (%s)', async (badPath) => {
    const { store } = await newStore();
    await store.put('hello');
    const manifest = JSON.stringify({
      kind: 'slipway.directory/v1',
      files: [{ path: badPath, hash: HELLO_SHA256, size: 5 }],
    });
    const { hash } = await store.put(manifest);
    await expectCode(store.getManifest(hash), 'DATA_CORRUPTION');
    const parent = await tempDir();
    await expectCode(store.getDirectory(hash, join(parent, 'dest')), 'DATA_CORRUPTION');
    expect(await readdir(parent)).toEqual([]);
  });

  it('rejects manifests that are not ours', async () => {
    const { store } = await newStore();
    const unsorted = JSON.stringify({
      kind: 'slipway.directory/v1',
      files: [
        { path: 'b', hash: HELLO_SHA256, size: 5 },
        { path: 'a', hash: HELLO_SHA256, size: 5 },
      ],
    });
    for (const text of ['not json', '{"kind":"other/v1","files":[]}', unsorted]) {
      await expectCode(store.getManifest((await store.put(text)).hash), 'DATA_CORRUPTION');
    }
  });
});
