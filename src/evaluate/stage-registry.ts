import {
  type AliasPolicy, createModelVersion, createRegisteredModel, hasRegisteredModel, type ModelVersion, promote, type RecordBlessingInput,
  recordBlessing, searchModelVersions, setAlias,
} from '../registry/index.js';
import type { StageRunContext } from '../pipeline/index.js';
import { type LoadedModel, loadModel } from './model-source.js';
import { remoteStageRegistry } from './remote-stage-registry.js';

/** What to register: a model file the pipeline produced. */
export interface RegisterFileOptions {
  /** The file's sha256 (the stage computed it already). */
  readonly sha256: string;
  /** The run whose outputs include these bytes (the training run), for lineage. */
  readonly producerRunId?: string;
  /** The registering stage's own run. */
  readonly stageRunId: string;
  readonly description?: string;
}

/**
 * The registry as the `register` and `gate` stage kinds use it. It follows the pipeline's tracking:
 * the local store's registry, or, when SLIPWAY_TRACKING_URI names a server, that server's (MLflow
 * registry routes and the native API), so a pipeline never splits its runs and its model versions
 * between two places. An operation the server cannot do yet fails with a message saying which and
 * why; nothing falls back to the local store.
 */
export interface StageRegistry {
  /** For messages: "the local store" or "the tracking server http://…". */
  readonly description: string;
  /** The version of `name` whose bytes are exactly `sha256`, if one is registered (and the model exists). */
  findVersionByHash(name: string, sha256: string): Promise<ModelVersion | undefined>;
  /** Creates the registered model unless it exists. */
  ensureModel(name: string): Promise<void>;
  /** Registers the file at `path` as a new version of `name`. */
  registerFile(name: string, path: string, options: RegisterFileOptions): Promise<ModelVersion>;
  /** Records a gate's verdict on a registered version, for the alias the gate was run for. */
  recordBlessing(name: string, version: string, input: RecordBlessingInput): Promise<void>;
  setAlias(name: string, alias: string, version: string, reason: string): Promise<void>;
  /** Moves `alias` when its policy is met; PERMISSION_DENIED says what is missing. */
  promote(name: string, version: string, alias: string, options: { reason: string; policy: AliasPolicy }): Promise<void>;
  /** A model by file path or `models:/` URI; RESOURCE_DOES_NOT_EXIST when no version matches the URI. */
  loadModel(ref: string): Promise<LoadedModel>;
}

/** The registry that goes with the stage's tracking. */
export function stageRegistry(ctx: StageRunContext): StageRegistry {
  const target = ctx.tracking.target;
  if (target.kind === 'remote') return remoteStageRegistry(target, ctx.tracking);
  const store = ctx.store;
  return {
    description: 'the local store',
    findVersionByHash: async (name, sha256) => {
      if (!(await hasRegisteredModel(store, name))) return undefined;
      return (await searchModelVersions(store, { name })).find((v) => v.blob.kind === 'file' && v.blob.hash === sha256);
    },
    ensureModel: async (name) => {
      if (!(await hasRegisteredModel(store, name))) await createRegisteredModel(store, name);
    },
    registerFile: (name, path, o) => createModelVersion(store, name, {
      source: path, ...(o.producerRunId ? { runId: o.producerRunId } : {}), ...(o.description ? { description: o.description } : {}),
    }),
    recordBlessing: async (name, version, input) => {
      await recordBlessing(store, name, version, input);
    },
    setAlias: async (name, alias, version, reason) => {
      await setAlias(store, name, alias, version, { reason });
    },
    promote: async (name, version, alias, options) => {
      await promote(store, name, version, alias, options);
    },
    loadModel: (ref) => loadModel(store, ref),
  };
}
