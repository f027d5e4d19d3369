import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnByName, readTable, type Table, tableFromColumns, valueAt } from '../../src/data/index.js';
import { predict, trainModel, writeModelOnnx } from '../../src/train/index.js';
import { ensureBuilt, ROOT } from '../helpers/ensure-dist.js';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
const n = 120;
const training = tableFromColumns({
  x: Array.from({ length: n }, (_, i) => i / 10),
  color: Array.from({ length: n }, (_, i) => ['red', 'green', 'blue'][i % 3]),
  y: Array.from({ length: n }, (_, i) => (i / 10 + (i % 3) > 6 ? 'high' : 'low')),
});
const model = trainModel(training, { target: 'y', algorithm: 'logistic' });
// Rows to score, with a missing number and a missing colour.
const rows = {
  id: Array.from({ length: 25 }, (_, i) => `c${i}`),
  x: Array.from({ length: 25 }, (_, i) => (i === 4 ? null : (i * 7) % 13)),
  color: Array.from({ length: 25 }, (_, i) => (i === 9 ? null : ['blue', 'red', 'green'][i % 3])),
};
const expected = predict(model, tableFromColumns(rows));
const csv = `id,x,color\n${rows.id.map((id, i) => `${id},${rows.x[i] ?? ''},${rows.color[i] ?? ''}`).join('\n')}\n`;

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'slipway-predict-cli-'));
  await writeModelOnnx(model, join(dir, 'clf.onnx'));
  await writeFile(join(dir, 'in.csv'), csv);
}, 200_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the built CLI as a user would (stdout and stderr are pipes, not a terminal). */
function slipway(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'slipway.js'), ...args], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function column(t: Table, name: string): unknown[] {
  const col = columnByName(t, name);
  if (!col) throw new Error(`no column ${name}`);
  return Array.from({ length: t.rowCount }, (_, i) => valueAt(col, i));
}

function expectProbabilities(got: readonly unknown[], classIndex: number): void {
  const p = expected.probabilities as Float64Array;
  got.forEach((v, r) => expect(Math.abs((v as number) - (p[r * 2 + classIndex] as number))).toBeLessThan(1e-6));
}

describe('slipway predict (built CLI)', () => {
  it('scores a CSV into Parquet with a model file, in small batches, silently when not on a terminal', async () => {
    const r = await slipway([
      'predict',
      '--model',
      'clf.onnx',
      '--input',
      'in.csv',
      '--output',
      'out.parquet',
      '--batch-size',
      '4',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { rows: number; output: string; seconds: number; model: unknown };
    expect({ ...summary, seconds: typeof summary.seconds }).toEqual({
      rows: 25,
      output: 'out.parquet',
      seconds: 'number',
      model: { name: 'clf', version: null },
    });
    const out = await readTable(join(dir, 'out.parquet'));
    expect(out.columns.map((c) => c.name)).toEqual(['id', 'x', 'color', 'prediction', 'probability_high', 'probability_low']);
    expect(column(out, 'id')).toEqual(rows.id);
    expect(column(out, 'x')).toEqual(rows.x);
    expect(column(out, 'color')).toEqual(rows.color);
    expect(column(out, 'prediction')).toEqual(expected.labels);
    expectProbabilities(column(out, 'probability_high'), 0);
    expectProbabilities(column(out, 'probability_low'), 1);
    expect(new Set(expected.labels).size).toBe(2);
  }, 30_000);

  it('scores into JSON Lines with only the id and predictions, from a registry alias', async () => {
    const env = { SLIPWAY_HOME: join(dir, '.slipway') };
    expect((await runCli(['models', 'register', 'churn', '--source', join(dir, 'clf.onnx')], env)).code).toBe(0);
    expect((await runCli(['models', 'alias', 'churn', 'champion', '1'], env)).code).toBe(0);
    const r = await slipway(
      [
        'predict',
        '--model',
        'models:/churn@champion',
        '--input',
        'in.csv',
        '--output',
        'scores.jsonl',
        '--only-predictions',
        '--id-column',
        'id',
      ],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Scored 25 rows with churn v1 into scores\.jsonl \(\d+\.\ds(, [\d,]+ rows\/s)?\)\.\n$/);
    const lines = (await readFile(join(dir, 'scores.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => Object.keys(l))).toEqual(
      rows.id.map(() => ['id', 'prediction', 'probability_high', 'probability_low']),
    );
    expect(lines.map((l) => l.id)).toEqual(rows.id);
    expect(lines.map((l) => l.prediction)).toEqual(expected.labels);
    expectProbabilities(
      lines.map((l) => l.probability_high),
      0,
    );
  }, 30_000);
});

describe('slipway predict errors (in process)', () => {
  const at = (name: string) => join(dir, name);

  it('exits 2 naming the missing model column and the file, and writes nothing', async () => {
    await writeFile(at('nocolor.csv'), 'id,x\na,1\n');
    await writeFile(at('kept.csv'), 'previous');
    const r = await runCli(['predict', '--model', at('clf.onnx'), '--input', at('nocolor.csv'), '--output', at('kept.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`slipway: ${at('nocolor.csv')}: missing column 'color' that the model needs (it reads x, color)\n`);
    expect(await readFile(at('kept.csv'), 'utf8')).toBe('previous');
  });

  it('exits 2 naming the line and column of a bad number; the output is left as it was, with no temp file', async () => {
    await writeFile(at('bad.csv'), csv.replace(/\nc7,[^,]*,/, '\nc7,seven,'));
    const r = await runCli([
      'predict',
      '--model',
      at('clf.onnx'),
      '--input',
      at('bad.csv'),
      '--output',
      at('kept.csv'),
      '--batch-size',
      '3',
      '--json',
    ]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: `${at('bad.csv')}:9: column 'x' (float): cannot read 'seven' as a number`,
    });
    expect(await readFile(at('kept.csv'), 'utf8')).toBe('previous');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('exits 2 for an unknown extension, a bad format name, a missing input or model, and a bad batch size', async () => {
    const run = (args: string[]) => runCli(['predict', '--model', at('clf.onnx'), ...args]);
    const cases: [string[], string][] = [
      [
        ['--input', at('in.xlsx'), '--output', at('o.csv')],
        `${at('in.xlsx')}: cannot tell the format from the extension '.xlsx'; pass --input-format csv, jsonl or parquet.`,
      ],
      [
        ['--input', at('in.csv'), '--output', at('o.out')],
        `${at('o.out')}: cannot tell the format from the extension '.out'; pass --output-format csv, jsonl or parquet.`,
      ],
      [
        ['--input', at('in.csv'), '--output', at('o.csv'), '--output-format', 'xlsx'],
        `--output-format expects csv, jsonl or parquet, got 'xlsx'.`,
      ],
      [['--input', at('missing.csv'), '--output', at('o.csv')], `${at('missing.csv')}: no such file`],
      [
        ['--input', at('in.csv'), '--output', at('o.csv'), '--batch-size', '0'],
        `--batch-size expects a positive integer, got '0'.`,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect([r.code, r.stderr.split('\n')[0]], args.join(' ')).toEqual([2, `slipway: ${message}`]);
    }
    const noModel = await runCli(['predict', '--model', at('none.onnx'), '--input', at('in.csv'), '--output', at('o.csv')]);
    expect([noModel.code, noModel.stderr.split('\n')[0]]).toEqual([2, `slipway: Model file ${at('none.onnx')} does not exist.`]);
    expect((await readdir(dir)).filter((f) => f.startsWith('o.') || f.startsWith('.o.'))).toEqual([]);
  });

  it('takes the formats from the flags over the extensions', async () => {
    await writeFile(
      at('rows.dat'),
      rows.id.map((id, i) => JSON.stringify({ id, x: rows.x[i], color: rows.color[i] })).join('\n'),
    );
    const r = await runCli([
      'predict',
      '--model',
      at('clf.onnx'),
      '--input',
      at('rows.dat'),
      '--input-format',
      'jsonl',
      '--output',
      at('scores.txt'),
      '--output-format',
      'csv',
      '--only-predictions',
    ]);
    expect(r.code).toBe(0);
    const text = await readFile(at('scores.txt'), 'utf8');
    expect(text.split('\n')[0]).toBe('prediction,probability_high,probability_low');
    expect(
      text
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual(expected.labels);
  });
});
