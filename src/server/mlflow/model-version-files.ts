import type { Readable } from 'node:stream';
import { getModelVersion } from '../../registry/index.js';
import type { Store } from '../../store/index.js';
import { MlflowApiError } from './mlflow-errors.js';

/**
 * One file of a registered model version, read from the bytes the version pinned at registration
 * (its blob or directory manifest), not from the run's current artifacts: what a version serves
 * cannot change after it was registered.
 *
 * `path` is relative to the version's model folder; a version registered from a single file answers
 * to that file's name (or '').
 */
export async function openModelVersionFile(store: Store, name: string, version: string, path: string): Promise<{ stream: Readable; size: number }> {
  const mv = await getModelVersion(store, name, version);
  const where = `model version ${name}/${mv.version}`;
  if (mv.blob.kind === 'file') {
    const fileName = mv.source.replace(/\/+$/, '').split('/').pop() ?? '';
    if (path !== '' && path !== fileName) throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `No artifact at '${path}' in ${where}: it is the single file '${fileName}'.`);
    return { stream: await store.objects.openRead(mv.blob.hash), size: mv.blob.size };
  }
  const { files } = await store.objects.getManifest(mv.blob.hash);
  const file = files.find((f) => f.path === path);
  if (file) return { stream: await store.objects.openRead(file.hash), size: file.size };
  if (path === '' || files.some((f) => f.path.startsWith(`${path}/`))) {
    throw new MlflowApiError('INVALID_PARAMETER_VALUE', `'${path}' in ${where} is a folder, not a file.`);
  }
  throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `No artifact at '${path}' in ${where}.`);
}
