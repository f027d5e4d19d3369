import { writeFile } from 'node:fs/promises';
import { VERSION } from '../version.js';
import type { TrainedModel } from './model-types.js';
import { exportOnnx } from './onnx/index.js';

/** Writes a trained model as a standalone ONNX file (byte-identical for identical models). */
export async function writeModelOnnx(model: TrainedModel, path: string): Promise<{ bytes: number }> {
  const bytes = exportOnnx(model, { producerVersion: VERSION });
  await writeFile(path, bytes);
  return { bytes: bytes.length };
}
