import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../errors.js';
import { exportOnnx, loadOnnx, readModelFromOnnx, readOnnxMetadata } from './index.js';
import { encodeModel } from './onnx-proto.js';
import { gbdtBinary, ridgeRegression } from './test-fixtures.js';

function errorOf(fn: () => unknown): SlipwayError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SlipwayError);
    return err as SlipwayError;
  }
  throw new Error('expected an error');
}

/** A valid ONNX model (an Identity) that Slipway did not export, with optional metadata. */
function foreignOnnx(metadata: [string, string][] = []): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'someone-else',
    producerVersion: '1',
    metadata,
    graph: {
      name: 'identity',
      nodes: [{ name: 'id', opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
      initializers: [],
      inputs: [{ name: 'x', elemType: 'float', shape: ['N', 1] }],
      outputs: [{ name: 'y', elemType: 'float', shape: ['N', 1] }],
    },
  });
}

describe('readModelFromOnnx', () => {
  it('reads metadata of any ONNX file', () => {
    expect(readOnnxMetadata(foreignOnnx([['author', 'x']]))).toEqual({ author: 'x' });
  });

  it('says a foreign ONNX file is not a Slipway-exported model', () => {
    expect(errorOf(() => readModelFromOnnx(foreignOnnx())).message).toMatch(/not a Slipway-exported model/);
    expect(errorOf(() => readModelFromOnnx(foreignOnnx([['slipway.model', '{oops']]))).message).toMatch(
      /not a Slipway-exported model: 'slipway.model' is not JSON/,
    );
    expect(errorOf(() => readModelFromOnnx(foreignOnnx([['slipway.model', '{"format":"other"}']]))).message).toMatch(
      /has format "other"/,
    );
  });

  it('says corrupted or non-ONNX bytes are not a valid ONNX file', () => {
    const good = exportOnnx(gbdtBinary());
    expect(errorOf(() => readModelFromOnnx(good.subarray(0, good.length - 7))).message).toMatch(/not a valid ONNX file/);
    expect(errorOf(() => readModelFromOnnx(new TextEncoder().encode('{"format":"slipway.model/v1"}'))).message).toMatch(
      /not a valid ONNX file/,
    );
    expect(errorOf(() => readModelFromOnnx(new Uint8Array(0))).message).toMatch(/not a valid ONNX file/);
    const flipped = good.slice();
    flipped[0] = 0x0f; // ir_version's tag with wire type 7, which does not exist
    expect(errorOf(() => readModelFromOnnx(flipped)).message).toMatch(/not a valid ONNX file/);
  });

  it('loadOnnx refuses a foreign file before onnxruntime runs it', async () => {
    await expect(loadOnnx(foreignOnnx())).rejects.toThrow(/not a Slipway-exported model/);
    await expect(loadOnnx(Uint8Array.from([1, 2, 3]))).rejects.toThrow(/not a valid ONNX file/);
  });

  it('loadOnnx reports missing or mismatched columns', async () => {
    const predictor = await loadOnnx(exportOnnx(ridgeRegression()));
    try {
      await expect(predictor.run({ age: [1] })).rejects.toThrow(/missing input column 'income'/);
      const cols = { age: [1, 2], income: [1], score: [1, 2], color: ['red', 'red'], flag: [true, false] };
      await expect(predictor.run(cols)).rejects.toThrow(/column 'income' has 1 values, expected 2/);
      await expect(predictor.run({ ...cols, income: ['abc', 2] })).rejects.toThrow(
        /column 'income' is numeric in the model, but row 0 holds "abc"/,
      );
    } finally {
      await predictor.close();
    }
  });
});
