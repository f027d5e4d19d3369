import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { stringColumn, type Table, tableFromColumns } from '../table.js';
import { readTable } from './read-table.js';
import { tempFiles, typesOf, values } from './test-helpers.js';
import { fromArrow, toArrow } from './to-arrow.js';

const file = tempFiles('slipway-arrow-');

function sample(): Table {
  const t = tableFromColumns(
    {
      i: [1, null, -3],
      big: [1, 2 ** 40, null],
      f: [0.5, null, 2],
      b: [true, false, null],
      ts: [new Date(Date.UTC(2011, 0, 1)), null, new Date(Date.UTC(2011, 0, 1, 13, 45, 0, 250))],
    },
    { i: 'integer', big: 'integer', f: 'float' },
  );
  return { ...t, columns: [...t.columns, stringColumn('s', ['x', null, 'x'])] };
}

describe('Arrow conversion', () => {
  it('maps columns to Arrow types', () => {
    const a = toArrow(sample());
    expect(a.numRows).toBe(3);
    expect(a.schema.fields.map((f) => [f.name, String(f.type), f.metadata.get('slipway.type')])).toEqual([
      ['i', 'Int32', 'integer'],
      ['big', 'Float64', 'integer'],
      ['f', 'Float64', 'float'],
      ['b', 'Bool', 'boolean'],
      ['ts', 'Timestamp<MILLISECOND, UTC>', 'timestamp'],
      ['s', 'Dictionary<Int32, Utf8>', 'string'],
    ]);
    expect(a.getChild('i')?.toJSON()).toEqual([1, null, -3]);
    expect(a.getChild('s')?.toJSON()).toEqual(['x', null, 'x']);
    expect(a.getChild('b')?.toJSON()).toEqual([true, false, null]);
  });

  it('round-trips through Arrow and through Arrow IPC bytes', () => {
    const t = sample();
    for (const back of [fromArrow(toArrow(t)), fromArrow(arrow.tableFromIPC(arrow.tableToIPC(toArrow(t))))]) {
      expect(back.rowCount).toBe(3);
      expect(typesOf(back)).toEqual(typesOf(t));
      for (const c of t.columns) expect(values(back, c.name)).toEqual(values(t, c.name));
    }
  });

  it('round-trips a table read from CSV', async () => {
    const f = await file('a.csv', 'n,x,c,flag\n1,0.25,red,true\n?,1.5,blue,\n3,,red,false\n');
    const t = await readTable(f);
    const back = fromArrow(toArrow(t));
    for (const c of t.columns) expect(values(back, c.name)).toEqual(values(t, c.name));
    const c = back.columns[2];
    expect(c?.kind === 'string' && [...c.codes]).toEqual([0, 1, 0]);
  });

  it('reads Arrow types Slipway does not produce', () => {
    const a = arrow.tableFromArrays({ u8: new Uint8Array([1, 2]), s: ['p', 'q'], i64: new BigInt64Array([5n, -7n]) });
    const t = fromArrow(a);
    expect(typesOf(t)).toEqual({ u8: 'integer', s: 'string', i64: 'integer' });
    expect(values(t, 'i64')).toEqual([5, -7]);
    expect(values(t, 's')).toEqual(['p', 'q']);
  });
});
