import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LocalObjectStore, type ObjectStore, sha256Bytes } from '../../store/objects/index.js';
import { hashPath } from './hash-path.js';
import { HashState } from './hash-state.js';
import { materialize, storeOut } from './link-out.js';
import { age, expectCode, scratchDirs } from './test-helpers.js';

const tempDir = scratchDirs('slipway-link-out-');

async function setup() {
  const root = await tempDir();
  const objects = new LocalObjectStore(join(root, '.slipway', 'objects'));
  const state = new HashState(join(root, '.slipway', 'state.db'));
  return { root, objects, state };
}

function blobPath(objects: LocalObjectStore, hash: string): string {
  return join(objects.location, 'sha256', hash.slice(0, 2), hash);
}

function listTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p).split('\\').join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** The same store seen through a wrapper, so materialize cannot take the reflink path. */
function opaque(store: ObjectStore): ObjectStore {
  return new Proxy(store, {
    get: (target, key) => {
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    getPrototypeOf: () => Object.prototype,
  });
}

describe('storeOut and materialize', () => {
  it('round-trips a file as an independent copy: writing to it leaves the blob intact', async () => {
    const { root, objects, state } = await setup();
    writeFileSync(join(root, 'model.bin'), 'weights v1');
    const out = await storeOut(objects, root, 'model.bin', state);
    expect(out).toEqual({ kind: 'file', hash: sha256Bytes('weights v1').hash, size: 10 });
    if (out.kind !== 'file') return;

    const dest = join(root, 'restored', 'model.bin');
    const result = await materialize(objects, { kind: 'file', hash: out.hash }, dest, state);
    expect(result).toEqual({ restored: 1, kept: 0, removed: 0 });
    expect(readFileSync(dest, 'utf8')).toBe('weights v1');
    expect(statSync(dest).ino).not.toBe(statSync(blobPath(objects, out.hash)).ino);
    expect(statSync(blobPath(objects, out.hash)).nlink).toBe(1); // not a hardlink either

    appendFileSync(dest, ' tampered');
    writeFileSync(dest, 'overwritten');
    expect((await objects.get(out.hash)).toString()).toBe('weights v1');
  });

  it('records restored files so the next check reads nothing, and keeps them on a second restore', async () => {
    const { root, objects, state } = await setup();
    const dir = join(root, 'features');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    for (let i = 0; i < 10; i++) writeFileSync(join(dir, i % 2 ? 'sub' : '', `f${i}.txt`), `feature ${i}`);
    const out = await storeOut(objects, root, 'features', state);
    if (out.kind !== 'directory') throw new Error('expected a directory');
    expect(out.hash).toBe((await objects.getManifest(out.hash)).hash);

    const restoredState = new HashState(':memory:');
    await materialize(objects, { kind: 'directory', hash: out.hash }, join(root, 'copy'), restoredState);
    const misses = restoredState.counters.misses;
    expect(await hashPath(root, 'copy', restoredState)).toEqual(out);
    expect(restoredState.counters.misses).toBe(misses); // every file was a hit

    const again = await materialize(objects, { kind: 'directory', hash: out.hash }, join(root, 'copy'), restoredState);
    expect(again).toEqual({ restored: 0, kept: 10, removed: 0 });
  });

  it('makes a folder exactly the manifest: extra files, links and folders are removed', async () => {
    const { root, objects, state } = await setup();
    const src = join(root, 'out');
    mkdirSync(join(src, 'a'), { recursive: true });
    writeFileSync(join(src, 'a', 'keep.txt'), 'keep');
    writeFileSync(join(src, 'top.txt'), 'top');
    writeFileSync(join(src, 'dir-in-dest'), 'a file here');
    const out = await storeOut(objects, root, 'out', state);
    if (out.kind !== 'directory') throw new Error('expected a directory');

    const dest = join(root, 'dest');
    mkdirSync(join(dest, 'a', 'stale-folder'), { recursive: true });
    mkdirSync(join(dest, 'dir-in-dest'), { recursive: true }); // a folder where the manifest has a file
    writeFileSync(join(dest, 'dir-in-dest', 'x'), 'x');
    writeFileSync(join(dest, 'a', 'stale-folder', 'old.txt'), 'old');
    writeFileSync(join(dest, 'extra.txt'), 'extra');
    writeFileSync(join(dest, 'top.txt'), 'stale content');
    writeFileSync(join(root, 'outside.txt'), 'outside');
    symlinkSync(join(root, 'outside.txt'), join(dest, 'a', 'keep.txt')); // must be replaced, not written through

    const result = await materialize(objects, { kind: 'directory', hash: out.hash }, dest, state);
    expect(listTree(dest)).toEqual({ 'a/keep.txt': 'keep', 'top.txt': 'top', 'dir-in-dest': 'a file here' });
    expect(readFileSync(join(root, 'outside.txt'), 'utf8')).toBe('outside');
    expect(result).toEqual({ restored: 3, kept: 0, removed: 4 });
    expect(await hashPath(root, 'dest', state)).toEqual(out);
  });

  it('replaces a folder with a file out, and restores through stores that are not LocalObjectStore', async () => {
    const { root, objects, state } = await setup();
    writeFileSync(join(root, 'metrics.json'), '{"acc":0.9}');
    const out = await storeOut(opaque(objects), root, 'metrics.json', state);
    if (out.kind !== 'file') throw new Error('expected a file');
    const dest = join(root, 'was-a-folder');
    mkdirSync(join(dest, 'x'), { recursive: true });
    const store = opaque(objects);
    const getToFile = vi.spyOn(objects, 'getToFile');
    expect(await materialize(store, { kind: 'file', hash: out.hash }, dest, state)).toMatchObject({ restored: 1, removed: 1 });
    expect(getToFile).toHaveBeenCalledTimes(1);
    expect(readFileSync(dest, 'utf8')).toBe('{"acc":0.9}');
  });

  it('does not re-read or re-store unchanged files', async () => {
    const { root, objects, state } = await setup();
    const dir = join(root, 'data');
    mkdirSync(dir);
    const paths = Array.from({ length: 12 }, (_, i) => join(dir, `${i}.txt`));
    for (const p of paths) writeFileSync(p, p);
    age(...paths);
    await storeOut(objects, root, 'data', state);
    const putFile = vi.spyOn(objects, 'putFile');
    const misses = state.counters.misses;
    writeFileSync(paths[3] as string, 'changed');
    age(paths[3] as string);
    await storeOut(objects, root, 'data', state);
    expect(state.counters.misses - misses).toBe(1);
    expect(putFile).toHaveBeenCalledTimes(1);
  });

  it('refuses a corrupt blob without touching the destination', async () => {
    const { root, objects, state } = await setup();
    const ref = await objects.put('precious bytes');
    writeFileSync(blobPath(objects, ref.hash), 'precious BYTES'); // bit rot, same size
    const dest = join(root, 'dest.bin');
    writeFileSync(dest, 'previous');
    await expectCode(materialize(objects, { kind: 'file', hash: ref.hash }, dest, state), 'DATA_CORRUPTION');
    expect(readFileSync(dest, 'utf8')).toBe('previous');
    expect(readdirSync(root).filter((n) => n.includes('slipway-tmp'))).toEqual([]);
  });

  it('reports a missing blob, and a missing out as missing', async () => {
    const { root, objects, state } = await setup();
    const absent = { kind: 'file', hash: 'c'.repeat(64) } as const;
    await expectCode(materialize(objects, absent, join(root, 'x'), state), 'RESOURCE_DOES_NOT_EXIST');
    expect(existsSync(join(root, 'x'))).toBe(false);
    expect(await storeOut(objects, root, 'never-written', state)).toEqual({ kind: 'missing' });
  });

  it('leaves a folder untouched when the cache lacks some of its blobs', async () => {
    const { root, objects, state } = await setup();
    mkdirSync(join(root, 'out'));
    writeFileSync(join(root, 'out', 'a.txt'), 'a');
    writeFileSync(join(root, 'out', 'b.txt'), 'b');
    const out = await storeOut(objects, root, 'out', state);
    if (out.kind !== 'directory') throw new Error('expected a directory');
    await objects.delete(sha256Bytes('b').hash); // e.g. garbage-collected
    const dest = join(root, 'dest');
    mkdirSync(dest);
    writeFileSync(join(dest, 'mine.txt'), 'keep me');
    const restore = materialize(objects, { kind: 'directory', hash: out.hash }, dest, state);
    const err = await expectCode(restore, 'RESOURCE_DOES_NOT_EXIST');
    expect(err.message).toMatch(/1 of its files/);
    expect(listTree(dest)).toEqual({ 'mine.txt': 'keep me' });
  });
});
