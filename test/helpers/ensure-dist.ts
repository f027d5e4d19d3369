import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(): string[] {
  return readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(ROOT, 'src', f));
}

function distIsFresh(): boolean {
  return sources().every((src) => {
    const out = join(ROOT, 'dist', relative(ROOT, src)).replace(/\.ts$/, '.js');
    return existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs;
  });
}

/**
 * Tests that spawn `bin/slipway.js` need dist/ as fresh as src/. It is rebuilt only when a source is
 * newer than its output; a lock folder (mkdir is atomic) keeps test files building at once from
 * interleaving, and freshness is checked again once the lock is ours. Type errors elsewhere do not block emit.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), 'slipway-dist-build.lock');
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 300_000) rmSync(lock, { recursive: true, force: true });
      if (i > 1800) throw new Error(`${lock} held for more than 3 minutes`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if (distIsFresh()) return;
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const res = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    if (!distIsFresh()) throw new Error(`build failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
