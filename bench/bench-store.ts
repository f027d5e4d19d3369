import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Store, openStore } from '../src/store/index.js';

/** A throw-away embedded store in a temp folder. */
export async function benchStore(): Promise<{ store: Store; dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-'));
  const store = await openStore({ location: { home: dir, databaseUrl: `sqlite:${join(dir, 'slipway.db')}`, artifacts: join(dir, 'objects') }, actor: 'bench' });
  return { store, dir, dispose: async () => { await store.close(); await rm(dir, { recursive: true, force: true }); } };
}
