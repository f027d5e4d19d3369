/**
 * A seeded, bounded, uniform sample of a table's rows (Vitter's Algorithm R): row t (0-based) of the
 * whole input enters the reservoir for certain while t < maxRows, and afterwards with probability
 * maxRows / (t + 1), replacing a uniformly chosen slot. Every subset of maxRows rows is equally likely.
 *
 * Chunks are fed one at a time and only the chosen rows are kept, so a file larger than memory is
 * sampled in one pass with memory for maxRows rows. The draws depend on the row count alone, never on
 * chunk boundaries, so feeding a table whole or in any chunking gives the same sample for a seed.
 * The sample keeps the input's row order (rows are sorted by their original index at the end).
 *
 * @example
 *   const sampler = new ReservoirSampler({ seed: 7, maxRows: 50_000 });
 *   for await (const chunk of readChunks('train.csv')) sampler.add(chunk);
 *   const sample = sampler.result(); // min(rows, 50,000) rows
 */
import { invalid } from '../../errors.js';
import { type Column, type Table } from '../table.js';
import { SeededRandom } from './seeded-random.js';

export const DEFAULT_SAMPLE_ROWS = 50_000;

export interface SampleOptions {
  /** Seeds the choice of rows: the same input and seed give the same sample. */
  readonly seed: number;
  /**
   * The most rows the sample holds; an input with fewer rows is kept whole.
   * @default 50000
   */
  readonly maxRows?: number;
}

/** One column's values for the reservoir's slots, in slot order. */
interface SlotColumn {
  readonly name: string;
  readonly kind: Column['kind'];
  float: boolean;
  readonly numbers: Float64Array | Uint8Array | undefined;
  readonly valid: Uint8Array;
  /** String columns: codes into `dictionary` (one dictionary across all chunks). */
  readonly codes: Int32Array | undefined;
  readonly dictionary: string[];
  readonly index: Map<string, number>;
  readonly mixed: unknown[] | undefined;
}

export class ReservoirSampler {
  readonly maxRows: number;
  private readonly rng: SeededRandom;
  private seen = 0;
  private filled = 0;
  /** The input row index held in each slot. */
  private readonly origin: Float64Array;
  private columns: SlotColumn[] | undefined;

  constructor(options: SampleOptions) {
    const maxRows = options.maxRows ?? DEFAULT_SAMPLE_ROWS;
    if (!Number.isInteger(maxRows) || maxRows < 1) throw invalid(`maxRows must be a positive integer, got ${maxRows}`, { maxRows });
    this.maxRows = maxRows;
    this.rng = new SeededRandom(options.seed);
    this.origin = new Float64Array(maxRows);
  }

  /** Rows offered so far. */
  get rowsSeen(): number {
    return this.seen;
  }

  /** Offers every row of `chunk`; each chunk must have the first chunk's columns (names, order, kinds). */
  add(chunk: Table): void {
    const cols = (this.columns ??= chunk.columns.map(slotColumn(this.maxRows)));
    if (chunk.columns.length !== cols.length || chunk.columns.some((c, j) => c.name !== cols[j]?.name || c.kind !== cols[j]?.kind)) {
      const shape = (cs: readonly { name: string; kind: string }[]) => cs.map((c) => `${c.name}:${c.kind}`).join(', ');
      throw invalid(`a chunk's columns (${shape(chunk.columns)}) differ from the first chunk's (${shape(cols)})`);
    }
    chunk.columns.forEach((c, j) => {
      if (c.kind === 'number' && c.type === 'float') (cols[j] as SlotColumn).float = true;
    });
    for (let i = 0; i < chunk.rowCount; i++) {
      const t = this.seen++;
      let slot: number;
      if (this.filled < this.maxRows) slot = this.filled++;
      else {
        slot = this.rng.int(t + 1);
        if (slot >= this.maxRows) continue;
      }
      this.origin[slot] = t;
      for (let j = 0; j < cols.length; j++) copyInto(cols[j] as SlotColumn, slot, chunk.columns[j] as Column, i);
    }
  }

  /** The sample so far as a table, rows in input order, string dictionaries in order of first appearance. */
  result(): Table {
    const n = this.filled;
    const order = Array.from({ length: n }, (_, s) => s).sort((x, y) => (this.origin[x] as number) - (this.origin[y] as number));
    const columns = (this.columns ?? []).map((c) => finishColumn(c, order));
    return { columns, rowCount: n, rowOffset: 0 };
  }
}

/** The seeded sample of one in-memory table (the same rows as feeding it to a ReservoirSampler in chunks). */
export function reservoirSample(table: Table, options: SampleOptions): Table {
  const sampler = new ReservoirSampler(options);
  sampler.add(table);
  return sampler.result();
}

const slotColumn = (k: number) => (c: Column): SlotColumn => ({
  name: c.name,
  kind: c.kind,
  float: false,
  numbers: c.kind === 'boolean' ? new Uint8Array(k) : c.kind === 'number' || c.kind === 'timestamp' ? new Float64Array(k) : undefined,
  valid: new Uint8Array(k),
  codes: c.kind === 'string' ? new Int32Array(k) : undefined,
  dictionary: [],
  index: new Map(),
  mixed: c.kind === 'mixed' ? new Array<unknown>(k) : undefined,
});

function copyInto(to: SlotColumn, slot: number, from: Column, i: number): void {
  switch (from.kind) {
    case 'string': {
      const code = from.codes[i] as number;
      if (code < 0) {
        (to.codes as Int32Array)[slot] = -1;
        return;
      }
      const value = from.dictionary[code] as string;
      let mine = to.index.get(value);
      if (mine === undefined) to.index.set(value, (mine = to.dictionary.push(value) - 1));
      (to.codes as Int32Array)[slot] = mine;
      return;
    }
    case 'mixed':
      (to.mixed as unknown[])[slot] = from.values[i];
      return;
    default:
      (to.numbers as Float64Array | Uint8Array)[slot] = from.values[i] as number;
      to.valid[slot] = from.valid === undefined || from.valid[i] === 1 ? 1 : 0;
  }
}

function finishColumn(c: SlotColumn, order: readonly number[]): Column {
  const n = order.length;
  if (c.kind === 'string') {
    // Re-coded so the dictionary is in order of first appearance in the sample, as readers make it.
    const codes = new Int32Array(n);
    const dictionary: string[] = [];
    const remap = new Map<number, number>();
    order.forEach((slot, r) => {
      const old = (c.codes as Int32Array)[slot] as number;
      if (old < 0) {
        codes[r] = -1;
        return;
      }
      let code = remap.get(old);
      if (code === undefined) remap.set(old, (code = dictionary.push(c.dictionary[old] as string) - 1));
      codes[r] = code;
    });
    return { kind: 'string', name: c.name, type: 'string', codes, dictionary };
  }
  if (c.kind === 'mixed') return { kind: 'mixed', name: c.name, type: 'mixed', values: order.map((slot) => (c.mixed as unknown[])[slot]) };
  const source = c.numbers as Float64Array | Uint8Array;
  const values = c.kind === 'boolean' ? new Uint8Array(n) : new Float64Array(n);
  const valid = new Uint8Array(n);
  let nulls = 0;
  order.forEach((slot, r) => {
    values[r] = source[slot] as number;
    valid[r] = c.valid[slot] as number;
    if (valid[r] === 0) nulls++;
  });
  const v = nulls > 0 ? valid : undefined;
  if (c.kind === 'boolean') return { kind: 'boolean', name: c.name, type: 'boolean', values: values as Uint8Array, valid: v };
  if (c.kind === 'timestamp') return { kind: 'timestamp', name: c.name, type: 'timestamp', values: values as Float64Array, valid: v };
  return { kind: 'number', name: c.name, type: c.float ? 'float' : 'integer', values: values as Float64Array, valid: v };
}
