import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnByName, columnLength, openTableWriter, readTable, type Table, tableFromColumns, valueAt } from '../data/index.js';
import { exitCodeOf, SlipwayError } from '../errors.js';
import {
  exportOnnx,
  loadOnnx,
  type OnnxPredictor,
  predict,
  type Predictions,
  trainModel,
  type TrainedModel,
} from '../train/index.js';
import { batchPredict, scoreFile, type ScoringPredictor } from './batch-predict.js';
import { syntheticRows } from './test-helpers.js';

let dir: string;
let classifier: OnnxPredictor;
let regressor: OnnxPredictor;
let clfModel: TrainedModel;
let regModel: TrainedModel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-batch-predict-'));
  const train = syntheticRows(150, 7);
  const y = train.x1.map((a, i) =>
    a + (train.color[i] === 'red' ? 3 : 0) > 6 ? 'high' : (train.x2[i] as number) > 0 ? 'mid' : 'low',
  );
  const amount = train.x1.map((a, i) => 2 * a - (train.x2[i] as number) + (train.color[i] === 'blue' ? 1.5 : 0));
  clfModel = trainModel(tableFromColumns({ ...train, y }), { target: 'y', algorithm: 'logistic' });
  regModel = trainModel(tableFromColumns({ ...train, amount }), { target: 'amount', algorithm: 'gbdt' });
  classifier = await loadOnnx(exportOnnx(clfModel));
  regressor = await loadOnnx(exportOnnx(regModel));
});
afterAll(async () => {
  await classifier.close();
  await regressor.close();
  await rm(dir, { recursive: true, force: true });
});

const path = (name: string) => join(dir, name);
const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Known rows (so expectations do not go through the readers), with nulls and awkward text. */
function rowsOf(n: number, seed: number) {
  const base = syntheticRows(n, seed);
  return {
    id: base.x1.map((_, i) => `r${i}`),
    x1: base.x1.map((v, i) => (i % 11 === 3 ? null : v)),
    x2: base.x2,
    color: base.color.map((c, i) => (i % 13 === 5 ? null : c)),
    note: base.x1.map((_, i) => (i % 4 === 0 ? `line one, "${i}"\nline two` : `n${i}`)),
  };
}
type Rows = ReturnType<typeof rowsOf>;

/** CSV text of rows, with a blank line after every 5th row (the reader skips blank lines). */
function csvOf(rows: Rows): string {
  const names = Object.keys(rows) as (keyof Rows)[];
  const lines = [names.join(',')];
  for (let i = 0; i < rows.id.length; i++) {
    lines.push(names.map((k) => (rows[k][i] === null ? '' : csvField(String(rows[k][i])))).join(','));
    if (i % 5 === 4) lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function column(t: Table, name: string): unknown[] {
  const col = columnByName(t, name);
  if (!col) throw new Error(`no column ${name} in [${t.columns.map((c) => c.name).join(', ')}]`);
  return Array.from({ length: columnLength(col) }, (_, i) => valueAt(col, i));
}

/** The output's predictions against predict() on the same rows: labels exact, numbers within 1e-6. */
function expectPredictions(out: Table, model: TrainedModel, expected: Predictions): void {
  const maxDiff = (a: readonly unknown[], b: ArrayLike<number>) =>
    Math.max(0, ...a.map((v, i) => Math.abs((v as number) - (b[i] as number))));
  if (model.task === 'regression') {
    expect(maxDiff(column(out, 'prediction'), expected.values as Float64Array)).toBeLessThan(1e-6 * 20); // values reach ~20: 1e-6 relative
    return;
  }
  expect(column(out, 'prediction')).toEqual(expected.labels);
  const classes = model.classes ?? [];
  classes.forEach((c, k) => {
    const p = expected.probabilities as Float64Array;
    const want = Array.from({ length: out.rowCount }, (_, r) => p[r * classes.length + k] as number);
    expect(maxDiff(column(out, `probability_${c}`), want)).toBeLessThan(1e-6);
  });
}

describe('scoreFile', () => {
  it('predicts what predict() does, in any batch size, passing the input columns through', async () => {
    const rows = rowsOf(53, 3);
    await writeFile(path('in.csv'), csvOf(rows));
    const expected = predict(clfModel, tableFromColumns(rows));
    for (const batchSize of [1, 3, 7, 10_000]) {
      const output = path(`out-${batchSize}.csv`);
      const result = await scoreFile({ input: path('in.csv'), output, predictor: classifier, batchSize });
      expect(result).toEqual({ rows: 53, chunks: Math.ceil(53 / batchSize), output });
      // Not byte-equal across batch sizes: onnxruntime's float32 kernels round differently by batch shape.
      expectPredictions(await readTable(output), clfModel, expected);
    }
    const out = await readTable(path('out-3.csv'));
    expect(out.columns.map((c) => c.name)).toEqual([
      'id',
      'x1',
      'x2',
      'color',
      'note',
      'prediction',
      'probability_high',
      'probability_low',
      'probability_mid',
    ]);
    expect(column(out, 'id')).toEqual(rows.id);
    expect(column(out, 'x1')).toEqual(rows.x1);
    expect(column(out, 'color')).toEqual(rows.color);
    expect(column(out, 'note')).toEqual(rows.note);
    expectPredictions(out, clfModel, expected);
    // The labels are not all one class, so the comparison above means something.
    expect(new Set(expected.labels).size).toBe(3);
  });

  it('writes CSV, JSON Lines and Parquet that the readers read back to the same rows and predictions', async () => {
    const rows = rowsOf(40, 11);
    await writeFile(path('rt.csv'), csvOf(rows));
    const expected = predict(clfModel, tableFromColumns(rows));
    for (const ext of ['csv', 'jsonl', 'parquet']) {
      const output = path(`rt-out.${ext}`);
      await scoreFile({ input: path('rt.csv'), output, predictor: classifier, batchSize: 16 });
      const out = await readTable(output);
      expect(out.rowCount).toBe(40);
      for (const name of ['id', 'x1', 'x2', 'color', 'note'] as const)
        expect(column(out, name), `${ext} ${name}`).toEqual(rows[name]);
      expectPredictions(out, clfModel, expected);
    }
  });

  it('scores JSON Lines and Parquet inputs, and regression models', async () => {
    const rows = rowsOf(30, 5);
    const expected = predict(regModel, tableFromColumns(rows));
    await writeFile(
      path('reg.jsonl'),
      rows.id.map((_, i) => JSON.stringify({ id: rows.id[i], x1: rows.x1[i], x2: rows.x2[i], color: rows.color[i] })).join('\n'),
    );
    parquetWriteFile({
      filename: path('reg.parquet'),
      columnData: [
        { name: 'x1', data: rows.x1, type: 'DOUBLE' },
        { name: 'x2', data: rows.x2, type: 'DOUBLE' },
        { name: 'color', data: rows.color, type: 'STRING' },
      ],
      rowGroupSize: 8,
    });
    const progress: [number, number | undefined][] = [];
    for (const input of [path('reg.jsonl'), path('reg.parquet')]) {
      progress.length = 0;
      const output = `${input}.scored.jsonl`;
      await scoreFile({
        input,
        output,
        predictor: regressor,
        batchSize: 12,
        onProgress: (p) => progress.push([p.rows, p.total]),
      });
      const out = await readTable(output);
      expect(column(out, 'x1')).toEqual(rows.x1);
      expectPredictions(out, regModel, expected);
      // Parquet's footer gives the total; JSON Lines has none.
      const total = input.endsWith('.parquet') ? 30 : undefined;
      expect(progress).toEqual([
        [12, total],
        [24, total],
        [30, total],
      ]);
    }
  });

  it('writes only the id and prediction columns with onlyPredictions', async () => {
    const rows = rowsOf(9, 2);
    await writeFile(path('only.csv'), csvOf(rows));
    await scoreFile({
      input: path('only.csv'),
      output: path('only.jsonl'),
      predictor: classifier,
      onlyPredictions: true,
      idColumn: 'id',
    });
    const lines = (await readFile(path('only.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(lines[0] ?? {})).toEqual(['id', 'prediction', 'probability_high', 'probability_low', 'probability_mid']);
    expect(lines.map((l) => l.id)).toEqual(rows.id);
    expect(lines.map((l) => l.prediction)).toEqual(predict(clfModel, tableFromColumns(rows)).labels);
    await scoreFile({ input: path('only.csv'), output: path('only-bare.csv'), predictor: regressor, onlyPredictions: true });
    expect((await readFile(path('only-bare.csv'), 'utf8')).split('\n')[0]).toBe('prediction');
  });

  it('reads rows whose quoted, multi-line field straddles the reader’s 2 MiB block boundary', async () => {
    const n = 2_200; // ~2.3 MB with a 1 kB note per row
    const rows = { ...rowsOf(n, 9), note: Array.from({ length: n }, (_, i) => `n${i}-${'p'.repeat(1000)}`) };
    const boundary = 2 * 1024 * 1024; // CsvSource's first read
    // The row whose line runs across (boundary - 200) gets a 4 kB quoted note with newlines in it.
    const lines = csvOf(rows).split('\n');
    let offset = 0;
    let line = 0;
    while (offset + (lines[line] as string).length + 1 <= boundary - 200) offset += (lines[line++] as string).length + 1;
    const k = rows.id.indexOf((lines[line] as string).split(',')[0] as string);
    expect(k).toBeGreaterThan(0);
    rows.note[k] = `long, "quoted"\n${'x'.repeat(4000)}\nend`;
    const text = csvOf(rows);
    const start = text.indexOf('"long, ""quoted""');
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThan(boundary);
    expect(start + 4000).toBeGreaterThan(boundary);
    await writeFile(path('big.csv'), text);
    await scoreFile({ input: path('big.csv'), output: path('big.csv.out.csv'), predictor: classifier, batchSize: 500 });
    const out = await readTable(path('big.csv.out.csv'));
    expect(column(out, 'note')).toEqual(rows.note);
    expect(column(out, 'id')).toEqual(rows.id);
    expect(column(out, 'prediction')).toEqual(predict(clfModel, tableFromColumns(rows)).labels);
  });
});

/** A predictor that records the rows of every call. */
function spy(inner: ScoringPredictor, log: string[] = []): ScoringPredictor & { calls: number[] } {
  const calls: number[] = [];
  return {
    model: inner.model,
    calls,
    run(data) {
      calls.push(data.rowCount);
      log.push(`run ${data.rowCount}`);
      return inner.run(data);
    },
  };
}

describe('bounded memory', () => {
  it('makes ceil(rows / batch) runtime calls of at most batch rows each', async () => {
    const rows = rowsOf(1_000, 13);
    await writeFile(path('many.csv'), csvOf(rows));
    const p = spy(classifier);
    const result = await scoreFile({ input: path('many.csv'), output: path('many.csv.out.csv'), predictor: p, batchSize: 64 });
    expect(result.rows).toBe(1_000);
    expect(p.calls).toHaveLength(Math.ceil(1_000 / 64)); // 16: fifteen of 64 rows, then 40
    expect(p.calls.every((rows) => rows <= 64)).toBe(true);
    expect(p.calls.slice(-2)).toEqual([64, 40]);
  });

  it('writes each chunk before it asks for the next', async () => {
    const log: string[] = [];
    async function* chunks(): AsyncGenerator<Table> {
      for (let c = 0; c < 3; c++) {
        log.push(`read ${c}`);
        const r = syntheticRows(4, c);
        yield { ...tableFromColumns(r), rowOffset: c * 4 };
      }
    }
    const real = await openTableWriter(path('order.jsonl'));
    const writer = {
      ...real,
      write: async (t: Table) => {
        log.push(`write ${t.rowCount}`);
        await real.write(t);
      },
    };
    const result = await batchPredict({ chunks: chunks(), predictor: spy(classifier, log), writer, source: 'gen' });
    await real.close();
    expect(result).toEqual({ rows: 12, chunks: 3 });
    expect(log).toEqual(['read 0', 'run 4', 'write 4', 'read 1', 'run 4', 'write 4', 'read 2', 'run 4', 'write 4']);
  });
});

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SlipwayError);
  return err as SlipwayError;
}

describe('errors', () => {
  it('names the missing model columns and the file, before writing anything (exit 2)', async () => {
    await writeFile(path('nox.csv'), 'id,x1,shade\na,1,red\n');
    const err = await failure(scoreFile({ input: path('nox.csv'), output: path('nox.out.csv'), predictor: classifier }));
    expect(err.message).toBe(`${path('nox.csv')}: missing columns 'x2', 'color' that the model needs (it reads x1, x2, color)`);
    expect(exitCodeOf(err)).toBe(2);
    await writeFile(path('nox1.csv'), 'id,x1,x2\na,1,2\n');
    const one = await failure(scoreFile({ input: path('nox1.csv'), output: path('nox.out.csv'), predictor: classifier }));
    expect(one.message).toBe(`${path('nox1.csv')}: missing column 'color' that the model needs (it reads x1, x2, color)`);
    const id = await failure(
      scoreFile({
        input: path('in.csv'),
        output: path('nox.out.csv'),
        predictor: classifier,
        onlyPredictions: true,
        idColumn: 'key',
      }),
    );
    expect(id.message).toBe(`${path('in.csv')}: no id column 'key' (columns: id, x1, x2, color, note)`);
    expect((await readdir(dir)).filter((f) => f.startsWith('nox.out') || f.startsWith('.nox.out'))).toEqual([]);
  });

  it('names the line and column of a bad number in a later chunk, and leaves an existing output as it was', async () => {
    const rows = rowsOf(30, 4);
    const text = csvOf(rows).replace(/\nr25,[^,]*,/, '\nr25,abc,'); // data row 26, in the third chunk of 10
    const line = text.slice(0, text.indexOf('\nr25,abc,') + 1).split('\n').length; // blank lines and quoted newlines count
    expect(line).toBe(39);
    await writeFile(path('bad.csv'), text);
    await writeFile(path('bad.out.parquet'), 'previous results');
    const err = await failure(
      scoreFile({ input: path('bad.csv'), output: path('bad.out.parquet'), predictor: classifier, batchSize: 10 }),
    );
    expect(err.message).toBe(`${path('bad.csv')}:${line}: column 'x1' (float): cannot read 'abc' as a number`);
    expect(exitCodeOf(err)).toBe(2);
    expect(await readFile(path('bad.out.parquet'), 'utf8')).toBe('previous results');
    expect((await readdir(dir)).filter((f) => f.includes('bad.out'))).toEqual(['bad.out.parquet']);
  });

  it('names the row (in the whole input) and column of a non-number in a numeric feature from any chunk stream', async () => {
    async function* chunks(): AsyncGenerator<Table> {
      yield tableFromColumns({ x1: ['1', '2'], x2: [0, 0], color: ['red', 'red'] });
      yield { ...tableFromColumns({ x1: ['3', 'n/a?'], x2: [0, 0], color: ['red', 'red'] }), rowOffset: 2 };
    }
    const writer = await openTableWriter(path('stream.csv'));
    const err = await failure(batchPredict({ chunks: chunks(), predictor: classifier, writer, source: 'upload.csv' }));
    await writer.abort();
    expect(err.message).toBe(`upload.csv: row 4: column 'x1' is numeric in the model, but holds "n/a?"`);
  });

  it('says when the input does not exist, its extension says no format, or a column would be repeated', async () => {
    const missing = await failure(scoreFile({ input: path('nope.csv'), output: path('nope.out.csv'), predictor: classifier }));
    expect(missing.message).toBe(`${path('nope.csv')}: no such file`);
    expect(exitCodeOf(missing)).toBe(2);
    await writeFile(path('rows.xlsx'), 'x');
    const ext = await failure(scoreFile({ input: path('rows.xlsx'), output: path('x.csv'), predictor: classifier }));
    expect(ext.message).toBe(
      `${path('rows.xlsx')}: cannot tell the format from the extension '.xlsx'; pass format: 'csv', 'jsonl' or 'parquet'`,
    );
    const out = await failure(scoreFile({ input: path('in.csv'), output: path('x.xlsx'), predictor: classifier }));
    expect(out.message).toBe(
      `${path('x.xlsx')}: cannot tell the format from the extension '.xlsx'; pass format: 'csv', 'jsonl' or 'parquet'`,
    );
    await writeFile(path('again.csv'), 'x1,x2,color,prediction\n1,2,red,high\n');
    const clash = await failure(scoreFile({ input: path('again.csv'), output: path('again.out.csv'), predictor: classifier }));
    expect(clash.message).toBe(
      `${path('again.csv')}: the input already has 'prediction', which the output's prediction columns would repeat; rename it, or write only the predictions (--only-predictions)`,
    );
    await scoreFile({ input: path('again.csv'), output: path('again.out.csv'), predictor: classifier, onlyPredictions: true });
    const same = await failure(scoreFile({ input: path('in.csv'), output: path('in.csv'), predictor: classifier }));
    expect(same.message).toBe(`${path('in.csv')}: the output would replace the input; write it elsewhere`);
  });
});
