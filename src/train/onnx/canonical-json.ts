/**
 * JSON with object keys sorted by code point at every level, so a model serializes to the same text
 * however its object was built (trainer output, a parsed file, a spread copy). That text goes into
 * the ONNX metadata, and the file's hash depends on it.
 *
 * Like JSON.stringify, properties whose value is undefined are left out. Unlike it, a non-finite
 * number is an error instead of silently becoming null: a model with NaN or Infinity in it would not
 * read back as the model that was exported.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot serialize non-finite number ${value} at ${path}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value))
        return `[${value.map((v, i) => (v === undefined ? 'null' : write(v, `${path}[${i}]`))).join(',')}]`;
      if (ArrayBuffer.isView(value)) return write(Array.from(value as unknown as ArrayLike<number>), path);
      const entries = Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort(compareCodePoints)
        .map((k) => `${JSON.stringify(k)}:${write((value as Record<string, unknown>)[k], `${path}.${k}`)}`);
      return `{${entries.join(',')}}`;
    }
    default:
      throw new Error(`cannot serialize a ${typeof value} at ${path}`);
  }
}

/** Code-point order (not UTF-16 unit order, which differs for astral characters). */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const d = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number);
    if (d !== 0) return d;
  }
}
