import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { invalid, notFound } from '../errors.js';
import { withOps } from './with-store.js';

/** Where a command's `--model` points: a .onnx file, or a registry version's bytes. */
export interface ModelSource {
  /** The .onnx bytes (registry), or the file's path (loadOnnx reads it). */
  readonly source: Uint8Array | string;
  /** The registered name, or the file name without `.onnx`. */
  readonly name: string;
  /** The registered version; undefined for a plain file. */
  readonly version: string | undefined;
}

/**
 * Resolves `--model`: `models:/NAME/VERSION` or `models:/NAME@ALIAS` through the located store, or
 * the server SLIPWAY_TRACKING_URI names (bytes verified by hash; the version must be a single file),
 * anything else as a file path.
 * `command` names the caller in the folder-version error.
 */
export async function resolveModelSource(ref: string, command: string): Promise<ModelSource> {
  if (!ref.startsWith('models:/')) {
    const st = await stat(ref).catch(() => undefined);
    if (!st?.isFile()) throw notFound(`Model file ${ref} does not exist.`, { file: ref });
    return { source: ref, name: basename(ref).replace(/\.onnx$/, ''), version: undefined };
  }
  return withOps(async (ops) => {
    const mv = await ops.resolveModel(ref);
    if (mv.blob.kind !== 'file') throw invalid(`${ref} is a folder; ${command} needs a single .onnx file version.`);
    return { source: await ops.modelBytes(mv), name: mv.name, version: mv.version };
  });
}
