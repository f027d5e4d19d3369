/**
 * Typed descriptions of the ONNX messages Slipway writes (ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto and the types they nest) and their encoding, with the
 * field numbers of onnx/onnx.proto. Only what an inference graph of classical-ML operators needs:
 * no training info, functions, sparse tensors or external data.
 *
 * Every encoder writes fields in ascending field-number order and node attributes sorted by name,
 * so equal descriptions always give equal bytes.
 */
import { ProtoWriter } from './protobuf-writer.js';

/** TensorProto.DataType values used here. */
export const DataType = { float: 1, int64: 7, string: 8, double: 11 } as const;
export type ElemType = keyof typeof DataType;

/** AttributeProto.AttributeType values. */
const AttrType = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

export type AttributeValue =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: TensorSpec };

/** Shorthands for attribute values: `attr.ints([0, 1])`. */
export const attr = {
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
  floats: (value: readonly number[]): AttributeValue => ({ kind: 'floats', value }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value }),
  strings: (value: readonly string[]): AttributeValue => ({ kind: 'strings', value }),
  tensor: (value: TensorSpec): AttributeValue => ({ kind: 'tensor', value }),
};

export type TensorSpec =
  | {
      readonly name: string;
      readonly dataType: 'float' | 'double' | 'int64';
      readonly dims: readonly number[];
      readonly values: readonly number[];
    }
  | { readonly name: string; readonly dataType: 'string'; readonly dims: readonly number[]; readonly values: readonly string[] };

export interface NodeSpec {
  readonly name: string;
  readonly opType: string;
  /** '' (or absent) for ai.onnx, 'ai.onnx.ml' for the classical-ML operators. */
  readonly domain?: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A graph input or output: element type and shape, a dimension being a size or a symbolic name. */
export interface ValueInfoSpec {
  readonly name: string;
  readonly elemType: ElemType;
  readonly shape: readonly (number | string)[];
  readonly docString?: string;
}

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly TensorSpec[];
  readonly inputs: readonly ValueInfoSpec[];
  readonly outputs: readonly ValueInfoSpec[];
  readonly docString?: string;
}

export interface ModelSpec {
  readonly irVersion: number;
  readonly opsetImports: readonly { readonly domain: string; readonly version: number }[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly domain?: string;
  readonly modelVersion?: number;
  readonly docString?: string;
  readonly graph: GraphSpec;
  /** Written in this order: callers keep it fixed for reproducible bytes. */
  readonly metadata: readonly (readonly [string, string])[];
}

/** The ModelProto bytes of `spec`: the content of a .onnx file. */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, spec.irVersion); // ir_version
  w.string(2, spec.producerName);
  w.string(3, spec.producerVersion);
  if (spec.domain !== undefined) w.string(4, spec.domain);
  if (spec.modelVersion !== undefined) w.varint(5, spec.modelVersion);
  if (spec.docString !== undefined) w.string(6, spec.docString);
  w.bytes(7, encodeGraph(spec.graph));
  for (const op of spec.opsetImports) {
    // OperatorSetIdProto: domain = 1, version = 2.
    w.message(8, (m) => m.string(1, op.domain).varint(2, op.version));
  }
  for (const [key, value] of spec.metadata) {
    // StringStringEntryProto: key = 1, value = 2.
    w.message(14, (m) => m.string(1, key).string(2, value));
  }
  return w.finish();
}

export function encodeGraph(g: GraphSpec): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.bytes(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.bytes(5, encodeTensor(t));
  if (g.docString !== undefined) w.string(10, g.docString);
  for (const v of g.inputs) w.bytes(11, encodeValueInfo(v));
  for (const v of g.outputs) w.bytes(12, encodeValueInfo(v));
  return w.finish();
}

export function encodeNode(n: NodeSpec): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  const names = Object.keys(n.attributes ?? {}).sort();
  for (const name of names) w.bytes(5, encodeAttribute(name, (n.attributes ?? {})[name] as AttributeValue));
  if (n.domain) w.string(7, n.domain);
  return w.finish();
}

export function encodeAttribute(name: string, a: AttributeValue): Uint8Array {
  const w = new ProtoWriter();
  w.string(1, name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.varint(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.bytes(5, encodeTensor(a.value));
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedVarints(8, a.value);
      break;
    case 'strings':
      for (const s of a.value) w.string(9, s);
      break;
  }
  w.varint(20, AttrType[a.kind]); // the type discriminator, required since IR version 2
  return w.finish();
}

export function encodeTensor(t: TensorSpec): Uint8Array {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.values.length)
    throw new Error(`tensor '${t.name}': dims [${t.dims.join(', ')}] hold ${count} values, got ${t.values.length}`);
  const w = new ProtoWriter();
  w.packedVarints(1, t.dims);
  w.varint(2, DataType[t.dataType]);
  switch (t.dataType) {
    case 'float':
      w.packedFloats(4, t.values);
      break;
    case 'string':
      for (const s of t.values) w.string(6, s);
      break;
    case 'int64':
      w.packedVarints(7, t.values);
      break;
    case 'double':
      break;
  }
  w.string(8, t.name);
  if (t.dataType === 'double') w.packedDoubles(10, t.values); // field 10 comes after name (8)
  return w.finish();
}

export function encodeValueInfo(v: ValueInfoSpec): Uint8Array {
  const w = new ProtoWriter();
  w.string(1, v.name);
  // TypeProto { tensor_type = 1: Tensor { elem_type = 1, shape = 2: TensorShapeProto { dim = 1 } } }
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, DataType[v.elemType]);
      tensor.message(2, (shape) => {
        for (const d of v.shape) {
          // Dimension: dim_value = 1, dim_param = 2.
          shape.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
  if (v.docString !== undefined) w.string(3, v.docString);
  return w.finish();
}
