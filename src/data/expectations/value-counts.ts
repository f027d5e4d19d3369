/**
 * Exact counts of each distinct non-null value of a column, merged across chunks (memory: one map
 * entry per distinct value). String chunks are counted by dictionary code first, so a million rows of
 * a 50-value column cost a million typed-array increments and 50 map updates.
 */
import type { Table } from '../table.js';
import { parseDateutil } from './date-parse.js';
import { requireColumn } from './map-kernel.js';
import { compareValues, isoFromMs, jsonValue, nullTester, valueKey } from './values.js';

export class ValueCounts {
  private readonly counts = new Map<unknown, number>();
  private readonly shown = new Map<unknown, unknown>();
  nonnull = 0;
  private timestamp = false;

  add(chunk: Table, name: string, mask: Uint8Array | undefined): void {
    const col = requireColumn(chunk, name);
    const n = chunk.rowCount;
    const bump = (key: unknown, by: number) => this.counts.set(key, (this.counts.get(key) ?? 0) + by);
    if (col.kind === 'string') {
      const perCode = new Float64Array(col.dictionary.length);
      for (let i = 0; i < n; i++) {
        const c = col.codes[i] as number;
        if (c >= 0 && (mask === undefined || mask[i] === 1)) perCode[c] = (perCode[c] as number) + 1;
      }
      perCode.forEach((k, c) => {
        if (k > 0) {
          bump(col.dictionary[c], k);
          this.nonnull += k;
        }
      });
      return;
    }
    const isNull = nullTester(col);
    this.timestamp = col.kind === 'timestamp';
    for (let i = 0; i < n; i++) {
      if ((mask !== undefined && mask[i] === 0) || isNull(i)) continue;
      this.nonnull++;
      if (col.kind === 'mixed') {
        const v = col.values[i];
        const key = valueKey(v);
        if (!this.shown.has(key)) this.shown.set(key, jsonValue(v));
        bump(key, 1);
      } else if (col.kind === 'boolean') {
        const v = col.values[i] === 1;
        if (!this.shown.has(Number(v))) this.shown.set(Number(v), v);
        bump(Number(v), 1);
      } else bump(col.values[i], 1);
    }
  }

  get distinct(): number {
    return this.counts.size;
  }

  /** The key a value_set member matches (dates parsed when the column holds timestamps). */
  keyOf(member: unknown): unknown {
    if (this.timestamp && typeof member === 'string') return parseDateutil(member) ?? member;
    if (member instanceof Date) return member.getTime();
    return valueKey(member);
  }

  hasKey(key: unknown): boolean {
    return this.counts.has(key);
  }

  show(key: unknown): unknown {
    if (this.shown.has(key)) return this.shown.get(key);
    return this.timestamp && typeof key === 'number' ? isoFromMs(key) : key;
  }

  keys(): unknown[] {
    return [...this.counts.keys()];
  }

  /** [{value, count}] sorted by value (GE's value_counts with sort="value"). */
  sortedCounts(): { value: unknown; count: number }[] {
    return [...this.counts].map(([k, count]) => ({ value: this.show(k), count })).sort((x, y) => compareValues(x.value, y.value));
  }

  /** The most frequent values, sorted (pandas' `mode()`). */
  modes(): unknown[] {
    let top = 0;
    for (const c of this.counts.values()) if (c > top) top = c;
    return [...this.counts]
      .filter(([, c]) => c === top && top > 0)
      .map(([k]) => this.show(k))
      .sort(compareValues);
  }
}
