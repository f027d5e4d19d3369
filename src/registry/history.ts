import type { Store } from '../store/index.js';
import type { ModelTransition } from './types.js';

export interface HistoryOptions {
  /** Only this alias or stage. */
  target?: string;
}

/** Every alias move and stage transition of a model, oldest first: which version held what, when, and why. */
export async function modelHistory(store: Store, name: string, options: HistoryOptions = {}): Promise<ModelTransition[]> {
  let q = store.db.selectFrom('model_transitions').selectAll().where('name', '=', name);
  if (options.target) q = q.where('target', '=', options.target);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({
    id: Number(r.id), name: r.name, kind: r.kind as ModelTransition['kind'], target: r.target,
    version: r.version === null ? null : String(r.version),
    previous_version: r.previous_version === null ? null : String(r.previous_version),
    actor: r.actor, reason: r.reason, time: Number(r.time),
  }));
}

/** Which version held `alias` at time `at` (epoch ms), from the history; undefined if none did. */
export async function aliasAt(store: Store, name: string, alias: string, at: number): Promise<string | undefined> {
  const moves = (await modelHistory(store, name, { target: alias })).filter((m) => m.kind === 'alias' && m.time <= at);
  return moves.at(-1)?.version ?? undefined;
}
