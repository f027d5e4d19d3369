/**
 * Evaluates a parsed row_condition on a chunk into a row mask (1 = the row exists for the
 * expectation), with pandas' elementwise semantics: a null compares unequal to everything (so only
 * `!=` holds), `==` between a string and a number is simply false, ordering them is a TypeError, and
 * a timestamp column compares with date strings. String columns are compared once per dictionary value.
 */
import type { Column, Table } from '../table.js';
import { memberTest } from './compare.js';
import { parseDateutil } from './date-parse.js';
import { requireColumn } from './map-kernel.js';
import type { CmpOp, Expr, Literal } from './row-condition-parse.js';
import { ExpectationError } from './types.js';
import { nullTester } from './values.js';

const FLIP: Record<CmpOp, CmpOp> = { '==': '==', '!=': '!=', '>': '<', '>=': '<=', '<': '>', '<=': '>=' };

function apply(op: CmpOp, a: number | string, b: number | string): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
  }
}

/** Python's comparison of two scalars inside a pandas object column. */
function pyCompare(op: CmpOp, a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return op === '!=';
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  if ((typeof x === 'number' && typeof y === 'number') || (typeof x === 'string' && typeof y === 'string'))
    return apply(op, x, y);
  if (op === '==' || op === '!=') return op === '!=';
  throw new ExpectationError(`row_condition: '${op}' not supported between '${typeof a}' and '${typeof b}' values`, 'TypeError');
}

/** A row's value as pyCompare sees it: numbers (timestamps in ms, booleans 0/1), strings, or raw. */
function reader(col: Column): (i: number) => unknown {
  const isNull = nullTester(col);
  switch (col.kind) {
    case 'string':
      return (i) => (isNull(i) ? null : col.dictionary[col.codes[i] as number]);
    case 'mixed':
      return (i) => (isNull(i) ? null : col.values[i] instanceof Date ? (col.values[i] as Date).getTime() : col.values[i]);
    default:
      return (i) => (isNull(i) ? null : col.values[i]);
  }
}

function compareWithLiteral(col: Column, op: CmpOp, lit: Literal, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const isNull = nullTester(col);
  let value: Literal = typeof lit === 'boolean' ? Number(lit) : lit;
  if (col.kind === 'timestamp' && typeof value === 'string') {
    const ms = parseDateutil(value);
    if (ms === undefined) throw new ExpectationError(`row_condition: cannot compare timestamps with '${value}'`, 'TypeError');
    value = ms;
  }
  if (col.kind === 'string') {
    const flags = col.dictionary.map((s) => (pyCompare(op, s, value) ? 1 : 0));
    for (let i = 0; i < n; i++) {
      const c = col.codes[i] as number;
      out[i] = c < 0 ? (op === '!=' ? 1 : 0) : (flags[c] as number);
    }
    return out;
  }
  if (col.kind === 'mixed') {
    const read = reader(col);
    for (let i = 0; i < n; i++) out[i] = pyCompare(op, read(i), value) ? 1 : 0;
    return out;
  }
  if (typeof value !== 'number') {
    const constant = pyCompare(op, 0, value) ? 1 : 0;
    for (let i = 0; i < n; i++) out[i] = isNull(i) ? (op === '!=' ? 1 : 0) : constant;
    return out;
  }
  const { values } = col;
  for (let i = 0; i < n; i++) out[i] = isNull(i) ? (op === '!=' ? 1 : 0) : apply(op, values[i] as number, value) ? 1 : 0;
  return out;
}

export function evaluateCondition(e: Expr, chunk: Table): Uint8Array {
  const n = chunk.rowCount;
  switch (e.k) {
    case 'and':
    case 'or': {
      const a = evaluateCondition(e.left, chunk);
      const b = evaluateCondition(e.right, chunk);
      for (let i = 0; i < n; i++)
        a[i] = e.k === 'and' ? (a[i] as number) & (b[i] as number) : (a[i] as number) | (b[i] as number);
      return a;
    }
    case 'not': {
      const a = evaluateCondition(e.e, chunk);
      for (let i = 0; i < n; i++) a[i] = 1 - (a[i] as number);
      return a;
    }
    case 'lit':
      return new Uint8Array(n).fill(e.value ? 1 : 0);
    case 'col': {
      const col = requireColumn(chunk, e.name);
      if (col.kind !== 'boolean') throw new ExpectationError(`row_condition: column '${e.name}' is not boolean`, 'TypeError');
      const isNull = nullTester(col);
      return Uint8Array.from(col.values, (v, i) => (v === 1 && !isNull(i) ? 1 : 0));
    }
    case 'isnull': {
      const col = operandColumn(e.e, chunk);
      const isNull = nullTester(col);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = isNull(i) !== e.negate ? 1 : 0;
      return out;
    }
    case 'isin': {
      const col = operandColumn(e.e, chunk);
      const isNull = nullTester(col);
      const member = memberTest(
        col,
        e.items.filter((x) => x !== null),
      );
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = (!isNull(i) && member(i)) !== e.negate ? 1 : 0;
      return out;
    }
    case 'cmp':
      return compare(e.op, e.left, e.right, chunk);
  }
}

function operandColumn(e: Expr, chunk: Table): Column {
  if (e.k !== 'col') throw new ExpectationError('row_condition: methods apply to columns only', 'TypeError');
  return requireColumn(chunk, e.name);
}

function compare(op: CmpOp, left: Expr, right: Expr, chunk: Table): Uint8Array {
  const n = chunk.rowCount;
  if (left.k === 'lit' && right.k === 'col') return compare(FLIP[op], right, left, chunk);
  if (left.k === 'col' && right.k === 'lit') return compareWithLiteral(requireColumn(chunk, left.name), op, right.value, n);
  if (left.k === 'lit' && right.k === 'lit') return new Uint8Array(n).fill(pyCompare(op, left.value, right.value) ? 1 : 0);
  if (left.k === 'col' && right.k === 'col') {
    const a = reader(requireColumn(chunk, left.name));
    const b = reader(requireColumn(chunk, right.name));
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = pyCompare(op, a(i), b(i)) ? 1 : 0;
    return out;
  }
  throw new ExpectationError('row_condition: only columns and values can be compared', 'TypeError');
}
