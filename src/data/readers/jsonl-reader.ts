/**
 * JSON Lines → column chunks: one object per line; the columns are the union of the keys of the first
 * INFER_SAMPLE_ROWS objects (a missing key is null). A key first seen later cannot join a schema that
 * earlier chunks already have, so it makes its row bad rather than being dropped silently; declaring it in
 * `types` (or leaving it out via `columns`) is the way through.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { invalid, notFound } from '../../errors.js';
import { type Table } from '../table.js';
import { parseTimestamp } from './parse-text.js';
import { INFER_SAMPLE_ROWS, type ResolvedOptions } from './read-options.js';
import { BadRows, type ReadColumnType, type ReadStats, type Schema } from './read-stats.js';
import { ValueChunkBuilder, type ValuePlan } from './value-columns.js';

type Parsed = { ok: true; row: Record<string, unknown> } | { ok: false; reason: string };

function parseLine(text: string): Parsed {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, reason: 'not a JSON object' };
  return { ok: true, row: v as Record<string, unknown> };
}

/** Non-blank lines with their 1-based physical line numbers; a UTF-8 BOM on the first line is dropped. */
async function* lines(path: string): AsyncGenerator<[string, number]> {
  try {
    await stat(path);
  } catch {
    throw notFound(`${path}: no such file`, { file: path });
  }
  const input = createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (let text of rl) {
      line++;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') continue;
      yield [text, line];
    }
  } finally {
    // Stopping early (the inference sample) must not leave the file open.
    rl.close();
    input.destroy();
  }
}

class Votes {
  nonNull = 0;
  kinds = new Set<'integer' | 'float' | 'boolean' | 'timestamp' | 'string'>();
  add(v: unknown): void {
    if (v === null || v === undefined) return;
    this.nonNull++;
    if (typeof v === 'number') this.kinds.add(Number.isInteger(v) ? 'integer' : 'float');
    else if (typeof v === 'boolean') this.kinds.add('boolean');
    else if (typeof v === 'string' && !Number.isNaN(parseTimestamp(v))) this.kinds.add('timestamp');
    else this.kinds.add('string');
  }
  /** Numbers only → integer/float; one other kind only → it; anything mixed (or nested) → string. */
  result(): ReadColumnType {
    const k = this.kinds;
    if (k.size === 0) return 'string';
    if ([...k].every((x) => x === 'integer' || x === 'float')) return k.has('float') ? 'float' : 'integer';
    return k.size === 1 ? ([...k][0] as ReadColumnType) : 'string';
  }
}

/** Columns to read, in sample order then `types`-only names; plus every key a row may carry. */
async function plan(path: string, opts: ResolvedOptions): Promise<{ plans: ValuePlan[]; known: Set<string> }> {
  const votes = new Map<string, Votes>();
  let seen = 0;
  let any = false;
  for await (const [text] of lines(path)) {
    any = true;
    const parsed = parseLine(text);
    if (parsed.ok) {
      for (const [k, v] of Object.entries(parsed.row)) {
        let vote = votes.get(k);
        if (!vote) votes.set(k, (vote = new Votes()));
        vote.add(v);
      }
    }
    if (++seen >= INFER_SAMPLE_ROWS) break;
  }
  if (!any) throw invalid(`${path} is empty`, { file: path });
  const names = [...votes.keys(), ...Object.keys(opts.types).filter((k) => !votes.has(k))];
  const known = new Set(names);
  const missing = (opts.columns ?? []).filter((c) => !known.has(c));
  if (missing.length) {
    throw invalid(
      `${path}: no column ${missing.map((n) => `'${n}'`).join(', ')} in the first ${INFER_SAMPLE_ROWS} rows (declare it with types)`,
      {
        file: path,
      },
    );
  }
  const wanted = opts.columns ? new Set(opts.columns) : undefined;
  const plans = names
    .filter((name) => !wanted || wanted.has(name))
    .map((name) => {
      const forced = opts.types[name] as ReadColumnType | undefined;
      return { name, type: forced ?? votes.get(name)?.result() ?? 'string', strictInteger: forced === 'integer' };
    });
  return { plans, known };
}

export async function inferJsonlSchema(path: string, opts: ResolvedOptions): Promise<Schema> {
  const { plans } = await plan(path, opts);
  return { columns: plans.map(({ name, type }) => ({ name, type })) };
}

export async function* jsonlChunks(path: string, opts: ResolvedOptions, stats: ReadStats): AsyncGenerator<Table> {
  const { plans, known } = await plan(path, opts);
  const bad = new BadRows(path, opts.onBadRow, stats);
  const strictKeys = opts.columns === undefined;
  const values: unknown[] = plans.map(() => null);
  let chunk = new ValueChunkBuilder(plans, opts.chunkRows);
  let offset = 0;
  let emitted = false;
  const emit = (): Table => {
    const table = chunk.finish(offset);
    table.columns.forEach((c, i) => {
      if (c.type === 'float') (plans[i] as ValuePlan).type = 'float'; // sticky, as for CSV
    });
    offset += table.rowCount;
    stats.rows += table.rowCount;
    emitted = true;
    chunk = new ValueChunkBuilder(plans, opts.chunkRows);
    return table;
  };
  for await (const [text, line] of lines(path)) {
    const parsed = parseLine(text);
    if (!parsed.ok) {
      bad.report(line, parsed.reason);
      continue;
    }
    const row = parsed.row;
    const unknown = strictKeys ? Object.keys(row).find((k) => !known.has(k)) : undefined;
    if (unknown !== undefined) {
      bad.report(
        line,
        `key '${unknown}' is not among the columns inferred from the first ${INFER_SAMPLE_ROWS} rows (declare it with types)`,
        unknown,
      );
      continue;
    }
    plans.forEach((p, j) => (values[j] = row[p.name]));
    const problem = chunk.add(values);
    if (problem) bad.report(line, problem.reason, problem.column);
    else if (chunk.rows === opts.chunkRows) yield emit();
  }
  if (chunk.rows > 0 || !emitted) yield emit();
}
