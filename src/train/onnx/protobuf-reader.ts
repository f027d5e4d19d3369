/**
 * A minimal protobuf decoder: walks the fields of one message without a schema. Enough to read an
 * ONNX file's metadata (and, in tests, to look inside what the writer produced). Malformed input
 * (a truncated varint, a length past the end, an unknown wire type) throws `ProtobufError` rather
 * than returning garbage, so a corrupted file is reported as such.
 */

export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

export type ProtoField =
  | { readonly field: number; readonly wireType: 0; readonly value: bigint }
  | { readonly field: number; readonly wireType: 1; readonly value: Uint8Array }
  | { readonly field: number; readonly wireType: 2; readonly value: Uint8Array }
  | { readonly field: number; readonly wireType: 5; readonly value: Uint8Array };

/** Every field of the message in `bytes`, in file order (sub-messages stay undecoded bytes). */
export function readFields(bytes: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= bytes.length) throw new ProtobufError(`truncated varint at byte ${pos}`);
      const b = bytes[pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new ProtobufError(`varint longer than 10 bytes at byte ${pos}`);
  };
  const take = (n: number): Uint8Array => {
    if (n < 0 || pos + n > bytes.length)
      throw new ProtobufError(`field of ${n} bytes runs past the end (byte ${pos} of ${bytes.length})`);
    const slice = bytes.subarray(pos, pos + n);
    pos += n;
    return slice;
  };
  while (pos < bytes.length) {
    const tag = varint();
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (field < 1 || field > 0x1fffffff) throw new ProtobufError(`invalid field number ${field}`);
    switch (wireType) {
      case 0:
        out.push({ field, wireType, value: varint() });
        break;
      case 1:
        out.push({ field, wireType, value: take(8) });
        break;
      case 2: {
        const n = varint();
        if (n > BigInt(bytes.length))
          throw new ProtobufError(`field of ${n} bytes runs past the end (byte ${pos} of ${bytes.length})`);
        out.push({ field, wireType, value: take(Number(n)) });
        break;
      }
      case 5:
        out.push({ field, wireType, value: take(4) });
        break;
      default:
        // Groups (3, 4) are deprecated and never used by ONNX; anything else is not protobuf.
        throw new ProtobufError(`unsupported wire type ${wireType} for field ${field}`);
    }
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A length-delimited field as UTF-8 text (throws on invalid UTF-8, a sign of a corrupted file). */
export function fieldText(f: ProtoField): string {
  if (f.wireType !== 2) throw new ProtobufError(`field ${f.field} is not length-delimited`);
  try {
    return utf8.decode(f.value);
  } catch {
    throw new ProtobufError(`field ${f.field} is not valid UTF-8`);
  }
}

/** A length-delimited field as a sub-message's bytes. */
export function fieldBytes(f: ProtoField): Uint8Array {
  if (f.wireType !== 2) throw new ProtobufError(`field ${f.field} is not length-delimited`);
  return f.value;
}

/** A varint field as a number (int64 values beyond 2^53 are not used by ONNX headers). */
export function fieldInt(f: ProtoField): number {
  if (f.wireType !== 0) throw new ProtobufError(`field ${f.field} is not a varint`);
  return Number(BigInt.asIntN(64, f.value));
}
