import { readFile } from 'node:fs/promises';
import { invalid, notFound } from '../errors.js';
import { type ModelVersion, resolveModelUri } from '../registry/index.js';
import type { Store } from '../store/index.js';
import { readModelFromOnnx, type TrainedModel } from '../train/index.js';

/** A model to evaluate: a file (.onnx exported by Slipway) or a registry URI. */
export interface LoadedModel {
  readonly model: TrainedModel;
  /** The registry version when the model came from `models:/…`. */
  readonly version: ModelVersion | undefined;
  /** What was asked for, for reports. */
  readonly ref: string;
}

/**
 * Loads a model for evaluation. A `models:/NAME/VERSION` or `models:/NAME@ALIAS` URI resolves through
 * the registry to the version's bytes (verified by hash on read); a folder version must hold exactly
 * one .onnx file. The model's exact description travels in the ONNX metadata.
 */
export async function loadModel(store: Store | undefined, ref: string): Promise<LoadedModel> {
  if (ref.startsWith('models:/')) {
    if (!store) throw invalid(`${ref} needs a Slipway store to resolve.`);
    const version = await resolveModelUri(store, ref);
    let hash = version.blob.hash;
    if (version.blob.kind === 'directory') {
      const manifest = await store.objects.getManifest(hash);
      const onnx = manifest.files.filter((f) => f.path.endsWith('.onnx'));
      if (onnx.length !== 1) throw invalid(`${ref} is a folder with ${onnx.length} .onnx files; expected exactly one.`);
      hash = (onnx[0] as { hash: string }).hash;
    }
    return { model: readModelFromOnnx(await store.objects.get(hash)), version, ref };
  }
  const bytes = await readFile(ref).catch(() => {
    throw notFound(`Model file ${ref} does not exist.`);
  });
  return { model: readModelFromOnnx(bytes), version: undefined, ref };
}
