/**
 * The in-memory columnar form every data feature works on (readers produce it; profiles, expectations,
 * drift and trainers consume it). Columns are typed arrays where the type allows, and strings are
 * dictionary-encoded: a 1,000,000-row categorical column is an Int32Array of codes plus its few
 * distinct values, so a regex or a value-set check runs once per distinct value, not once per row.
 * `toArrow` converts a table to Apache Arrow for interchange.
 */

/** Logical column types, as schema inference names them. */
export type ColumnType = 'integer' | 'float' | 'boolean' | 'string' | 'timestamp' | 'mixed';

export interface NumberColumn {
  readonly kind: 'number';
  readonly name: string;
  /** 'integer' when every non-null value was written as an integer. */
  readonly type: 'integer' | 'float';
  readonly values: Float64Array;
  /** 1 = present, 0 = null; undefined when the column has no nulls. */
  readonly valid: Uint8Array | undefined;
}

export interface BooleanColumn {
  readonly kind: 'boolean';
  readonly name: string;
  readonly type: 'boolean';
  /** 0 or 1. */
  readonly values: Uint8Array;
  readonly valid: Uint8Array | undefined;
}

export interface TimestampColumn {
  readonly kind: 'timestamp';
  readonly name: string;
  readonly type: 'timestamp';
  /** Epoch milliseconds (UTC). */
  readonly values: Float64Array;
  readonly valid: Uint8Array | undefined;
}

export interface StringColumn {
  readonly kind: 'string';
  readonly name: string;
  readonly type: 'string';
  /** Index into `dictionary`, or -1 for null. */
  readonly codes: Int32Array;
  /** Distinct values, in order of first appearance. */
  readonly dictionary: readonly string[];
}

/** Values of several JS types in one column (JSON input, or pandas' object columns in conformance cases). */
export interface MixedColumn {
  readonly kind: 'mixed';
  readonly name: string;
  readonly type: 'mixed';
  /** null/undefined for null. */
  readonly values: readonly unknown[];
}

export type Column = NumberColumn | BooleanColumn | TimestampColumn | StringColumn | MixedColumn;

/** A table or one chunk of a larger one. */
export interface Table {
  readonly columns: readonly Column[];
  readonly rowCount: number;
  /** Index of this chunk's first row in the whole file (0 for a whole table); row indexes in reports add it. */
  readonly rowOffset: number;
}

export function columnByName(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

export function isNull(col: Column, i: number): boolean {
  switch (col.kind) {
    case 'string':
      return (col.codes[i] ?? -1) < 0;
    case 'mixed': {
      const v = col.values[i];
      return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
    }
    default:
      return col.valid !== undefined && col.valid[i] === 0;
  }
}

/** The JS value at row i: number, boolean, string, Date (timestamps) or null. */
export function valueAt(col: Column, i: number): unknown {
  if (isNull(col, i)) return null;
  switch (col.kind) {
    case 'number':
      return col.values[i];
    case 'boolean':
      return col.values[i] === 1;
    case 'timestamp':
      return new Date(col.values[i] as number);
    case 'string':
      return col.dictionary[col.codes[i] as number];
    case 'mixed':
      return col.values[i];
  }
}

/** How many rows of the column are null. */
export function nullCount(col: Column): number {
  let n = 0;
  const len = columnLength(col);
  if (col.kind === 'string') {
    for (let i = 0; i < len; i++) if ((col.codes[i] as number) < 0) n++;
    return n;
  }
  if (col.kind === 'mixed') {
    for (let i = 0; i < len; i++) if (isNull(col, i)) n++;
    return n;
  }
  if (!col.valid) return 0;
  for (let i = 0; i < len; i++) if (col.valid[i] === 0) n++;
  return n;
}

export function columnLength(col: Column): number {
  return col.kind === 'string' ? col.codes.length : col.values.length;
}

/**
 * Builds a column from plain JS values, inferring its type: all numbers → number (integer when all are
 * whole), all booleans → boolean, all Dates → timestamp, all strings → string, anything else → mixed.
 * Null, undefined and NaN are nulls. `type` forces a type (values that do not fit make it mixed).
 */
export function columnFromValues(name: string, values: readonly unknown[], type?: ColumnType): Column {
  const present = values.filter((v) => v !== null && v !== undefined && !(typeof v === 'number' && Number.isNaN(v)));
  const kind = type ?? inferKind(present);
  const hasNull = present.length !== values.length;
  const valid = hasNull ? Uint8Array.from(values, (v) => (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? 0 : 1)) : undefined;
  if ((kind === 'integer' || kind === 'float') && present.every((v) => typeof v === 'number')) {
    return { kind: 'number', name, type: kind, values: Float64Array.from(values, (v) => (typeof v === 'number' && !Number.isNaN(v) ? v : 0)), valid };
  }
  if (kind === 'boolean' && present.every((v) => typeof v === 'boolean')) {
    return { kind: 'boolean', name, type: 'boolean', values: Uint8Array.from(values, (v) => (v === true ? 1 : 0)), valid };
  }
  if (kind === 'timestamp' && present.every((v) => v instanceof Date)) {
    return { kind: 'timestamp', name, type: 'timestamp', values: Float64Array.from(values, (v) => (v instanceof Date ? v.getTime() : 0)), valid };
  }
  if (kind === 'string' && present.every((v) => typeof v === 'string')) return stringColumn(name, values as readonly (string | null | undefined)[]);
  return { kind: 'mixed', name, type: 'mixed', values: [...values] };
}

export function stringColumn(name: string, values: readonly (string | null | undefined)[]): StringColumn {
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const codes = new Int32Array(values.length);
  values.forEach((v, i) => {
    if (v === null || v === undefined) {
      codes[i] = -1;
      return;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(v);
      index.set(v, code);
    }
    codes[i] = code;
  });
  return { kind: 'string', name, type: 'string', codes, dictionary };
}

function inferKind(present: readonly unknown[]): ColumnType {
  if (present.length === 0) return 'float';
  if (present.every((v) => typeof v === 'number')) return present.every((v) => Number.isInteger(v)) ? 'integer' : 'float';
  if (present.every((v) => typeof v === 'boolean')) return 'boolean';
  if (present.every((v) => v instanceof Date)) return 'timestamp';
  if (present.every((v) => typeof v === 'string')) return 'string';
  return 'mixed';
}

/** A table from a record of column arrays (tests, conformance cases, JSON). */
export function tableFromColumns(data: Readonly<Record<string, readonly unknown[]>>, types: Readonly<Record<string, ColumnType>> = {}): Table {
  const columns = Object.entries(data).map(([name, values]) => columnFromValues(name, values, types[name]));
  const rowCount = columns.length ? columnLength(columns[0] as Column) : 0;
  for (const c of columns) {
    if (columnLength(c) !== rowCount) throw new Error(`column '${c.name}' has ${columnLength(c)} values, expected ${rowCount}`);
  }
  return { columns, rowCount, rowOffset: 0 };
}
