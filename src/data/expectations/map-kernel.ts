/**
 * The shared engine of row-level ("map") expectations. Per chunk it walks the rows once: rows outside
 * the row_condition do not exist, "missing" rows (nulls; for column pairs and lists, per ignore_row_if)
 * are counted but not judged, and each remaining row is judged by a tester compiled for this chunk's
 * column representation (a typed-array read, or a per-dictionary-entry flag for strings). Only counts
 * and the unexpected rows the result format shows are kept.
 */
import type { Column, Table } from '../table.js';
import { columnByName } from '../table.js';
import { formatMapResult, UnexpectedCollector } from './result-format.js';
import { ExpectationError, type Accumulator, type ExpectationOutcome, type ResultFormat } from './types.js';
import { nullTester, valueReader } from './values.js';

export type RowTest = (i: number) => boolean;

export function requireColumn(chunk: Table, name: string): Column {
  const col = columnByName(chunk, name);
  if (!col) throw new ExpectationError(`column '${name}' does not exist`, 'KeyError');
  return col;
}

/**
 * How an unexpected row is identified: its global row number, or (result_format's
 * unexpected_index_column_names) a record of those columns' values plus the domain columns' values.
 */
export function indexReader(chunk: Table, rf: ResultFormat, domain: readonly string[]): (i: number) => unknown {
  const names = rf.unexpectedIndexColumnNames;
  if (names === undefined) return (i) => chunk.rowOffset + i;
  const all = [...names, ...domain.filter((d) => !names.includes(d))];
  const readers = all.map((n) => [n, valueReader(requireColumn(chunk, n))] as const);
  return (i) => Object.fromEntries(readers.map(([n, read]) => [n, read(i)]));
}

export interface ChunkEval {
  /** Rows left out of "rows considered" (counted as missing); undefined: none are. */
  readonly ignored: RowTest | undefined;
  /** Compiles the unexpected-row test; called only once a row needs judging, so type errors are lazy. */
  readonly compile: () => RowTest;
  /** The unexpected value as reported. */
  readonly value: (i: number) => unknown;
}

export interface MapSpec {
  /** Domain columns, in the order index records list them. */
  readonly columns: readonly string[];
  readonly mostly: number;
  /** false for the null expectations: every row is considered and no missing_* fields are reported. */
  readonly reportsMissing: boolean;
  prepare(chunk: Table): ChunkEval;
}

export function mapAccumulator(spec: MapSpec, rf: ResultFormat): Accumulator {
  let elements = 0;
  let missing = 0;
  let unexpected = 0;
  const collected = new UnexpectedCollector(rf);
  return {
    consume(chunk, mask) {
      const ev = spec.prepare(chunk);
      const index = indexReader(chunk, rf, spec.columns);
      const { ignored, value } = ev;
      let test: RowTest | undefined;
      const n = chunk.rowCount;
      for (let i = 0; i < n; i++) {
        if (mask !== undefined && mask[i] === 0) continue;
        elements++;
        if (ignored !== undefined && ignored(i)) {
          missing++;
          continue;
        }
        test ??= ev.compile();
        if (test(i)) {
          unexpected++;
          if (!collected.full) collected.add(value(i), index(i));
        }
      }
    },
    finish(): ExpectationOutcome {
      return formatMapResult(mapCounts(elements, missing, unexpected, spec.mostly, spec.reportsMissing), collected);
    },
  };
}

/** GE's success rule: vacuously true with no rows considered, else the share expected ≥ mostly. */
export function mapCounts(elements: number, missing: number, unexpected: number, mostly: number, reportsMissing = true) {
  const considered = elements - missing;
  const success = elements === 0 || considered === 0 ? true : (considered - unexpected) / considered >= mostly;
  return { success, elementCount: elements, nonnullCount: reportsMissing ? considered : undefined, unexpectedCount: unexpected };
}

/** A single-column map expectation: nulls are missing; `compile` judges this chunk's non-null values. */
export function columnMap(column: string, mostly: number, rf: ResultFormat, compile: (col: Column) => RowTest): Accumulator {
  return mapAccumulator(
    {
      columns: [column],
      mostly,
      reportsMissing: true,
      prepare(chunk) {
        const col = requireColumn(chunk, column);
        return { ignored: nullTester(col), compile: () => compile(col), value: valueReader(col) };
      },
    },
    rf,
  );
}

/**
 * Flags computed once per distinct dictionary value of a string column (a regex, a set lookup, a
 * parse), cached across chunks that share one dictionary array; rows then cost one typed-array read.
 */
export function dictionaryTest(col: Column & { kind: 'string' }, judge: (s: string) => boolean): RowTest {
  const { codes, dictionary } = col;
  const flags = new Uint8Array(dictionary.length);
  const seen = new Uint8Array(dictionary.length);
  return (i) => {
    const c = codes[i] as number;
    if (seen[c] === 0) {
      seen[c] = 1;
      flags[c] = judge(dictionary[c] as string) ? 1 : 0;
    }
    return flags[c] === 1;
  };
}
