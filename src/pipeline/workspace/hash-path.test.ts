import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalObjectStore, sha256Bytes, sha256File } from '../../store/objects/index.js';
import { hashPath } from './hash-path.js';
import { HashState } from './hash-state.js';
import { age, expectCode, scratchDirs } from './test-helpers.js';

const tempDir = scratchDirs('slipway-hash-path-');

/** A folder whose names exercise code-unit ordering ('a-c' sorts before 'a/b') and nesting. */
async function makeTree(): Promise<{ root: string; dir: string; paths: string[] }> {
  const root = await tempDir();
  const dir = join(root, 'data');
  const files: Record<string, string> = {
    'a/b': 'one',
    'a-c': 'two',
    'A.txt': 'three',
    'nested/deep/x.csv': 'x,y\n1,2\n',
    'empty.bin': '',
    'ünïcode.txt': 'utf8 name',
  };
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  mkdirSync(join(dir, 'empty-folder')); // manifests list files only, as putDirectory does
  const paths = Object.keys(files).map((rel) => join(dir, rel));
  age(...paths);
  return { root, dir, paths };
}

describe('hashPath', () => {
  it('hashes a file as its sha256 and remembers it', async () => {
    const root = await tempDir();
    const file = join(root, 'model.bin');
    writeFileSync(file, 'weights');
    age(file);
    const state = new HashState(':memory:');
    expect(await hashPath(root, 'model.bin', state)).toEqual({ kind: 'file', hash: sha256Bytes('weights').hash, size: 7 });
    expect(state.counters.misses).toBe(1);
    await hashPath(root, 'model.bin', state);
    expect(state.counters).toMatchObject({ hits: 1, misses: 1 });
  });

  it('re-hashes after a same-size edit and after a touch, keeping the hash for the touch', async () => {
    const root = await tempDir();
    const file = join(root, 'params.yaml');
    writeFileSync(file, 'lr: 0.1');
    age(file);
    const state = new HashState(':memory:');
    const first = await hashPath(root, 'params.yaml', state);

    writeFileSync(file, 'lr: 0.2'); // same size, same inode: only the mtime tells
    age(file);
    const edited = await hashPath(root, 'params.yaml', state);
    expect(state.counters.misses).toBe(2);
    expect(edited).toEqual({ kind: 'file', hash: sha256Bytes('lr: 0.2').hash, size: 7 });
    expect(edited).not.toEqual(first);

    age(file); // touch: new mtime, same bytes
    expect(await hashPath(root, 'params.yaml', state)).toEqual(edited);
    expect(state.counters.misses).toBe(3);
    await hashPath(root, 'params.yaml', state);
    expect(state.counters.misses).toBe(3);
  });

  it('re-reads a file written within a clock tick until its mtime is safely past', async () => {
    const root = await tempDir();
    writeFileSync(join(root, 'fresh'), 'now');
    const state = new HashState(':memory:');
    await hashPath(root, 'fresh', state);
    await hashPath(root, 'fresh', state);
    expect(state.counters).toMatchObject({ misses: 2, racy: 2 });
  });

  it('hashes a folder to the same address LocalObjectStore.putDirectory gives it', async () => {
    const { root, dir } = await makeTree();
    const state = new HashState(':memory:');
    const hashed = await hashPath(root, 'data', state);
    const stored = await new LocalObjectStore(join(root, 'objects')).putDirectory(dir);
    expect(hashed.kind).toBe('directory');
    if (hashed.kind !== 'directory') return;
    expect(hashed.hash).toBe(stored.hash);
    expect(hashed.files).toEqual(stored.files);
    expect(hashed.size).toBe(stored.files.reduce((n, f) => n + f.size, 0));
  });

  it('hashes an empty folder like putDirectory does', async () => {
    const root = await tempDir();
    mkdirSync(join(root, 'empty'));
    const hashed = await hashPath(root, 'empty', new HashState(':memory:'));
    const stored = await new LocalObjectStore(join(root, 'objects')).putDirectory(join(root, 'empty'));
    expect(hashed).toEqual({ kind: 'directory', hash: stored.hash, size: 0, files: [] });
  });

  it('re-reads only the files that changed, also in a new process with the persisted state', async () => {
    const root = await tempDir();
    const dir = join(root, 'data');
    mkdirSync(dir);
    const paths = Array.from({ length: 40 }, (_, i) => join(dir, `part-${String(i).padStart(3, '0')}.csv`));
    for (const [i, p] of paths.entries()) writeFileSync(p, `row ${i}\n`);
    age(...paths);
    const db = join(root, '.slipway', 'state.db');
    const cold = new HashState(db);
    const before = await hashPath(root, 'data', cold);
    expect(cold.counters.misses).toBe(40);
    cold.close();

    const warm = new HashState(db);
    expect(await hashPath(root, 'data', warm)).toEqual(before);
    expect(warm.counters).toMatchObject({ hits: 40, misses: 0 });

    writeFileSync(paths[7] as string, 'row X\n'); // same size
    age(paths[7] as string);
    const after = await hashPath(root, 'data', warm);
    expect(warm.counters).toMatchObject({ hits: 79, misses: 1 });
    expect(after.kind === 'directory' && after.hash).not.toBe(before.kind === 'directory' && before.hash);
    warm.close();
  });

  it('hashes files bigger than one read chunk correctly', async () => {
    const root = await tempDir();
    const big = Buffer.alloc(8 * 1024 * 1024 * 2 + 12345);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i * 2654435761 >>> 0, i);
    writeFileSync(join(root, 'big.bin'), big);
    const hashed = await hashPath(root, 'big.bin', new HashState(':memory:'));
    expect(hashed).toEqual({ kind: 'file', ...(await sha256File(join(root, 'big.bin'))) });
  });

  it("reports a missing path, or one under a file, as 'missing'", async () => {
    const root = await tempDir();
    writeFileSync(join(root, 'file'), 'x');
    const state = new HashState(':memory:');
    expect(await hashPath(root, 'nope', state)).toEqual({ kind: 'missing' });
    expect(await hashPath(root, 'file/below', state)).toEqual({ kind: 'missing' });
  });

  it('refuses symlinks, at the top and inside folders', async () => {
    const { root, dir } = await makeTree();
    symlinkSync(join(dir, 'a-c'), join(root, 'link'));
    const state = new HashState(':memory:');
    const err = await expectCode(hashPath(root, 'link', state), 'INVALID_PARAMETER_VALUE');
    expect(err.message).toMatch(/symbolic link/);
    symlinkSync(join(dir, 'a-c'), join(dir, 'nested', 'link'));
    await expectCode(hashPath(root, 'data', state), 'INVALID_PARAMETER_VALUE');
  });
});
