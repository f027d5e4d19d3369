import { type Store, openStore } from '../store/index.js';

/** Opens the located store for one command and always closes it, even when the command throws. */
export async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
