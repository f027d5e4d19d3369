import { describe, expect, it } from 'vitest';
import { readChunks, readTable } from './read-table.js';
import { errorOf, tempFiles, typesOf, values } from './test-helpers.js';

const file = tempFiles('slipway-csv-');

describe('CSV syntax', () => {
  it('reads quoted fields with delimiters and doubled quotes inside', async () => {
    const f = await file('quotes.csv', '"name","the ""note"""\n"Smith, John","said ""hi"""\nplain,""\n');
    const t = await readTable(f, { columns: ['name', 'the "note"'] });
    expect(values(t, 'name')).toEqual(['Smith, John', 'plain']);
    expect(values(t, 'the "note"')).toEqual(['said "hi"', null]); // "" is the empty string, a null token by default
  });

  it('keeps newlines inside quoted fields and counts them in line numbers', async () => {
    const f = await file('newlines.csv', 'id,note\n1,"line one\nline two"\n2,"a\r\nb"\nx,ok\n');
    const t = await readTable(f, { types: { id: 'string' } });
    expect(values(t, 'note')).toEqual(['line one\nline two', 'a\r\nb', 'ok']);
    const err = await errorOf(readTable(f, { types: { id: 'integer' } }));
    expect(err.message).toBe(`${f}:6: column 'id' (integer): cannot read 'x' as a number`);
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.context).toMatchObject({ file: f, line: 6, column: 'id' });
  });

  it('strips a UTF-8 BOM and reads CRLF line ends', async () => {
    const f = await file('bom.csv', '\uFEFFa,b\r\n1,x\r\n2,y\r\n');
    const t = await readTable(f);
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(values(t, 'a')).toEqual([1, 2]);
    expect(values(t, 'b')).toEqual(['x', 'y']);
  });

  it('reads old Mac line ends (a lone CR)', async () => {
    const f = await file('cr.csv', 'a,b\r1,"x\ry"\rq,z\r');
    expect(values(await readTable(f, { types: { a: 'string' } }), 'b')).toEqual(['x\ry', 'z']);
    expect((await errorOf(readTable(f, { types: { a: 'integer' } }))).message).toBe(
      `${f}:4: column 'a' (integer): cannot read 'q' as a number`,
    );
  });

  it('keeps non-ASCII text intact', async () => {
    const f = await file('utf8.csv', 'city,n\nZürich,1\n東京,2\nZürich,3\n');
    const t = await readTable(f);
    expect(values(t, 'city')).toEqual(['Zürich', '東京', 'Zürich']);
  });

  it('skips blank lines but counts them', async () => {
    const f = await file('blank.csv', 'a\n1\n\n\n2\nq\n');
    expect(values(await readTable(f, { types: { a: 'string' } }), 'a')).toEqual(['1', '2', 'q']);
    expect((await errorOf(readTable(f, { types: { a: 'integer' } }))).message).toBe(
      `${f}:6: column 'a' (integer): cannot read 'q' as a number`,
    );
  });

  it('reads a last row without a newline, and an empty last field', async () => {
    const f = await file('noeol.csv', 'a,b\n1,2\n3,');
    expect(values(await readTable(f), 'b')).toEqual([2, null]);
  });

  it('reports an unclosed quote and text after a closing quote', async () => {
    const open = await file('open.csv', 'a,b\n1,2\n3,"abc\n4,5\n');
    expect((await errorOf(readTable(open))).message).toBe(
      `${open}:3: malformed row: quoted field not closed before the end of the file`,
    );
    const after = await file('after.csv', 'a,b\n"x"y,2\n');
    expect((await errorOf(readTable(after))).message).toBe(`${after}:2: malformed row: text after a closing quote`);
  });

  it('reads a quote inside an unquoted field literally', async () => {
    const f = await file('literal.csv', 'height,n\n5\'11",1\n');
    expect(values(await readTable(f), 'height')).toEqual(['5\'11"']);
  });

  it('reads a 10 MB field, quoted and unquoted', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const quoted = `${big.slice(0, 5_000_000)},\n"${big.slice(5_000_002)}`;
    const f = await file('huge.csv', `id,blob\n1,"${quoted.replace(/"/g, '""')}"\n2,${big}\n3,short\nz,x\n`);
    const t = await readTable(f, { types: { id: 'string' } });
    expect(values(t, 'id')).toEqual(['1', '2', '3', 'z']);
    const blob = values(t, 'blob') as string[];
    expect(blob[0]).toBe(quoted);
    expect(blob[1]?.length).toBe(10 * 1024 * 1024);
    expect(blob[2]).toBe('short');
    expect((await errorOf(readTable(f, { types: { id: 'integer' } }))).message).toBe(
      `${f}:6: column 'id' (integer): cannot read 'z' as a number`,
    );
  });
});

describe('empty input and headers', () => {
  it('rejects an empty file', async () => {
    for (const content of ['', '\uFEFF', '\n\r\n']) {
      const f = await file('empty.csv', content);
      const err = await errorOf(readTable(f));
      expect(err.message).toBe(`${f} is empty`);
      expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('reads a header-only file as zero rows of string columns, in one chunk', async () => {
    const f = await file('header.csv', 'a,b\n');
    const chunks = [];
    for await (const c of readChunks(f)) chunks.push(c);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.rowCount).toBe(0);
    expect(typesOf(chunks[0] as (typeof chunks)[0])).toEqual({ a: 'string', b: 'string' });
  });

  it('names duplicate and empty header names', async () => {
    const dup = await file('dup.csv', 'a,b,a,b,c\n1,2,3,4,5\n');
    expect((await errorOf(readTable(dup))).message).toBe(`${dup}:1: duplicate column name 'a', 'b'`);
    const empty = await file('emptyname.csv', 'a,,c, \n1,2,3,4\n');
    expect((await errorOf(readTable(empty))).message).toBe(`${empty}:1: empty column name at position 2, 4`);
  });

  it('names columns column_1… without a header', async () => {
    const f = await file('nohead.csv', '1,x\n2,y\n');
    const t = await readTable(f, { header: false });
    expect(typesOf(t)).toEqual({ column_1: 'integer', column_2: 'string' });
    expect(values(t, 'column_1')).toEqual([1, 2]);
  });

  it('says when the file does not exist', async () => {
    const err = await errorOf(readTable('/nonexistent/data.csv'));
    expect(err.code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(err.message).toBe('/nonexistent/data.csv: no such file');
  });
});

describe('delimiters', () => {
  it('detects semicolons, even with commas in the values', async () => {
    const f = await file('semi.csv', 'a;b;c\n1,5;x;"p;q"\n2,5;y;r\n');
    const t = await readTable(f);
    expect(values(t, 'a')).toEqual(['1,5', '2,5']);
    expect(values(t, 'c')).toEqual(['p;q', 'r']);
  });

  it('detects tabs (and .tsv means tabs)', async () => {
    const content = 'a\tb\n1\tx,y\n2\tz\n';
    for (const name of ['tabs.csv', 'tabs.tsv']) {
      const t = await readTable(await file(name, content));
      expect(values(t, 'b')).toEqual(['x,y', 'z']);
    }
  });

  it('ignores delimiters inside quotes when detecting', async () => {
    const f = await file('quoted-commas.csv', 'name|n\n"a,b,c"|1\n"d,e,f"|2\n');
    expect(values(await readTable(f), 'name')).toEqual(['a,b,c', 'd,e,f']);
  });

  it('takes an explicit delimiter', async () => {
    const f = await file('pipe.txt', 'a|b\n1|2\n');
    expect(values(await readTable(f, { delimiter: '|' }), 'b')).toEqual([2]);
    expect((await errorOf(readTable(f, { delimiter: '||' }))).message).toBe(
      "delimiter must be one ASCII character other than a quote or newline, got '||'",
    );
  });
});

describe('bad rows', () => {
  const ragged = 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n';

  it('reports a ragged row with its line', async () => {
    const f = await file('ragged.csv', ragged);
    expect((await errorOf(readTable(f))).message).toBe(`${f}:3: expected 3 fields, found 2`);
  });

  it('skips and counts ragged rows when asked', async () => {
    const f = await file('ragged.csv', ragged);
    const t = await readTable(f, { onBadRow: 'skip' });
    expect(t.rowCount).toBe(2);
    expect(t.badRows).toBe(2);
    expect(values(t, 'a')).toEqual([1, 10]);
    expect(values(t, 'c')).toEqual([3, 12]);
    expect(t.stats.badRowExamples).toEqual([
      { line: 3, reason: 'expected 3 fields, found 2' },
      { line: 4, reason: 'expected 3 fields, found 4' },
    ]);
  });

  it('reports a value that does not fit a type inferred from the sample', async () => {
    // The sample is the first 10,000 rows: 'abc' on line 10,004 meets an integer column.
    const rows = Array.from({ length: 10_005 }, (_, i) => `${i === 10_002 ? 'abc' : 20 + (i % 50)},w${i % 7}`);
    const f = await file('data.csv', `age,workclass\n${rows.join('\n')}\n`);
    const err = await errorOf(readTable(f));
    expect(err.message).toBe(`${f}:10004: column 'age' (integer): cannot read 'abc' as a number`);
    const t = await readTable(f, { onBadRow: 'skip' });
    expect(t.rowCount).toBe(10_004);
    expect(t.badRows).toBe(1);
    expect(t.stats.badRowExamples).toEqual([{ line: 10_004, reason: "column 'age' (integer): cannot read 'abc' as a number" }]);
    // The skipped row left nothing behind: no dictionary entry, no shifted values.
    expect(values(t, 'workclass')[10_002]).toBe('w0'); // row 10,003 (10003 % 7 = 0) moved up
  });

  it('reports the first bad column of a row, and skipped rows leave no values behind', async () => {
    const f = await file(
      'types.csv',
      'n,flag,when,label\n1,true,2011-01-01,a\nx,maybe,nope,b\n2,false,2011-01-02,c\n3,yes,2011-01-03,d\n',
    );
    const types = { n: 'integer', flag: 'boolean', when: 'timestamp' } as const;
    expect((await errorOf(readTable(f, { types }))).message).toBe(`${f}:3: column 'n' (integer): cannot read 'x' as a number`);
    const t = await readTable(f, { types, onBadRow: 'skip' });
    expect(t.stats.badRowExamples).toEqual([
      { line: 3, reason: "column 'n' (integer): cannot read 'x' as a number" },
      { line: 5, reason: "column 'flag' (boolean): cannot read 'yes' as a boolean (true/false)" },
    ]);
    expect(values(t, 'label')).toEqual(['a', 'c']);
    const label = t.columns.find((c) => c.name === 'label');
    expect(label?.kind === 'string' && label.dictionary).toEqual(['a', 'c']);
    expect(values(t, 'when')).toEqual([new Date(Date.UTC(2011, 0, 1)), new Date(Date.UTC(2011, 0, 2))]);
  });

  it('keeps the first 20 examples and counts the rest', async () => {
    const f = await file('many.csv', `a,b\n${Array.from({ length: 30 }, (_, i) => (i % 2 ? `${i},${i}` : `${i}`)).join('\n')}\n`);
    const t = await readTable(f, { onBadRow: 'skip' });
    expect(t.badRows).toBe(15);
    expect(t.rowCount).toBe(15);
    expect(t.stats.badRowExamples).toHaveLength(15);
    const g = await file('more.csv', `a,b\n${Array.from({ length: 30 }, (_, i) => `${i}`).join('\n')}\n`);
    const u = await readTable(g, { onBadRow: 'skip' });
    expect([u.badRows, u.stats.badRowExamples.length, u.stats.badRowExamples[19]?.line]).toEqual([30, 20, 21]);
  });
});
