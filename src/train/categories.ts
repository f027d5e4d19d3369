/**
 * How a column's values become category strings. Categorical features and class labels are matched by
 * value, never by dictionary code: each chunk of a file has its own dictionary, and a model must read a
 * prediction table whose dictionary order differs from the training table's.
 */
import type { Column } from '../data/index.js';

/** Orders strings by Unicode code point (the contract's category order); JS's default sort uses UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n;) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

/** Category string of row i, or null. Booleans read 'true'/'false'; numbers their shortest decimal form. */
export function categoryAt(col: Column, i: number): string | null {
  switch (col.kind) {
    case 'string': {
      const c = col.codes[i] as number;
      return c < 0 ? null : (col.dictionary[c] as string);
    }
    case 'mixed': {
      const v = col.values[i];
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return null;
      return v instanceof Date ? v.toISOString() : String(v);
    }
    case 'number':
    case 'boolean':
    case 'timestamp': {
      if (col.valid !== undefined && col.valid[i] === 0) return null;
      const v = col.values[i] as number;
      if (Number.isNaN(v)) return null;
      if (col.kind === 'boolean') return v === 1 ? 'true' : 'false';
      return col.kind === 'timestamp' ? new Date(v).toISOString() : String(v);
    }
  }
}

/**
 * Category index per row (-1 for null or a value not in `categories`). String columns map each dictionary
 * entry once, so the per-row work is one array lookup whatever the dictionary order.
 */
export function categoryIndexes(col: Column, categories: readonly string[], rows: number): Int32Array {
  const index = new Map<string, number>();
  categories.forEach((c, i) => index.set(c, i));
  const out = new Int32Array(rows);
  if (col.kind === 'string') {
    const remap = Int32Array.from(col.dictionary, (v) => index.get(v) ?? -1);
    for (let i = 0; i < rows; i++) {
      const c = col.codes[i] as number;
      out[i] = c < 0 ? -1 : (remap[c] as number);
    }
    return out;
  }
  for (let i = 0; i < rows; i++) {
    const v = categoryAt(col, i);
    out[i] = v === null ? -1 : (index.get(v) ?? -1);
  }
  return out;
}

/** Distinct non-null category strings of a column, sorted by code point. */
export function distinctCategories(col: Column, rows: number): string[] {
  const seen = new Set<string>();
  if (col.kind === 'string') {
    const used = new Uint8Array(col.dictionary.length);
    for (let i = 0; i < rows; i++) {
      const c = col.codes[i] as number;
      if (c >= 0) used[c] = 1;
    }
    col.dictionary.forEach((v, c) => {
      if (used[c]) seen.add(v);
    });
  } else {
    for (let i = 0; i < rows; i++) {
      const v = categoryAt(col, i);
      if (v !== null) seen.add(v);
    }
  }
  return [...seen].sort(compareCodePoints);
}
