import { SlipwayError } from '../../errors.js';
import { getModelVersion } from '../../registry/index.js';
import type { Store } from '../../store/index.js';
import { createInferenceModel, type InferenceModel } from '../inference-model.js';
import type { MicroBatcherOptions } from '../micro-batcher.js';
import type { ModelRef } from './deployment-spec.js';
import { parseSmokeCases, type SmokeCases } from './smoke-test.js';

/** Loads a registered version's ONNX bytes (verified by hash on read) into a servable model. */
export async function loadVersion(store: Store, ref: ModelRef, batching?: MicroBatcherOptions | false, offloadMinRows?: number | false): Promise<InferenceModel> {
  const mv = await getModelVersion(store, ref.model, ref.version);
  if (mv.blob.kind !== 'file') throw new SlipwayError('INVALID_PARAMETER_VALUE', `${ref.model} version ${ref.version} is a folder; serving needs a single .onnx file`);
  const bytes = await store.objects.get(mv.blob.hash);
  return createInferenceModel({
    name: mv.name, version: mv.version, source: bytes, ...(batching === undefined ? {} : { batching }), ...(offloadMinRows === undefined ? {} : { offloadMinRows }),
  });
}

export async function loadSmokeCases(store: Store, hash: string): Promise<SmokeCases> {
  return parseSmokeCases((await store.objects.get(hash)).toString('utf8'), `smoke cases ${hash.slice(0, 12)}`);
}
