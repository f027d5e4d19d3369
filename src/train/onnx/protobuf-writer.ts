/**
 * A tiny protobuf encoder, just enough to write ONNX files without a protobuf dependency.
 *
 * Deterministic by construction: fields are written exactly in the order the caller writes them
 * (the ONNX builders write them in ascending field number, like the reference serializer), floats
 * are written through a DataView (little-endian IEEE 754) and NaN always as the one canonical
 * quiet-NaN bit pattern, so the same inputs always give the same bytes and an exported model can be
 * checked by hash.
 *
 * Nested messages are encoded bottom-up: a sub-message is finished into bytes first, then written
 * as a length-delimited field. ONNX graphs are small enough (kilobytes to a few megabytes) that the
 * copy this costs does not matter, and it keeps the writer free of back-patching.
 */

/** Protobuf wire types (the low three bits of a field's tag). */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const CANONICAL_NAN_BITS = 0x7fc00000;
const utf8 = new TextEncoder();

export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  /** An int32/int64/enum/bool field. Negative values take ten bytes (two's complement), as protobuf says. */
  varint(field: number, value: number | bigint | boolean): this {
    this.tag(field, VARINT);
    this.rawVarint(toBigInt(value));
    return this;
  }

  /** A `float` field (fixed32); the value is rounded to float32 here, the one place it happens. */
  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    this.rawFloat32(value);
    return this;
  }

  /** A `double` field (fixed64). */
  double(field: number, value: number): this {
    this.tag(field, FIXED64);
    this.rawFloat64(value);
    return this;
  }

  /** A `string` field, UTF-8 encoded. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A `bytes` field or an already-encoded sub-message. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LENGTH_DELIMITED);
    this.rawVarint(BigInt(value.length));
    this.append(value);
    return this;
  }

  /** A sub-message built by `build` on a fresh writer. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated int32/int64 field (one length-delimited run of varints); nothing when empty. */
  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(toBigInt(v));
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field; nothing when empty. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.rawFloat32(values[i] as number);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated double field; nothing when empty. */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.rawFloat64(values[i] as number);
    return this.bytes(field, inner.finish());
  }

  /** The bytes written so far (a copy, so the writer can be discarded). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private tag(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new Error(`invalid protobuf field number ${field}`);
    this.rawVarint(BigInt(field) * 8n + BigInt(wireType));
  }

  private rawVarint(value: bigint): void {
    // Negative int64s are encoded as their unsigned 64-bit two's complement.
    let v = value < 0n ? BigInt.asUintN(64, value) : value;
    if (v >= 1n << 64n) throw new Error(`varint out of range: ${value}`);
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private rawFloat32(value: number): void {
    if (Number.isNaN(value)) this.scratch.setUint32(0, CANONICAL_NAN_BITS, true);
    else this.scratch.setFloat32(0, value, true);
    this.append(new Uint8Array(this.scratch.buffer, 0, 4));
  }

  private rawFloat64(value: number): void {
    if (Number.isNaN(value)) {
      this.scratch.setUint32(0, 0, true);
      this.scratch.setUint32(4, 0x7ff80000, true);
    } else {
      this.scratch.setFloat64(0, value, true);
    }
    this.append(new Uint8Array(this.scratch.buffer, 0, 8));
  }

  private append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

function toBigInt(value: number | bigint | boolean): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (!Number.isSafeInteger(value)) throw new Error(`protobuf integer field needs a safe integer, got ${value}`);
  return BigInt(value);
}
