import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRun,
  deleteArtifact,
  downloadArtifact,
  listAllArtifacts,
  listArtifacts,
  logArtifact,
  openArtifact,
  putArtifact,
} from '../../src/tracking/index.js';
import { BACKENDS } from '../backends.js';
import { createTestStore, expectCode, type TestStore } from '../helpers/test-store.js';

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`metadata store artifacts: ${backend.name}`, () => {
    let t: TestStore;
    let src: string;
    let runId: string;
    const model = randomBytes(70_000);
    const a = Buffer.from('alpha\n');
    const b = Buffer.from('bravo bravo\n');

    beforeAll(async () => {
      t = await createTestStore(backend);
      src = await mkdtemp(join(tmpdir(), 'slipway-art-'));
      await writeFile(join(src, 'model.bin'), model);
      await mkdir(join(src, 'data', 'sub'), { recursive: true });
      await writeFile(join(src, 'data', 'a.txt'), a);
      await writeFile(join(src, 'data', 'sub', 'b.txt'), b);
      runId = (await createRun(t.store)).info.run_id;
    });
    afterAll(async () => {
      await t?.dispose();
      await rm(src, { recursive: true, force: true });
    });

    it('logs a file and a folder, and lists the root and subfolders with is_dir and sizes', async () => {
      expect(await logArtifact(t.store, runId, join(src, 'model.bin'))).toEqual([
        { path: 'model.bin', is_dir: false, file_size: model.length, hash: sha256(model) },
      ]);
      const logged = await logArtifact(t.store, runId, join(src, 'data'));
      expect(logged).toEqual([
        { path: 'data/a.txt', is_dir: false, file_size: a.length, hash: sha256(a) },
        { path: 'data/sub/b.txt', is_dir: false, file_size: b.length, hash: sha256(b) },
      ]);
      expect(await listArtifacts(t.store, runId)).toEqual([
        { path: 'data', is_dir: true },
        { path: 'model.bin', is_dir: false, file_size: model.length, hash: sha256(model) },
      ]);
      expect(await listArtifacts(t.store, runId, 'data')).toEqual([
        { path: 'data/a.txt', is_dir: false, file_size: a.length, hash: sha256(a) },
        { path: 'data/sub', is_dir: true },
      ]);
      expect(await listArtifacts(t.store, runId, 'data/sub/')).toEqual([
        { path: 'data/sub/b.txt', is_dir: false, file_size: b.length, hash: sha256(b) },
      ]);
      expect(await listArtifacts(t.store, runId, 'model.bin')).toEqual([]);
      expect(await listArtifacts(t.store, runId, 'nowhere')).toEqual([]);
      // Under an artifact path.
      await logArtifact(t.store, runId, join(src, 'data', 'a.txt'), 'nested/deeper');
      expect(await listArtifacts(t.store, runId, 'nested')).toEqual([{ path: 'nested/deeper', is_dir: true }]);
    });

    it('downloads a file and a folder byte-identical', async () => {
      const out = await mkdtemp(join(tmpdir(), 'slipway-art-out-'));
      try {
        expect(await downloadArtifact(t.store, runId, 'model.bin', join(out, 'm.bin'))).toEqual({ kind: 'file', files: 1 });
        expect((await readFile(join(out, 'm.bin'))).equals(model)).toBe(true);
        expect(await downloadArtifact(t.store, runId, 'data', join(out, 'data'))).toEqual({ kind: 'directory', files: 2 });
        expect((await readFile(join(out, 'data', 'a.txt'))).equals(a)).toBe(true);
        expect((await readFile(join(out, 'data', 'sub', 'b.txt'))).equals(b)).toBe(true);
        expect((await readdir(join(out, 'data'))).sort()).toEqual(['a.txt', 'sub']);
        const opened = await openArtifact(t.store, runId, 'data/sub/b.txt');
        const chunks: Buffer[] = [];
        for await (const c of opened.stream) chunks.push(c as Buffer);
        expect(Buffer.concat(chunks).equals(b)).toBe(true);
        expect(opened.size).toBe(b.length);
        await expectCode(downloadArtifact(t.store, runId, 'missing.bin', join(out, 'x')), 'RESOURCE_DOES_NOT_EXIST');
        await expectCode(openArtifact(t.store, runId, 'data'), 'INVALID_PARAMETER_VALUE');
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    });

    it('puts bytes, strings and streams at exact paths; re-putting a path replaces it', async () => {
      expect(await putArtifact(t.store, runId, 'plots/loss.txt', 'hello')).toEqual({
        path: 'plots/loss.txt',
        is_dir: false,
        file_size: 5,
        hash: sha256('hello'),
      });
      const bytes = randomBytes(1000);
      await putArtifact(t.store, runId, 'plots/raw.bin', bytes);
      await putArtifact(t.store, runId, 'plots/stream.txt', Readable.from([Buffer.from('str'), Buffer.from('eam')]));
      await putArtifact(t.store, runId, 'plots/loss.txt', 'hello again');
      expect(await listArtifacts(t.store, runId, 'plots')).toEqual([
        { path: 'plots/loss.txt', is_dir: false, file_size: 11, hash: sha256('hello again') },
        { path: 'plots/raw.bin', is_dir: false, file_size: 1000, hash: sha256(bytes) },
        { path: 'plots/stream.txt', is_dir: false, file_size: 6, hash: sha256('stream') },
      ]);
      expect(await t.store.objects.get(sha256(bytes))).toEqual(bytes);
      await expectCode(putArtifact(t.store, runId, '', 'x'), 'INVALID_PARAMETER_VALUE');
    });

    it('deletes a file or a folder from the run', async () => {
      expect(await deleteArtifact(t.store, runId, 'plots/raw.bin')).toBe(1);
      expect(await deleteArtifact(t.store, runId, 'plots')).toBe(2);
      expect((await listArtifacts(t.store, runId)).map((e) => e.path)).toEqual(['data', 'model.bin', 'nested']);
      await expectCode(deleteArtifact(t.store, runId, 'plots'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(deleteArtifact(t.store, runId, '/'), 'INVALID_PARAMETER_VALUE');
      // A path that is only a prefix of a name is not a folder: 'dat' must not delete 'data/...'.
      await expectCode(deleteArtifact(t.store, runId, 'dat'), 'RESOURCE_DOES_NOT_EXIST');
      expect((await listAllArtifacts(t.store, runId)).map((e) => e.path)).toEqual([
        'data/a.txt',
        'data/sub/b.txt',
        'model.bin',
        'nested/deeper/a.txt',
      ]);
    });

    it('treats % and _ in artifact names as plain characters', async () => {
      const id = (await createRun(t.store)).info.run_id;
      await putArtifact(t.store, id, 'a_b/x.txt', '1');
      await putArtifact(t.store, id, 'axb/y.txt', '2');
      await putArtifact(t.store, id, '100%/z.txt', '3');
      expect((await listArtifacts(t.store, id, 'a_b')).map((e) => e.path)).toEqual(['a_b/x.txt']);
      expect((await listArtifacts(t.store, id, '100%')).map((e) => e.path)).toEqual(['100%/z.txt']);
      expect(await deleteArtifact(t.store, id, 'a_b')).toBe(1);
      expect((await listAllArtifacts(t.store, id)).map((e) => e.path)).toEqual(['100%/z.txt', 'axb/y.txt']);
    });

    it('rejects path traversal with INVALID_PARAMETER_VALUE', async () => {
      const file = join(src, 'model.bin');
      const out = join(src, 'never-written');
      for (const bad of ['../x', 'a/../../x', 'a/./b', '..', 'a\\..\\b', 'a\0b']) {
        await expectCode(putArtifact(t.store, runId, bad, 'x'), 'INVALID_PARAMETER_VALUE');
        await expectCode(logArtifact(t.store, runId, file, bad), 'INVALID_PARAMETER_VALUE');
        await expectCode(listArtifacts(t.store, runId, bad), 'INVALID_PARAMETER_VALUE');
        await expectCode(downloadArtifact(t.store, runId, bad, out), 'INVALID_PARAMETER_VALUE');
        await expectCode(deleteArtifact(t.store, runId, bad), 'INVALID_PARAMETER_VALUE');
      }
      expect((await listAllArtifacts(t.store, runId)).map((e) => e.path)).toEqual([
        'data/a.txt',
        'data/sub/b.txt',
        'model.bin',
        'nested/deeper/a.txt',
      ]);
    });

    // MLflow's server refuses absolute artifact paths ("Invalid path"); the brief requires the same.
    // BUG (reported): normalizeArtifactPath strips leading '/', so '/etc/passwd' is accepted as 'etc/passwd'.
    it('rejects an absolute artifact path such as /etc/passwd', async () => {
      const id = (await createRun(t.store)).info.run_id;
      await expectCode(putArtifact(t.store, id, '/etc/passwd', 'root:x:0:0'), 'INVALID_PARAMETER_VALUE');
      await expectCode(logArtifact(t.store, id, join(src, 'model.bin'), '/etc'), 'INVALID_PARAMETER_VALUE');
      expect(await listAllArtifacts(t.store, id)).toEqual([]);
    });
  });
}
