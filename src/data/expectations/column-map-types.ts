/**
 * expect_column_values_to_be_of_type / _in_type_list with GE's pandas rules. A column with a numpy
 * dtype (numbers, booleans, timestamps) is judged as a whole: `observed_value` is the dtype's scalar
 * type name as numpy 1.x names it (GE 1.2 requires pandas < 2.2, hence numpy 1): int64, float64 once a
 * null is seen (as pandas would store the column), bool_, datetime64. Expected names are numpy names or
 * aliases ('int', 'float64', 'i8', 'datetime64[ns]'); a boolean column with nulls still reports bool_
 * (pandas would hold it as object). An object
 * column (strings, mixed values) is judged row by row with Python's isinstance: 'str', 'int' (which
 * also matches booleans, as in Python), 'float', 'bool', 'list', 'dict', 'Timestamp'; an integral
 * number counts as int. Expecting 'object' (or 'O', 'object_') of an object column succeeds at once.
 */
import { z } from 'zod';
import type { Column } from '../table.js';
import { column, commonKwargs, define, mostly } from './define.js';
import { columnMap, requireColumn } from './map-kernel.js';
import { ExpectationError, type Accumulator, type CreateContext, type ExpectationDefinition } from './types.js';
import { nullTester } from './values.js';

const NUMPY_ALIASES: Record<string, string[]> = {
  int64: ['int', 'int64', 'i8', '<i8', 'long', 'int_', 'intp', 'l', 'q', 'longlong'],
  int32: ['int32', 'i4', '<i4', 'intc', 'i'],
  int16: ['int16', 'i2', 'short', 'h'],
  int8: ['int8', 'i1', 'byte', 'b'],
  uint64: ['uint64', 'u8', 'uint', 'ulonglong'],
  uint32: ['uint32', 'u4', 'uintc'],
  uint16: ['uint16', 'u2'],
  uint8: ['uint8', 'u1', 'ubyte'],
  float64: ['float', 'float64', 'f8', '<f8', 'double', 'float_', 'd'],
  float32: ['float32', 'f4', 'single', 'f'],
  float16: ['float16', 'f2', 'half', 'e'],
  bool_: ['bool', 'bool_', '?', 'bool8', 'b1'],
  object_: ['object', 'O', 'object_'],
  str_: ['str', 'U', 'unicode', 'str_'],
  bytes_: ['bytes', 'S', 'bytes_'],
  complex128: ['complex', 'complex128', 'c16'],
  timedelta64: ['timedelta64', 'm8'],
};

/** The numpy scalar type a dtype name denotes, as `np.dtype(name).type.__name__`. */
export function numpyTypeName(name: string): string | undefined {
  if (/^(datetime64|<?M8)(\[\w+\])?$/.test(name)) return 'datetime64';
  if (/^(timedelta64|<?m8)(\[\w+\])?$/.test(name)) return 'timedelta64';
  return Object.keys(NUMPY_ALIASES).find((k) => NUMPY_ALIASES[k]?.includes(name));
}

/** Python's type of an object-column value, and the types isinstance also accepts for it. */
function pythonTypes(v: unknown): string[] {
  if (typeof v === 'string') return ['str'];
  if (typeof v === 'boolean') return ['bool', 'int'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['int'] : ['float'];
  if (v instanceof Date) return ['Timestamp', 'datetime'];
  if (Array.isArray(v)) return ['list'];
  return v !== null && typeof v === 'object' ? ['dict'] : [];
}

const NATIVE: Record<string, string> = {
  none: 'NoneType',
  bool: 'bool',
  int: 'int',
  long: 'int',
  float: 'float',
  bytes: 'bytes',
  complex: 'complex',
  str: 'str',
  string_types: 'str',
  list: 'list',
  dict: 'dict',
};

function nativeType(name: string): string | undefined {
  if (name === 'Timestamp' || name === 'datetime') return name;
  return NATIVE[name.toLowerCase()];
}

const OBJECT_NAMES = ['object', 'object_', 'O'];

/** What a numpy-dtype column reports; tracks nulls because pandas stores an int column with nulls as float64. */
function dtypeAccumulator(col: string, expected: readonly string[] | null): Accumulator {
  let kind: Column['kind'] | undefined;
  let integer = true;
  let sawNull = false;
  return {
    consume(chunk, mask) {
      const c = requireColumn(chunk, col);
      kind ??= c.kind;
      if (c.kind === 'number' && c.type === 'float') integer = false;
      if (c.kind === 'number' && !sawNull) {
        const isNull = nullTester(c);
        for (let i = 0; i < chunk.rowCount && !sawNull; i++)
          if ((mask === undefined || mask[i] === 1) && isNull(i)) sawNull = true;
      }
    },
    finish() {
      const observed =
        kind === 'number'
          ? integer && !sawNull
            ? 'int64'
            : 'float64'
          : kind === 'boolean'
            ? 'bool_'
            : kind === 'timestamp'
              ? 'datetime64'
              : 'object_';
      const success =
        expected === null ||
        expected.some((e) => numpyTypeName(e) === observed || (observed === 'object_' && OBJECT_NAMES.includes(e)));
      return { success, result: { observed_value: observed } };
    },
  };
}

/** Picks GE's path on the first chunk: whole-column dtype check, or isinstance row by row for object columns. */
function typeAccumulator(col: string, expected: readonly string[] | null, mostlyValue: number, ctx: CreateContext): Accumulator {
  let chosen: Accumulator | undefined;
  const objectPath = expected !== null && !expected.some((e) => OBJECT_NAMES.includes(e));
  return {
    consume(chunk, mask) {
      if (!chosen) {
        const kind = requireColumn(chunk, col).kind;
        const isObject = kind === 'string' || kind === 'mixed';
        chosen = isObject && objectPath ? rowAccumulator(col, expected ?? [], mostlyValue, ctx) : dtypeAccumulator(col, expected);
      }
      chosen.consume(chunk, mask);
    },
    finish() {
      return (chosen ?? dtypeAccumulator(col, expected)).finish();
    },
  };
}

function rowAccumulator(col: string, expected: readonly string[], mostlyValue: number, ctx: CreateContext): Accumulator {
  const wanted = new Set(expected.map(nativeType).filter((t): t is string => t !== undefined));
  if (wanted.size === 0 && !expected.some((e) => numpyTypeName(e) !== undefined)) {
    throw new ExpectationError(`Unrecognized numpy/python type: ${expected.join(', ')}`, 'ValueError');
  }
  return columnMap(col, mostlyValue, ctx.resultFormat, (c) => {
    if (c.kind === 'string') return () => !wanted.has('str');
    if (c.kind !== 'mixed') return () => true;
    const { values } = c;
    return (i) => !pythonTypes(values[i]).some((t) => wanted.has(t));
  });
}

export const columnMapTypeDefinitions: ExpectationDefinition[] = [
  define({
    type: 'expect_column_values_to_be_of_type',
    kind: 'map',
    schema: z.object({ column, mostly, ...commonKwargs, type_: z.string().nullable() }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) => typeAccumulator(a.column, a.type_ === null ? null : [a.type_], a.mostly, ctx),
  }),
  define({
    type: 'expect_column_values_to_be_in_type_list',
    kind: 'map',
    schema: z.object({ column, mostly, ...commonKwargs, type_list: z.array(z.string()).nullable() }).strict(),
    columns: (a) => [a.column],
    create: (a, ctx) => typeAccumulator(a.column, a.type_list, a.mostly, ctx),
  }),
];
