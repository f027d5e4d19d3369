import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore, sha256Bytes } from './index.js';

// Real crashes and real cross-process races need real processes: these tests spawn `node` children.

const here = dirname(fileURLToPath(import.meta.url));

const scratch: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-objects-crash-'));
  scratch.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function listAll(store: LocalObjectStore): Promise<string[]> {
  const hashes: string[] = [];
  for await (const hash of store.list()) hashes.push(hash);
  return hashes;
}

/** Same formula as CHILD_PUT, so parent and children put identical content. */
function patternBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 13)) % 251;
  return bytes;
}

describe('LocalObjectStore crash safety and concurrency (child processes)', () => {
  let moduleUrl = '';
  let scriptDir = '';

  // Children run the real store code: transpile the TS sources (no tsx in this project) into a temp ESM tree.
  beforeAll(async () => {
    scriptDir = await tempDir();
    const srcRoot = resolve(here, '..', '..');
    const sources = ['errors.ts'];
    for (const name of await readdir(here)) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts')) sources.push(`store/objects/${name}`);
    }
    for (const rel of sources) {
      const { outputText } = ts.transpileModule(await readFile(join(srcRoot, rel), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
        fileName: rel,
      });
      const out = join(scriptDir, 'lib', rel.replace(/\.ts$/, '.js'));
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, outputText);
    }
    await writeFile(join(scriptDir, 'lib', 'package.json'), '{"type":"module"}');
    moduleUrl = pathToFileURL(join(scriptDir, 'lib', 'store', 'objects', 'index.js')).href;
    await writeFile(join(scriptDir, 'slow-put.mjs'), CHILD_SLOW_PUT);
    await writeFile(join(scriptDir, 'put.mjs'), CHILD_PUT);
  });

  function runChild(script: string, args: string[]) {
    const child = spawn(process.execPath, [join(scriptDir, script), moduleUrl, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((ok) =>
      child.on('close', (code, signal) => ok({ code, signal, stdout, stderr })),
    );
    return { child, exited };
  }

  it('a writer killed mid-write leaves no visible blob, and a later put succeeds', async () => {
    const root = await tempDir();
    const store = new LocalObjectStore(root);
    const chunks = 100;
    const { child, exited } = runChild('slow-put.mjs', [root, String(chunks)]);

    // Wait until the child has demonstrably written part of the content to its temp file, then kill it.
    try {
      const deadline = Date.now() + 15_000;
      let written = 0;
      while (written < 3 * 65536) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('child never wrote a partial temp file');
        await new Promise((r) => setTimeout(r, 20));
        const temps = await readdir(join(root, 'tmp')).catch(() => []);
        written = temps.length === 1 ? (await stat(join(root, 'tmp', temps[0] as string))).size : 0;
      }
    } finally {
      child.kill('SIGKILL');
    }
    const result = await exited;
    expect(result.stderr).toBe('');
    expect(result.signal).toBe('SIGKILL');

    expect(await listAll(store)).toEqual([]);
    expect(await readdir(join(root, 'sha256')).catch(() => [])).toEqual([]);
    expect(await store.cleanTemp(60 * 60 * 1000)).toBe(0);
    expect(await store.cleanTemp(0)).toBe(1);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);

    const full = Buffer.concat(Array.from({ length: chunks }, (_, i) => Buffer.alloc(65536, i % 256)));
    const ref = await store.put(full);
    expect(ref).toEqual(sha256Bytes(full));
    expect((await store.get(ref.hash)).equals(full)).toBe(true);
  });

  it('concurrent writers of the same content, in and across processes, all succeed with one blob', async () => {
    const root = await tempDir();
    const store = new LocalObjectStore(root);
    const size = 5 * 1024 * 1024;
    const data = patternBytes(size);
    const expected = sha256Bytes(data);

    const children = Array.from({ length: 4 }, () => runChild('put.mjs', [root, String(size)]));
    const local = await Promise.all(Array.from({ length: 16 }, () => store.put(data)));
    const remote = await Promise.all(children.map((c) => c.exited));

    for (const ref of local) expect(ref).toEqual(expected);
    for (const result of remote) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(expected);
    }
    expect(await listAll(store)).toEqual([expected.hash]);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect((await store.get(expected.hash)).equals(data)).toBe(true);
  });
});

/** Streams `chunks` 64 KiB chunks, one every 50 ms, into the store: slow enough to be killed mid-write. */
const CHILD_SLOW_PUT = `
import { Readable } from 'node:stream';
const [moduleUrl, root, chunks] = process.argv.slice(2);
const { LocalObjectStore } = await import(moduleUrl);
let i = 0;
const stream = new Readable({
  read() {
    if (i === Number(chunks)) return void this.push(null);
    const chunk = Buffer.alloc(65536, i % 256);
    i++;
    setTimeout(() => this.push(chunk), 50);
  },
});
process.stdout.write(JSON.stringify(await new LocalObjectStore(root).putStream(stream)));
`;

/** Puts the same deterministic bytes as patternBytes() and prints the ref. */
const CHILD_PUT = `
const [moduleUrl, root, size] = process.argv.slice(2);
const { LocalObjectStore } = await import(moduleUrl);
const bytes = Buffer.alloc(Number(size));
for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 13)) % 251;
process.stdout.write(JSON.stringify(await new LocalObjectStore(root).put(bytes)));
`;
