import { createHash } from 'node:crypto';
import type { StageSpec } from '../config/index.js';

/**
 * A stage's cache key: sha256 over its command (or built-in kind and arguments), its deps' content
 * hashes, its params' values and its out paths. Two runs with the same key produce the same outs, so
 * the run cache can hand back the earlier outs instead of running again.
 */
export function stageKey(
  stage: StageSpec,
  deps: readonly { path: string; hash: string }[],
  params: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): string {
  const canonical = {
    v: 1,
    cmd: stage.cmd,
    uses: stage.uses ? { kind: stage.uses.kind, with: sortKeys(stage.uses.with) } : null,
    // Only when set, so stages without `env:` keep the keys they had before env was part of the key.
    ...(Object.keys(stage.env).length ? { env: sortKeys(stage.env) } : {}),
    deps: [...deps].map((d) => [d.path, d.hash]).sort(),
    params: sortKeys(params),
    outs: [...stage.outs, ...stage.metrics, ...stage.plots].map((o) => o.path).sort(),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** JSON with object keys sorted at every depth, so equal values always serialise to equal text. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}
