/**
 * Registry of built-in stage kinds (`uses: train` + `with:`). Each kind is a small module that calls
 * `registerStageKind` once; the loader only needs its name and the zod schema of its `with:` arguments,
 * so loading a spec never imports executors.
 */
import type { z } from 'zod';
import { alreadyExists, invalid } from '../errors.js';

export interface StageKind {
  /** The value written after `uses:`. */
  readonly name: string;
  /** One line for `slipway stages kinds` and for error messages. */
  readonly describe: string;
  /** Validates (and may default or transform) the stage's `with:` mapping. */
  readonly schema: z.ZodType;
  /**
   * Files the kind reads and writes, from its parsed `with:` (paths relative to the stage's wdir). They
   * join the stage's own deps/outs/metrics, so caching and the DAG see them without the user listing
   * them twice.
   */
  readonly paths?: (args: Readonly<Record<string, unknown>>) => KindPaths;
  /**
   * The kind depends on state outside the workspace (a gate compares with whatever holds @production
   * now), so its stages re-run every time unless the stage says `always_changed: false`.
   * @default false
   */
  readonly alwaysChanged?: boolean;
}

export interface KindPaths {
  readonly deps?: readonly string[];
  readonly outs?: readonly string[];
  readonly metrics?: readonly string[];
}

const kinds = new Map<string, StageKind>();

const KIND_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Registers a kind. Returns a function that removes it again, so tests can register a fake kind and
 * clean up without a reset hook that production code could misuse.
 */
export function registerStageKind(kind: StageKind): () => void {
  if (!KIND_NAME.test(kind.name)) {
    throw invalid(`stage kind name '${kind.name}' must be lowercase letters, digits and '-'`, { kind: kind.name });
  }
  if (kinds.has(kind.name)) throw alreadyExists(`stage kind '${kind.name}' is already registered`, { kind: kind.name });
  kinds.set(kind.name, kind);
  return () => {
    // Only remove the registration this call made, not a later one under the same name.
    if (kinds.get(kind.name) === kind) kinds.delete(kind.name);
  };
}

export function getStageKind(name: string): StageKind | undefined {
  return kinds.get(name);
}

/** Sorted by name so messages and listings are stable. */
export function listStageKinds(): readonly StageKind[] {
  return [...kinds.values()].sort((a, b) => a.name.localeCompare(b.name));
}
