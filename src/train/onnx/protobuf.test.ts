import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { attr, encodeAttribute, encodeTensor } from './onnx-proto.js';
import { fieldInt, fieldText, ProtobufError, readFields } from './protobuf-reader.js';
import { ProtoWriter } from './protobuf-writer.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ProtoWriter', () => {
  it('encodes varints, strings and fixed-width numbers as the protobuf encoding guide shows', () => {
    expect(hex(new ProtoWriter().varint(1, 150).finish())).toBe('089601');
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('120774657374696e67');
    expect(hex(new ProtoWriter().float(2, 1).finish())).toBe('150000803f');
    expect(hex(new ProtoWriter().double(1, 1).finish())).toBe('09000000000000f03f');
  });

  it('encodes negative int64 as ten bytes of two’s complement', () => {
    expect(hex(new ProtoWriter().varint(1, -1).finish())).toBe('08ffffffffffffffffff01');
    const [f] = readFields(new ProtoWriter().varint(3, -7).finish());
    expect(f && fieldInt(f)).toBe(-7);
  });

  it('packs repeated numbers and omits empty lists', () => {
    expect(hex(new ProtoWriter().packedVarints(4, [3, 270, 86942]).finish())).toBe('2206038e029ea705');
    expect(new ProtoWriter().packedVarints(4, []).packedFloats(5, []).finish().length).toBe(0);
  });

  it('writes NaN as the one canonical quiet NaN whatever its payload', () => {
    const weird = new DataView(new ArrayBuffer(4));
    weird.setUint32(0, 0x7fa00001, true);
    expect(hex(new ProtoWriter().float(1, weird.getFloat32(0, true)).finish())).toBe('0d0000c07f');
    expect(hex(new ProtoWriter().float(1, Number.NaN).finish())).toBe('0d0000c07f');
  });

  it('refuses integers it cannot represent exactly', () => {
    expect(() => new ProtoWriter().varint(1, 0.5)).toThrow(/safe integer/);
    expect(() => new ProtoWriter().varint(0, 1)).toThrow(/field number/);
  });
});

describe('readFields', () => {
  it('reads back what the writer wrote', () => {
    const bytes = new ProtoWriter()
      .varint(1, 8)
      .string(2, 'héllo')
      .message(7, (m) => m.varint(1, 1))
      .float(9, 0.5)
      .double(10, 0.25)
      .finish();
    const fields = readFields(bytes);
    expect(fields.map((f) => [f.field, f.wireType])).toEqual([
      [1, 0],
      [2, 2],
      [7, 2],
      [9, 5],
      [10, 1],
    ]);
    expect(fieldText(fields[1] as never)).toBe('héllo');
  });

  it('reports truncation and garbage instead of returning partial fields', () => {
    expect(() => readFields(Uint8Array.from([0x08]))).toThrow(ProtobufError);
    expect(() => readFields(Uint8Array.from([0x12, 0x05, 0x61]))).toThrow(/runs past the end/);
    expect(() => readFields(Uint8Array.from([0x0b]))).toThrow(/wire type 3/);
    expect(() => fieldText({ field: 1, wireType: 2, value: Uint8Array.from([0xff]) })).toThrow(/UTF-8/);
  });
});

describe('ONNX message encoding', () => {
  it('gives attributes their type discriminator (field 20) after the value', () => {
    const bytes = encodeAttribute('axis', attr.int(1));
    expect(readFields(bytes).map((f) => [f.field, f.wireType === 0 ? Number(f.value) : null])).toEqual([
      [1, null],
      [3, 1],
      [20, 2],
    ]);
  });

  it('refuses a tensor whose values do not fill its dims', () => {
    expect(() => encodeTensor({ name: 't', dataType: 'float', dims: [2, 2], values: [1, 2, 3] })).toThrow(/hold 4 values, got 3/);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level, drops undefined properties and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: undefined, e: 'x' } })).toBe('{"a":{"d":[3,1],"e":"x"},"b":1}');
  });

  it('refuses non-finite numbers instead of writing null', () => {
    expect(() => canonicalJson({ w: [1, Number.POSITIVE_INFINITY] })).toThrow(/non-finite number Infinity at \$\.w\[1\]/);
  });
});
