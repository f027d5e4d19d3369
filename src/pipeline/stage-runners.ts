import type { PipelineSpec, StageSpec } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { TrackingClient } from '../tracking/index.js';

/** What a built-in stage kind (`uses: validate`, `train`, ...) gets when it runs. */
export interface StageRunContext {
  readonly spec: PipelineSpec;
  readonly stage: StageSpec;
  /** The project's store: its objects hold outs and models; tracking may be elsewhere (see `tracking`). */
  readonly store: Store;
  /** Where the stage's run lives: log its artifacts and metrics through this, not through `store`. */
  readonly tracking: TrackingClient;
  /** The stage's own tracking run. */
  readonly runId: string;
  /** The `slipway run` parent run. */
  readonly parentRunId: string;
  /** Stage params' values, by file and dotted key. */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Prints one line of the stage's output (prefixed and logged like a command's). */
  log(line: string): void;
  readonly signal: AbortSignal;
}

export interface StageRunResult {
  /** Logged to the stage's run as metrics. */
  readonly metrics?: Readonly<Record<string, number>>;
}

export type StageRunner = (ctx: StageRunContext) => Promise<StageRunResult | undefined>;

const runners = new Map<string, StageRunner>();

/** Built-in kinds register their runner next to their `with:` schema (see config's registerStageKind). */
export function registerStageRunner(kind: string, runner: StageRunner): void {
  runners.set(kind, runner);
}

export function getStageRunner(kind: string): StageRunner | undefined {
  return runners.get(kind);
}
