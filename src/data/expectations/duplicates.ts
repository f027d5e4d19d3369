/**
 * pandas' `duplicated(keep=False)` over a stream, for expect_column_values_to_be_unique and
 * expect_compound_columns_to_be_unique: every row whose value (or tuple of values) occurs more than once
 * is unexpected, the first occurrence included. One pass keeps a table of distinct keys with their
 * count and first row (memory: about 50 bytes per distinct key, plus the key itself); later occurrences
 * are unexpected at once, first occurrences join them in row order at the end.
 */
import type { Table } from '../table.js';
import { indexReader, mapCounts } from './map-kernel.js';
import { formatMapResult, UnexpectedCollector } from './result-format.js';
import { Float64Slots, MapSlots, type SlotTable } from './slot-table.js';
import type { Accumulator, ResultFormat } from './types.js';

export interface DuplicateChunk {
  /** Rows left out (nulls; ignore_row_if): counted as missing. */
  readonly ignored: (i: number) => boolean;
  readonly key: (i: number) => unknown;
  readonly value: (i: number) => unknown;
  /** The reported value of a key, when it can be rebuilt from the key alone (saves storing it). */
  readonly show?: (key: unknown) => unknown;
  /** Keys are these numbers (a number, timestamp or boolean column): a typed-array hash table holds them. */
  readonly numbers?: ArrayLike<number>;
}

export function duplicateAccumulator(
  columns: readonly string[],
  mostly: number,
  rf: ResultFormat,
  prepare: (chunk: Table) => DuplicateChunk,
): Accumulator {
  let slots: SlotTable | undefined;
  let counts = new Uint32Array(1024);
  let firstRows = new Float64Array(1024);
  const firstValues: unknown[] = [];
  const firstIndexes: unknown[] = [];
  const keepIndex = rf.unexpectedIndexColumnNames !== undefined;
  let show: ((key: unknown) => unknown) | undefined;
  const later = new UnexpectedCollector(rf);
  const laterRows: number[] = [];
  let elements = 0;
  let missing = 0;
  let repeats = 0;
  const grow = () => {
    const c = new Uint32Array(counts.length * 2);
    c.set(counts);
    counts = c;
    const f = new Float64Array(firstRows.length * 2);
    f.set(firstRows);
    firstRows = f;
  };
  return {
    consume(chunk, mask) {
      const ev = prepare(chunk);
      show = ev.show;
      slots ??= ev.numbers ? new Float64Slots() : new MapSlots();
      if (slots instanceof Float64Slots && !ev.numbers) {
        // A later chunk of another representation: move the numeric keys to a general table, same slots.
        const general = new MapSlots();
        for (const [k] of slots.entries()) general.slot(k);
        slots = general;
      }
      const table = slots;
      const numbers = table instanceof Float64Slots ? ev.numbers : undefined;
      const index = indexReader(chunk, rf, columns);
      for (let i = 0; i < chunk.rowCount; i++) {
        if (mask !== undefined && mask[i] === 0) continue;
        elements++;
        if (ev.ignored(i)) {
          missing++;
          continue;
        }
        const before = table.size;
        const s = numbers !== undefined ? (table as Float64Slots).slotOf(numbers[i] as number) : table.slot(ev.key(i));
        if (s === before) {
          if (s === counts.length) grow();
          counts[s] = 1;
          firstRows[s] = chunk.rowOffset + i;
          if (!ev.show) firstValues[s] = ev.value(i);
          if (keepIndex) firstIndexes[s] = index(i);
          continue;
        }
        counts[s] = (counts[s] as number) + 1;
        repeats++;
        if (!later.full) {
          later.add(ev.value(i), index(i));
          laterRows.push(chunk.rowOffset + i);
        }
      }
    },
    finish() {
      const firsts: { row: number; value: unknown; index: unknown }[] = [];
      for (const [k, s] of slots?.entries() ?? []) {
        if ((counts[s] as number) < 2) continue;
        const row = firstRows[s] as number;
        firsts.push({
          row,
          value: s in firstValues ? firstValues[s] : show ? show(k) : k,
          index: keepIndex ? firstIndexes[s] : row,
        });
      }
      firsts.sort((x, y) => x.row - y.row);
      const out = new UnexpectedCollector(rf);
      let a = 0;
      let b = 0;
      while (!out.full && (a < firsts.length || b < laterRows.length)) {
        const f = firsts[a];
        if (f !== undefined && (b >= laterRows.length || f.row < (laterRows[b] as number))) {
          out.add(f.value, f.index);
          a++;
        } else {
          out.add(later.values[b], later.indexes[b]);
          b++;
        }
      }
      return formatMapResult(mapCounts(elements, missing, repeats + firsts.length, mostly), out);
    },
  };
}
