import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { parquetWriteFile, type ColumnSource } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { type Table } from '../table.js';
import { inferSchema, readChunks, readTable } from './read-table.js';
import { errorOf, tempFiles, typesOf, values } from './test-helpers.js';

const file = tempFiles('slipway-parquet-');

/** Writes a Parquet fixture at test time (no binary fixtures in the repository). */
async function parquet(name: string, columnData: ColumnSource[], rowGroupSize?: number): Promise<string> {
  const dir = join(await file('.keep', ''), '..');
  const filename = join(dir, name);
  parquetWriteFile({ filename, columnData, ...(rowGroupSize ? { rowGroupSize } : {}) });
  return filename;
}

describe('Parquet', () => {
  it('maps physical and logical types to column types', async () => {
    const f = await parquet('types.parquet', [
      { name: 'i32', data: [1, 2, null], type: 'INT32' },
      { name: 'i64', data: [10n, null, 30n], type: 'INT64' },
      { name: 'f', data: [0.5, 1.5, null], type: 'DOUBLE' },
      { name: 'b', data: [true, null, false], type: 'BOOLEAN' },
      { name: 's', data: ['x', 'y', null], type: 'STRING' },
      { name: 't', data: [new Date(Date.UTC(2011, 0, 1)), null, new Date(Date.UTC(2011, 0, 1, 13, 45))], type: 'TIMESTAMP' },
    ]);
    expect((await inferSchema(f)).columns).toEqual([
      { name: 'i32', type: 'integer' },
      { name: 'i64', type: 'integer' },
      { name: 'f', type: 'float' },
      { name: 'b', type: 'boolean' },
      { name: 's', type: 'string' },
      { name: 't', type: 'timestamp' },
    ]);
    const t = await readTable(f);
    expect(values(t, 'i32')).toEqual([1, 2, null]);
    expect(values(t, 'i64')).toEqual([10, null, 30]);
    expect(values(t, 'f')).toEqual([0.5, 1.5, null]);
    expect(values(t, 'b')).toEqual([true, null, false]);
    expect(values(t, 's')).toEqual(['x', 'y', null]);
    expect(values(t, 't')).toEqual([new Date(Date.UTC(2011, 0, 1)), null, new Date(Date.UTC(2011, 0, 1, 13, 45))]);
  });

  it('chunks across row groups with offsets', async () => {
    const n = 10;
    const f = await parquet(
      'groups.parquet',
      [
        { name: 'i', data: Array.from({ length: n }, (_, i) => i), type: 'INT32' },
        { name: 'c', data: Array.from({ length: n }, (_, i) => `c${i % 3}`), type: 'STRING' },
      ],
      4,
    );
    expect((await parquetMetadataAsync(await asyncBufferFromFile(f))).row_groups.map((g) => Number(g.num_rows))).toEqual([
      4, 4, 2,
    ]);
    const chunks: Table[] = [];
    for await (const c of readChunks(f, { chunkRows: 3 })) chunks.push(c);
    expect(chunks.map((c) => [c.rowOffset, c.rowCount])).toEqual([
      [0, 3],
      [3, 3],
      [6, 3],
      [9, 1],
    ]);
    expect(chunks.flatMap((c) => values(c, 'i'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const c of chunks) expect(typesOf(c)).toEqual({ i: 'integer', c: 'string' });
  });

  it('reads many rows across groups and pages exactly', async () => {
    const n = 5_000;
    const f = await parquet(
      'many.parquet',
      [
        { name: 'i', data: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : i)), type: 'INT32' },
        { name: 's', data: Array.from({ length: n }, (_, i) => `v${i % 11}`), type: 'STRING' },
      ],
      1_300,
    );
    const t = await readTable(f, { chunkRows: 128 });
    expect(values(t, 'i')).toEqual(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : i)));
    expect(values(t, 's')).toEqual(Array.from({ length: n }, (_, i) => `v${i % 11}`));
  });

  it('selects columns and applies overrides', async () => {
    const f = await parquet('select.parquet', [
      { name: 'zip', data: ['02134', '10001'], type: 'STRING' },
      { name: 'n', data: [1, 2], type: 'INT32' },
      { name: 'skip', data: [true, false], type: 'BOOLEAN' },
    ]);
    const t = await readTable(f, { columns: ['zip', 'n'], types: { n: 'string', zip: 'integer' } });
    expect(typesOf(t)).toEqual({ zip: 'integer', n: 'string' });
    expect(values(t, 'zip')).toEqual([2134, 10001]);
    expect(values(t, 'n')).toEqual(['1', '2']);
  });

  it('reports a value an override cannot read by its row', async () => {
    const f = await parquet('bad.parquet', [{ name: 's', data: ['1', 'x', '3'], type: 'STRING' }]);
    expect((await errorOf(readTable(f, { types: { s: 'integer' } }))).message).toBe(
      `${f}: row 2: column 's' (integer): cannot read 'x' as a number`,
    );
    const t = await readTable(f, { types: { s: 'integer' }, onBadRow: 'skip' });
    expect(values(t, 's')).toEqual([1, 3]);
    expect(t.stats.badRowExamples).toEqual([{ line: 2, reason: "column 's' (integer): cannot read 'x' as a number" }]);
  });

  it('rejects empty and non-Parquet files', async () => {
    const empty = await file('empty.parquet', '');
    expect((await errorOf(readTable(empty))).message).toBe(`${empty} is empty`);
    const junk = await file('junk.parquet', 'a,b\n1,2\n');
    expect((await errorOf(readTable(junk))).message).toMatch(
      new RegExp(`^${junk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a readable Parquet file \\(`),
    );
  });
});
