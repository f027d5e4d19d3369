/**
 * A drift reference: what drift tests need of a reference data set, built once and stored as JSON, so
 * each monitoring window is compared without re-reading the training data. It keeps every finite
 * value of each numeric column (sorted, as distinct values and counts) and the counts of each
 * categorical column — enough for exact KS, Wasserstein, Anderson–Darling and Cramér–von Mises, and
 * for Evidently's Sturges bins, whose edges depend on the current window too and so cannot be fixed in
 * advance. A report against a DriftReference is the report against the table it was built from.
 *
 * Size: a numeric column costs 8 bytes per distinct value (base64), plus 4 per value when values
 * repeat. Build it from a sample of large data (`sampleRows`, or the 50,000-row reservoir sample the
 * training stage stores with a model); the tests are then those of that sample.
 *
 * @example
 *   const ref = buildDriftReference(trainingTable);
 *   await writeFile('reference.json', serializeDriftReference(ref));
 *   const report = computeDrift(parseDriftReference(await readFile('reference.json', 'utf8')), window);
 */
import { z } from 'zod';
import { type Column, type Table } from '../../data/index.js';
import { invalid } from '../../errors.js';
import { type CategoryKey, type ColumnSample, categorical, sampleColumn } from './column-sample.js';

export const DRIFT_REFERENCE_FORMAT = 'slipway.drift-reference';

export interface NumericReferenceColumn {
  readonly name: string;
  readonly type: 'number';
  readonly numberType: 'integer' | 'float';
  /** Rows without a finite value. */
  readonly missing: number;
  /** Distinct finite values, ascending: little-endian float64, base64. */
  readonly values: string;
  /** How often each distinct value occurs: little-endian uint32, base64; null when each occurs once. */
  readonly counts: string | null;
}

export interface CategoricalReferenceColumn {
  readonly name: string;
  readonly type: 'category';
  readonly missing: number;
  readonly categories: readonly CategoryKey[];
  readonly counts: readonly number[];
}

/** Timestamp columns are listed (so column names are complete) but not tested. */
export interface SkippedReferenceColumn {
  readonly name: string;
  readonly type: 'timestamp';
}

export type ReferenceColumn = NumericReferenceColumn | CategoricalReferenceColumn | SkippedReferenceColumn;

export interface DriftReference {
  readonly format: typeof DRIFT_REFERENCE_FORMAT;
  readonly version: 1;
  /** Rows the reference describes (after sampling). */
  readonly rows: number;
  /** Rows of the table it was built from. */
  readonly sourceRows: number;
  readonly columns: readonly ReferenceColumn[];
}

export interface DriftReferenceOptions {
  /** Keep a uniform random sample of at most this many rows (the same rows for every column). @default all rows */
  readonly sampleRows?: number;
  /** Seed of that sample. @default 0 */
  readonly seed?: number;
}

export function buildDriftReference(table: Table, options: DriftReferenceOptions = {}): DriftReference {
  const { sampleRows, seed = 0 } = options;
  if (sampleRows !== undefined && !(Number.isSafeInteger(sampleRows) && sampleRows > 0)) throw invalid(`sampleRows must be a positive whole number, got ${sampleRows}.`);
  const rows = sampleRows !== undefined && table.rowCount > sampleRows ? sampleIndices(table.rowCount, sampleRows, seed) : undefined;
  const columns = table.columns.map((c) => referenceColumn(c.name, sampleColumn(rows ? takeRows(c, rows) : c)));
  return { format: DRIFT_REFERENCE_FORMAT, version: 1, rows: rows ? rows.length : table.rowCount, sourceRows: table.rowCount, columns };
}

function referenceColumn(name: string, s: ColumnSample | undefined): ReferenceColumn {
  if (!s) return { name, type: 'timestamp' };
  if (s.type === 'category') return { name, type: 'category', missing: s.missing, categories: s.keys, counts: Array.from(s.counts) };
  const values: number[] = [];
  const counts: number[] = [];
  const v = s.sorted;
  for (let i = 0; i < v.length; i++) {
    if (i === 0 || v[i] !== v[i - 1]) {
      values.push(v[i] as number);
      counts.push(0);
    }
    counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
  }
  const repeats = counts.some((c) => c > 1);
  return {
    name, type: 'number', numberType: s.numberType, missing: s.missing,
    values: encode(Float64Array.from(values)), counts: repeats ? encode(Uint32Array.from(counts)) : null,
  };
}

/** The samples the tests read, by column name (undefined for timestamp columns). */
export function referenceSamples(ref: DriftReference, names?: ReadonlySet<string>): Map<string, ColumnSample | undefined> {
  const out = new Map<string, ColumnSample | undefined>();
  for (const c of ref.columns) {
    if (names && !names.has(c.name)) continue;
    if (c.type === 'timestamp') out.set(c.name, undefined);
    else if (c.type === 'category') out.set(c.name, categorical(new Map(c.categories.map((k, i) => [k, c.counts[i] ?? 0])), c.missing));
    else out.set(c.name, decodeNumeric(c));
  }
  return out;
}

function decodeNumeric(c: NumericReferenceColumn): ColumnSample {
  const values = decodeF64(c.values, c.name);
  const counts = c.counts === null ? undefined : decodeU32(c.counts, c.name);
  if (counts && counts.length !== values.length) throw invalid(`drift reference: column '${c.name}' has ${values.length} values but ${counts.length} counts.`);
  let n = 0;
  if (counts) for (const k of counts) n += k;
  else n = values.length;
  const sorted = new Float64Array(n);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (i > 0 && !(v > (values[i - 1] as number))) throw invalid(`drift reference: column '${c.name}' values are not ascending at ${i}.`);
    const k = counts ? (counts[i] as number) : 1;
    sorted.fill(v, at, at + k);
    at += k;
  }
  return { type: 'number', numberType: c.numberType, sorted, missing: c.missing };
}

function encode(a: Float64Array | Uint32Array): string {
  const bytes = new Uint8Array(a.length * a.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  if (a instanceof Float64Array) a.forEach((v, i) => view.setFloat64(i * 8, v, true));
  else a.forEach((v, i) => view.setUint32(i * 4, v, true));
  return Buffer.from(bytes).toString('base64');
}

function bytesOf(b64: string, width: number, column: string): DataView {
  const buf = Buffer.from(b64, 'base64');
  if (buf.length % width !== 0) throw invalid(`drift reference: column '${column}' has a truncated value list.`);
  return new DataView(buf.buffer, buf.byteOffset, buf.length);
}

function decodeF64(b64: string, column: string): Float64Array {
  const view = bytesOf(b64, 8, column);
  const out = new Float64Array(view.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  for (const v of out) if (!Number.isFinite(v)) throw invalid(`drift reference: column '${column}' holds a non-finite value.`);
  return out;
}

function decodeU32(b64: string, column: string): Uint32Array {
  const view = bytesOf(b64, 4, column);
  const out = new Uint32Array(view.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

export function serializeDriftReference(ref: DriftReference): string {
  return `${JSON.stringify(ref)}\n`;
}

const key = z.union([z.string(), z.number(), z.boolean()]);
const count = z.number().int().nonnegative();
const referenceSchema = z.object({
  format: z.literal(DRIFT_REFERENCE_FORMAT),
  version: z.literal(1),
  rows: count,
  sourceRows: count,
  columns: z.array(
    z.discriminatedUnion('type', [
      z.object({ name: z.string(), type: z.literal('number'), numberType: z.enum(['integer', 'float']), missing: count, values: z.string(), counts: z.string().nullable() }),
      z.object({ name: z.string(), type: z.literal('category'), missing: count, categories: z.array(key), counts: z.array(count) }),
      z.object({ name: z.string(), type: z.literal('timestamp') }),
    ]),
  ),
});

/** A stored drift reference, checked; errors name the field. */
export function parseDriftReference(text: string): DriftReference {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw invalid(`drift reference is not JSON: ${(err as Error).message}`);
  }
  const r = referenceSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw invalid(`drift reference: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  for (const c of r.data.columns) {
    if (c.type === 'category' && c.categories.length !== c.counts.length) throw invalid(`drift reference: column '${c.name}' has ${c.categories.length} categories but ${c.counts.length} counts.`);
  }
  return r.data as DriftReference;
}

export function isDriftReference(x: unknown): x is DriftReference {
  return typeof x === 'object' && x !== null && (x as { format?: unknown }).format === DRIFT_REFERENCE_FORMAT;
}

/** `k` distinct row indices out of `n`, ascending: reservoir sampling with a seeded generator. */
function sampleIndices(n: number, k: number, seed: number): Int32Array {
  const random = mulberry32(seed);
  const chosen = new Int32Array(k);
  for (let i = 0; i < k; i++) chosen[i] = i;
  for (let i = k; i < n; i++) {
    const j = Math.floor(random() * (i + 1));
    if (j < k) chosen[j] = i;
  }
  return chosen.sort();
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function takeRows(col: Column, rows: Int32Array): Column {
  const pick = <T extends Float64Array | Uint8Array | Int32Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = a[rows[i] as number] as number;
    return out;
  };
  switch (col.kind) {
    case 'number':
      return { ...col, values: pick(col.values), valid: col.valid ? pick(col.valid) : undefined };
    case 'timestamp':
      return { ...col, values: pick(col.values), valid: col.valid ? pick(col.valid) : undefined };
    case 'boolean':
      return { ...col, values: pick(col.values), valid: col.valid ? pick(col.valid) : undefined };
    case 'string':
      return { ...col, codes: pick(col.codes) };
    case 'mixed':
      return { ...col, values: Array.from(rows, (r) => col.values[r]) };
  }
}
