import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { columnFromValues, tableFromColumns, type Table } from '../table.js';
import { readTable } from '../readers/read-table.js';
import { errorOf, tempFiles, values } from '../readers/test-helpers.js';
import { openTableWriter, type WriteFormat } from './table-writer.js';

const file = tempFiles('slipway-writers-');
const folder = async (name: string) => {
  const dir = join(await file('.keep', ''), '..', name);
  await mkdir(dir, { recursive: true });
  return dir;
};

const at = (d: string) => new Date(d);
// Two chunks with different string dictionaries (the second sees 'b' first), nulls in every kind.
const chunkA = tableFromColumns({
  id: [1, 2, 3],
  score: [0.5, null, -1.25e-7],
  ok: [true, null, false],
  when: [at('2011-01-01T00:00:00Z'), null, at('2011-01-01T13:45:00.123Z')],
  text: ['plain', 'comma, "quoted"\nand a newline', null],
});
const chunkB = tableFromColumns({
  id: [4, 5],
  score: [3, 1e21],
  ok: [true, true],
  when: [at('1999-12-31T23:59:59Z'), at('2024-02-29T00:00:00Z')],
  text: ['ünïcödé ✓', 'plain'],
});

async function writeChunks(path: string, chunks: readonly Table[], format?: WriteFormat): Promise<void> {
  const w = await openTableWriter(path, format ? { format } : {});
  for (const c of chunks) await w.write(c);
  await w.close();
}

describe('table writers', () => {
  for (const ext of ['csv', 'jsonl', 'parquet'] as const) {
    it(`round-trips every column kind through the ${ext} reader`, async () => {
      const path = join(await folder('rt'), `out.${ext}`);
      await writeChunks(path, [chunkA, chunkB]);
      const t = await readTable(path);
      expect(t.rowCount).toBe(5);
      expect(t.columns.map((c) => c.name)).toEqual(['id', 'score', 'ok', 'when', 'text']);
      expect(values(t, 'id')).toEqual([1, 2, 3, 4, 5]);
      expect(values(t, 'score')).toEqual([0.5, null, -1.25e-7, 3, 1e21]);
      expect(values(t, 'ok')).toEqual([true, null, false, true, true]);
      expect(values(t, 'when')).toEqual([
        at('2011-01-01T00:00:00Z'),
        null,
        at('2011-01-01T13:45:00.123Z'),
        at('1999-12-31T23:59:59Z'),
        at('2024-02-29T00:00:00Z'),
      ]);
      expect(values(t, 'text')).toEqual(['plain', 'comma, "quoted"\nand a newline', null, 'ünïcödé ✓', 'plain']);
      // Parquet stores every number as DOUBLE (see parquet-writer.ts); text formats keep integers integers.
      expect(t.columns[0]?.type).toBe(ext === 'parquet' ? 'float' : 'integer');
    });
  }

  it('writes RFC 4180 CSV: header, quotes only where needed, doubled quotes, empty field for null', async () => {
    const path = join(await folder('csv'), 'exact.csv');
    await writeChunks(path, [tableFromColumns({ 'a,b': ['x', 'say "hi"', null, 'cr\rlf'], n: [1, 2.5, null, -0] })]);
    expect(await readFile(path, 'utf8')).toBe('"a,b",n\nx,1\n"say ""hi""",2.5\n,\n"cr\rlf",0\n');
  });

  it("writes JSON Lines with keys in column order, even integer-like names and '__proto__'", async () => {
    const path = join(await folder('jsonl'), 'exact.jsonl');
    // Built column by column: an object literal would itself move '2020' first.
    const columns = [
      columnFromValues('name', ['a', null]),
      columnFromValues('2020', [1, Number.NaN]),
      columnFromValues('__proto__', [true, false]),
    ];
    await writeChunks(path, [{ columns, rowCount: 2, rowOffset: 0 }]);
    expect(await readFile(path, 'utf8')).toBe(
      '{"name":"a","2020":1,"__proto__":true}\n{"name":null,"2020":null,"__proto__":false}\n',
    );
  });

  it('writes one Parquet row group per chunk', async () => {
    const path = join(await folder('pq'), 'groups.parquet');
    await writeChunks(path, [chunkA, chunkB, chunkA]);
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(path));
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([3, 2, 3]);
    expect(Number(meta.num_rows)).toBe(8);
  });

  it('writes an empty input as a file with its columns and no rows', async () => {
    for (const ext of ['csv', 'parquet'] as const) {
      const path = join(await folder('empty'), `none.${ext}`);
      await writeChunks(path, [tableFromColumns({ a: [], b: [] }, { a: 'integer', b: 'string' })]);
      const t = await readTable(path);
      expect([t.rowCount, t.columns.map((c) => c.name)]).toEqual([0, ['a', 'b']]);
    }
  });

  it('takes the format from the options over the extension, and rejects an unknown extension', async () => {
    const dir = await folder('fmt');
    await writeChunks(join(dir, 'rows.out'), [chunkB], 'jsonl');
    expect((await readFile(join(dir, 'rows.out'), 'utf8')).split('\n')[0]).toBe(
      '{"id":4,"score":3,"ok":true,"when":"1999-12-31T23:59:59.000Z","text":"ünïcödé ✓"}',
    );
    const err = await errorOf(openTableWriter(join(dir, 'rows.xlsx')));
    expect(err.message).toBe(
      `${join(dir, 'rows.xlsx')}: cannot tell the format from the extension '.xlsx'; pass format: 'csv', 'jsonl' or 'parquet'`,
    );
    expect(await readdir(dir)).toEqual(['rows.out']);
  });
});

describe('atomic output', () => {
  it('shows nothing at the path until close, then the whole file', async () => {
    const dir = await folder('atomic');
    const path = join(dir, 'out.csv');
    const w = await openTableWriter(path);
    await w.write(chunkB);
    expect(await readdir(dir)).toEqual([expect.stringMatching(/^\.out\.csv\.[0-9a-f]{12}\.tmp$/)]);
    await w.close();
    expect(await readdir(dir)).toEqual(['out.csv']);
    expect(w.rows).toBe(2);
  });

  it('abort removes the temp file and leaves an existing output as it was', async () => {
    const dir = await folder('abort');
    const path = join(dir, 'out.parquet');
    await writeFile(path, 'previous results');
    const w = await openTableWriter(path);
    await w.write(chunkA);
    await w.abort();
    await w.abort(); // twice is harmless
    expect(await readdir(dir)).toEqual(['out.parquet']);
    expect(await readFile(path, 'utf8')).toBe('previous results');
  });

  it('refuses a chunk whose columns differ from the first, and says when the folder does not exist', async () => {
    const dir = await folder('shape');
    const w = await openTableWriter(join(dir, 'x.jsonl'));
    await w.write(chunkA);
    await expect(w.write(tableFromColumns({ id: [1] }))).rejects.toThrow(
      "a chunk's columns (id:number) differ from the first chunk's",
    );
    await w.abort();
    const missing = join(dir, 'no', 'such', 'x.csv');
    expect((await errorOf(openTableWriter(missing))).message).toBe(
      `${missing}: the folder ${join(dir, 'no', 'such')} does not exist`,
    );
  });
});
