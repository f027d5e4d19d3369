/**
 * Conversion between Slipway's Table and Apache Arrow, for interchange (IPC files, other tools). Buffers
 * are handed over rather than values re-boxed where the layouts agree (float64 values, dictionary codes).
 *
 * Mapping: float → Float64; integer → Int32 when every value fits, else Float64 (JS numbers cannot hold
 * all of Int64 anyway); string → Dictionary<Utf8, Int32>; boolean → Bool; timestamp →
 * Timestamp(ms, UTC); mixed → Utf8 (JSON text of non-strings). Each field carries its Slipway type in
 * the metadata key `slipway.type`, so an integer column stored as Float64 comes back as integer.
 */
import * as arrow from 'apache-arrow';
import { type Column, type ColumnType, columnLength, stringColumn, type Table } from '../table.js';
import { jsonText } from './value-columns.js';

const TYPE_KEY = 'slipway.type';

/** Arrow's validity bitmap (LSB first) from a byte-per-row mask. */
function bitmap(valid: Uint8Array | undefined, n: number): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!valid) return { nullCount: 0 };
  const bits = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (valid[i]) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
    else nulls++;
  }
  return nulls ? { nullBitmap: bits, nullCount: nulls } : { nullCount: 0 };
}

function fitsInt32(values: Float64Array): boolean {
  for (const v of values) if (v > 2147483647 || v < -2147483648) return false;
  return true;
}

function toData(col: Column): arrow.Data {
  const n = columnLength(col);
  switch (col.kind) {
    case 'number': {
      const nulls = bitmap(col.valid, n);
      if (col.type === 'integer' && fitsInt32(col.values))
        return arrow.makeData({ type: new arrow.Int32(), length: n, ...nulls, data: Int32Array.from(col.values) });
      return arrow.makeData({ type: new arrow.Float64(), length: n, ...nulls, data: col.values });
    }
    case 'boolean': {
      const bits = bitmap(col.values, n).nullBitmap ?? new Uint8Array(Math.ceil(n / 8));
      return arrow.makeData({ type: new arrow.Bool(), length: n, ...bitmap(col.valid, n), data: bits });
    }
    case 'timestamp': {
      const data = new BigInt64Array(n);
      col.values.forEach((v, i) => (data[i] = BigInt(Math.trunc(v))));
      return arrow.makeData({ type: new arrow.TimestampMillisecond('UTC'), length: n, ...bitmap(col.valid, n), data });
    }
    case 'string': {
      const valid = Uint8Array.from(col.codes, (c) => (c < 0 ? 0 : 1));
      const codes = Int32Array.from(col.codes, (c) => (c < 0 ? 0 : c));
      const dictionary = arrow.vectorFromArray([...col.dictionary], new arrow.Utf8());
      const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
      return arrow.makeData({ type, length: n, ...bitmap(valid, n), data: codes, dictionary });
    }
    case 'mixed': {
      const texts = col.values.map((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : jsonText(v)));
      return arrow.vectorFromArray(texts, new arrow.Utf8()).data[0] as arrow.Data;
    }
  }
}

export function toArrow(table: Table): arrow.Table {
  const datas = table.columns.map(toData);
  const fields = table.columns.map(
    (c, i) => new arrow.Field(c.name, (datas[i] as arrow.Data).type, true, new Map([[TYPE_KEY, c.type]])),
  );
  const schema = new arrow.Schema(fields);
  const batch = new arrow.RecordBatch(
    schema,
    arrow.makeData({ type: new arrow.Struct(fields), length: table.rowCount, nullCount: 0, children: datas }),
  );
  return new arrow.Table(schema, [batch]);
}

/** A byte-per-row validity mask from an Arrow vector, or undefined when it has no nulls. */
function validOf(v: arrow.Vector): Uint8Array | undefined {
  if (v.nullCount === 0) return undefined;
  const valid = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) valid[i] = v.isValid(i) ? 1 : 0;
  return valid;
}

function fromVector(name: string, v: arrow.Vector, declared: ColumnType | undefined): Column {
  const t = v.type as arrow.DataType;
  const n = v.length;
  const valid = validOf(v);
  if (arrow.DataType.isInt(t) || arrow.DataType.isFloat(t) || arrow.DataType.isDecimal(t)) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x: unknown = v.get(i);
      values[i] = x === null ? 0 : Number(x);
    }
    const type = declared === 'float' || declared === 'integer' ? declared : arrow.DataType.isInt(t) ? 'integer' : 'float';
    return { kind: 'number', name, type, values, valid };
  }
  if (arrow.DataType.isBool(t)) {
    return {
      kind: 'boolean',
      name,
      type: 'boolean',
      values: Uint8Array.from({ length: n }, (_, i) => (v.get(i) === true ? 1 : 0)),
      valid,
    };
  }
  if (arrow.DataType.isTimestamp(t) || arrow.DataType.isDate(t)) {
    // Arrow's get() already converts any unit to epoch milliseconds.
    const values = Float64Array.from({ length: n }, (_, i) => {
      const x: unknown = v.get(i);
      return x === null ? 0 : x instanceof Date ? x.getTime() : Number(x);
    });
    return { kind: 'timestamp', name, type: 'timestamp', values, valid };
  }
  if (arrow.DataType.isDictionary(t) && v.data.length === 1 && arrow.DataType.isUtf8((t as arrow.Dictionary).dictionary)) {
    // One chunk, one dictionary: keep the codes as they are (Arrow may use narrower index types).
    const data = v.data[0] as arrow.Data<arrow.Dictionary>;
    const dictionary = (data.dictionary?.toArray() ?? []) as string[];
    const codes = Int32Array.from({ length: n }, (_, i) => (valid && !valid[i] ? -1 : Number(data.values[i])));
    return { kind: 'string', name, type: 'string', codes, dictionary };
  }
  const values = Array.from({ length: n }, (_, i): unknown => v.get(i));
  if (values.every((x) => x === null || typeof x === 'string')) return stringColumn(name, values as (string | null)[]);
  return { kind: 'mixed', name, type: 'mixed', values };
}

export function fromArrow(table: arrow.Table): Table {
  const columns = table.schema.fields.map((f, i) => {
    const declared = f.metadata.get(TYPE_KEY) as ColumnType | undefined;
    return fromVector(f.name, table.getChildAt(i) as arrow.Vector, declared);
  });
  return { columns, rowCount: table.numRows, rowOffset: 0 };
}
