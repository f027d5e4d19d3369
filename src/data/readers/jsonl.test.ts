import { describe, expect, it } from 'vitest';
import { type Table } from '../table.js';
import { inferSchema, readChunks, readTable } from './read-table.js';
import { errorOf, tempFiles, typesOf, values } from './test-helpers.js';

const file = tempFiles('slipway-jsonl-');

describe('JSON Lines', () => {
  it('takes the union of keys as columns, missing keys as null', async () => {
    const f = await file(
      'rows.jsonl',
      [
        '{"id": 1, "score": 0.5, "ok": true, "name": "a", "at": "2011-01-01T00:00:00Z"}',
        '{"id": 2, "ok": false, "name": null, "extra": [1, {"x": 2}]}',
        '{"id": 3, "score": 2, "at": "2011-01-02", "extra": {"k": "v"}}',
      ].join('\n'),
    );
    const t = await readTable(f);
    expect(typesOf(t)).toEqual({
      id: 'integer',
      score: 'float',
      ok: 'boolean',
      name: 'string',
      at: 'timestamp',
      extra: 'string',
    });
    expect(values(t, 'id')).toEqual([1, 2, 3]);
    expect(values(t, 'score')).toEqual([0.5, null, 2]);
    expect(values(t, 'ok')).toEqual([true, false, null]);
    expect(values(t, 'name')).toEqual(['a', null, null]);
    expect(values(t, 'at')).toEqual([new Date(Date.UTC(2011, 0, 1)), null, new Date(Date.UTC(2011, 0, 2))]);
    expect(values(t, 'extra')).toEqual([null, '[1,{"x":2}]', '{"k":"v"}']);
  });

  it('reads a column of mixed kinds as strings', async () => {
    const f = await file('mixed.jsonl', '{"v": 1}\n{"v": "two"}\n{"v": true}\n');
    const t = await readTable(f);
    expect(values(t, 'v')).toEqual(['1', 'two', 'true']);
  });

  it('reports a line that is not JSON, or not an object, by its line', async () => {
    const f = await file('bad.jsonl', '\uFEFF{"a": 1}\r\n\r\n{"a": 2\n[1, 2]\n{"a": 3}\n');
    expect((await errorOf(readTable(f))).message).toBe(`${f}:3: not valid JSON`);
    const t = await readTable(f, { onBadRow: 'skip' });
    expect(values(t, 'a')).toEqual([1, 3]);
    expect(t.stats.badRowExamples).toEqual([
      { line: 3, reason: 'not valid JSON' },
      { line: 4, reason: 'not a JSON object' },
    ]);
  });

  it('reports a value that does not fit its column', async () => {
    const f = await file('types.jsonl', '{"n": 1, "b": true}\n{"n": "x", "b": true}\n{"n": 2, "b": "yes"}\n');
    const types = { n: 'integer', b: 'boolean' } as const;
    expect((await errorOf(readTable(f, { types }))).message).toBe(`${f}:2: column 'n' (integer): cannot read 'x' as a number`);
    const t = await readTable(f, { types, onBadRow: 'skip' });
    expect(t.stats.badRowExamples).toEqual([
      { line: 2, reason: "column 'n' (integer): cannot read 'x' as a number" },
      { line: 3, reason: "column 'b' (boolean): cannot read 'yes' as a boolean (true/false)" },
    ]);
  });

  it('rejects a key first seen after the sample, unless types declares it', async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => JSON.stringify(i === 10_000 ? { a: i, late: 'x' } : { a: i }));
    const f = await file('late.jsonl', rows.join('\n'));
    expect((await errorOf(readTable(f))).message).toBe(
      `${f}:10001: key 'late' is not among the columns inferred from the first 10000 rows (declare it with types)`,
    );
    const t = await readTable(f, { types: { late: 'string' } });
    expect(values(t, 'late').slice(9_999)).toEqual([null, 'x']);
    expect((await readTable(f, { columns: ['a'] })).rowCount).toBe(10_001);
  });

  it('streams chunks with offsets and per-chunk dictionaries', async () => {
    const f = await file('chunks.jsonl', Array.from({ length: 10 }, (_, i) => JSON.stringify({ i, c: `c${i % 2}` })).join('\n'));
    const chunks: Table[] = [];
    for await (const c of readChunks(f, { chunkRows: 3 })) chunks.push(c);
    expect(chunks.map((c) => [c.rowOffset, c.rowCount])).toEqual([
      [0, 3],
      [3, 3],
      [6, 3],
      [9, 1],
    ]);
    expect(chunks.map((c) => (c.columns[1]?.kind === 'string' ? c.columns[1].dictionary : []))).toEqual([
      ['c0', 'c1'],
      ['c1', 'c0'],
      ['c0', 'c1'],
      ['c1'],
    ]);
  });

  it('rejects an empty file and infers a schema without reading everything', async () => {
    const f = await file('empty.jsonl', '\n\n');
    expect((await errorOf(readTable(f))).message).toBe(`${f} is empty`);
    const g = await file('schema.ndjson', '{"a": 1.5, "b": "x"}\n');
    expect(await inferSchema(g, { types: { b: 'string', c: 'integer' } })).toEqual({
      columns: [
        { name: 'a', type: 'float' },
        { name: 'b', type: 'string' },
        { name: 'c', type: 'integer' },
      ],
    });
  });
});
