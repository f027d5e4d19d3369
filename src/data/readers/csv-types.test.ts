import { describe, expect, it } from 'vitest';
import { type Table } from '../table.js';
import { inferSchema, readChunks, readTable } from './read-table.js';
import { errorOf, tempFiles, typesOf, values } from './test-helpers.js';

const file = tempFiles('slipway-csv-types-');

describe('type inference', () => {
  it('infers integer, float, boolean, timestamp and string', async () => {
    const f = await file(
      'kinds.csv',
      'i,f,b,d,t,s,bits\n1,1.5,true,2011-01-01,2011-01-01T00:00:00Z,x,0\n-2,2,FALSE,2011-01-02,2011-01-01 13:45:00,y,1\n+3,.5,True,2012-02-29,2011-01-01T13:45:00.250+02:00,3,1\n',
    );
    const schema = await inferSchema(f);
    expect(schema.columns).toEqual([
      { name: 'i', type: 'integer' },
      { name: 'f', type: 'float' },
      { name: 'b', type: 'boolean' },
      { name: 'd', type: 'timestamp' },
      { name: 't', type: 'timestamp' },
      { name: 's', type: 'string' },
      { name: 'bits', type: 'integer' }, // 0/1 are numbers, not booleans
    ]);
    const t = await readTable(f);
    expect(typesOf(t)).toEqual(Object.fromEntries(schema.columns.map((c) => [c.name, c.type])));
    expect(values(t, 'i')).toEqual([1, -2, 3]);
    expect(values(t, 'f')).toEqual([1.5, 2, 0.5]);
    expect(values(t, 'b')).toEqual([true, false, true]);
    expect(values(t, 'd')).toEqual([
      new Date('2011-01-01T00:00:00Z'),
      new Date('2011-01-02T00:00:00Z'),
      new Date('2012-02-29T00:00:00Z'),
    ]);
    expect(values(t, 't')).toEqual([
      new Date('2011-01-01T00:00:00Z'),
      new Date('2011-01-01T13:45:00Z'),
      new Date('2011-01-01T11:45:00.250Z'),
    ]);
    expect(values(t, 's')).toEqual(['x', 'y', '3']);
  });

  it('reads only ISO-8601 as timestamps', async () => {
    const f = await file('dates.csv', 'us,bad,iso\n01/02/2011,2011-02-30,2011-03-01\n');
    expect(typesOf(await readTable(f))).toEqual({ us: 'string', bad: 'string', iso: 'timestamp' });
  });

  it('reads an all-null column as string', async () => {
    const f = await file('nulls.csv', 'a,b\n1,\n2,NA\n');
    expect(typesOf(await readTable(f))).toEqual({ a: 'integer', b: 'string' });
  });

  it('promotes an integer column that meets a fraction after the sample to float, from that chunk on', async () => {
    const rows = Array.from({ length: 15_010 }, (_, i) => (i === 10_000 ? '4.5' : `${i}`));
    const f = await file('promote.csv', `n\n${rows.join('\n')}\n`);
    const chunks: Table[] = [];
    for await (const c of readChunks(f, { chunkRows: 5_000 })) chunks.push(c);
    // The last chunk holds only whole numbers but stays float: a column does not flip back.
    expect(chunks.map((c) => c.columns[0]?.type)).toEqual(['integer', 'integer', 'float', 'float']);
    const t = await readTable(f, { chunkRows: 5_000 });
    expect(typesOf(t)).toEqual({ n: 'float' });
    expect(values(t, 'n').slice(9_999, 10_002)).toEqual([9_999, 4.5, 10_001]);
  });

  it('holds a forced integer to whole numbers', async () => {
    const f = await file('strict.csv', 'n\n1\n2.5\n');
    expect((await errorOf(readTable(f, { types: { n: 'integer' } }))).message).toBe(
      `${f}:3: column 'n' (integer): cannot read '2.5' as an integer`,
    );
  });

  it('depends on the first 10,000 rows only, whatever the chunk size', async () => {
    const rows = Array.from({ length: 10_010 }, (_, i) => (i < 10_000 ? `${i}` : `${i}.5`));
    const f = await file('sample.csv', `n\n${rows.join('\n')}\n`);
    for (const chunkRows of [7, 65_536])
      expect((await inferSchema(f, { chunkRows })).columns).toEqual([{ name: 'n', type: 'integer' }]);
  });
});

describe('null values', () => {
  it("reads '', NA, N/A, NaN, null, NULL and ? as null by default", async () => {
    const f = await file('tokens.csv', 'n,s\n1,a\n,\nNA,NA\nN/A,N/A\nNaN,NaN\nnull,null\nNULL,NULL\n?,?\n2,b\n');
    const t = await readTable(f);
    expect(typesOf(t)).toEqual({ n: 'integer', s: 'string' });
    expect(values(t, 'n')).toEqual([1, null, null, null, null, null, null, null, 2]);
    expect(values(t, 's')).toEqual(['a', null, null, null, null, null, null, null, 'b']);
  });

  it('takes a custom list instead of the default', async () => {
    const f = await file('custom.csv', 'n,s\n1,?\n-,NA\n3,\n');
    const t = await readTable(f, { nullValues: ['-'] });
    expect(values(t, 'n')).toEqual([1, null, 3]);
    expect(values(t, 's')).toEqual(['?', 'NA', '']);
  });

  it('matches null tokens exactly, after unquoting', async () => {
    const f = await file('quoted-null.csv', 's\n"NA"\nna\n" NA"\n');
    expect(values(await readTable(f), 's')).toEqual([null, 'na', ' NA']);
  });
});

describe('overrides and selection', () => {
  it('keeps leading zeros when a column is forced to string', async () => {
    const f = await file('zip.csv', 'zip,n\n02134,1\n10001,2\n');
    expect(values(await readTable(f), 'zip')).toEqual([2134, 10001]);
    const t = await readTable(f, { types: { zip: 'string' } });
    expect(values(t, 'zip')).toEqual(['02134', '10001']);
    expect(typesOf(t)).toEqual({ zip: 'string', n: 'integer' });
  });

  it('rejects overrides and selections naming no column', async () => {
    const f = await file('names.csv', 'a,b\n1,2\n');
    expect((await errorOf(readTable(f, { types: { zipp: 'string' } }))).message).toBe(
      `${f}: types names no column 'zipp' (columns: 'a', 'b')`,
    );
    expect((await errorOf(readTable(f, { columns: ['z'] }))).message).toBe(`${f}: no column 'z' (columns: 'a', 'b')`);
    expect((await errorOf(readTable(f, { types: { a: 'mixed' } }))).message).toBe(
      "types.a: 'mixed' is not one of integer, float, boolean, string, timestamp",
    );
  });

  it('reads only the selected columns, in file order, without checking the others', async () => {
    const f = await file('select.csv', 'a,b,c\n1,x,true\n2,y,false\n');
    const t = await readTable(f, { columns: ['c', 'a'], types: { b: 'integer' } });
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'c']);
    expect(values(t, 'c')).toEqual([true, false]);
  });
});

describe('chunks', () => {
  it('splits 10 rows into chunks of 3, 3, 3, 1 with offsets and one schema', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},${i / 2},c${i % 3}`);
    const f = await file('chunks.csv', `i,h,c\n${rows.join('\n')}\n`);
    const stream = readChunks(f, { chunkRows: 3 });
    const chunks: Table[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.rowCount)).toEqual([3, 3, 3, 1]);
    expect(chunks.map((c) => c.rowOffset)).toEqual([0, 3, 6, 9]);
    for (const c of chunks) expect(typesOf(c)).toEqual({ i: 'integer', h: 'float', c: 'string' });
    expect(chunks.flatMap((c) => values(c, 'i'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Each chunk has its own dictionary, in order of first appearance within the chunk.
    expect(chunks.map((c) => (c.columns[2]?.kind === 'string' ? c.columns[2].dictionary : []))).toEqual([
      ['c0', 'c1', 'c2'],
      ['c0', 'c1', 'c2'],
      ['c0', 'c1', 'c2'],
      ['c0'],
    ]);
    expect(stream.stats).toEqual({ rows: 10, badRows: 0, badRowExamples: [] });
    expect(() => stream[Symbol.asyncIterator]()).toThrow('a chunk stream can be iterated only once');
  });

  it('keeps offsets contiguous when bad rows are skipped', async () => {
    const f = await file('gaps.csv', 'a,b\n1,1\n2\n3,3\n4,4\n5\n6,6\n');
    const chunks: Table[] = [];
    for await (const c of readChunks(f, { chunkRows: 2, onBadRow: 'skip' })) chunks.push(c);
    expect(chunks.map((c) => [c.rowOffset, values(c, 'a')])).toEqual([
      [0, [1, 3]],
      [2, [4, 6]],
    ]);
  });

  it('reads rows that straddle read blocks, including a CRLF split across two', async () => {
    // Rows of 9 bytes over ~3.6 MB; shifting the start by 0..8 bytes puts every byte of a row, the CR
    // included, on the 2 MiB boundary of the first read once.
    for (let shift = 0; shift < 9; shift++) {
      const n = 400_000;
      const body = Array.from({ length: n }, (_, i) => `${String(i % 1000).padStart(3, '0')},"${i % 10}"\r\n`).join('');
      const f = await file(`blocks${shift}.csv`, `${'k'.repeat(shift + 1)},v\r\n${body}`);
      const t = await readTable(f, { types: { v: 'integer' } });
      expect(t.rowCount).toBe(n);
      const v = t.columns[1];
      expect(v?.kind === 'number' && v.values.reduce((a, b) => a + b, 0)).toBe(4.5 * n);
    }
  });

  it('counts lines right across blocks', async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => (i === 299_990 ? 'oops,"multi\nline"' : `${i},"multi\nline"`));
    const f = await file('far.csv', `n,text\n${rows.join('\n')}\n`);
    expect((await errorOf(readTable(f))).message).toBe(`${f}:599982: column 'n' (integer): cannot read 'oops' as a number`);
  });
});
