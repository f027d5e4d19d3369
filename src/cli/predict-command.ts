import { extname } from 'node:path';
import type { Command } from 'commander';
import { writeFormatOf, type WriteFormat } from '../data/index.js';
import { invalid } from '../errors.js';
import { DEFAULT_BATCH_SIZE, scoreFile } from '../serve/index.js';
import { loadOnnx } from '../train/index.js';
import { resolveModelSource } from './model-source.js';
import { printJson, printLine } from './output.js';
import { parsePositiveInt } from './parse-args.js';
import { progressLine } from './progress-line.js';

const FORMATS: readonly WriteFormat[] = ['csv', 'jsonl', 'parquet'];

interface PredictOptions {
  model: string;
  input: string;
  output: string;
  inputFormat?: string;
  outputFormat?: string;
  batchSize: string;
  onlyPredictions?: boolean;
  idColumn?: string;
  json?: boolean;
}

export function predictCommand(program: Command): void {
  program
    .command('predict')
    .description('batch scoring: stream a CSV, JSON Lines or Parquet file through a model into another file')
    .requiredOption('--model <file|uri>', 'a .onnx file, or models:/NAME/VERSION | models:/NAME@ALIAS')
    .requiredOption('--input <file>', 'rows to score (.csv/.tsv, .jsonl/.ndjson, .parquet)')
    .requiredOption('--output <file>', 'where the scored rows go (.csv, .jsonl/.ndjson, .parquet); replaced atomically')
    .option('--input-format <format>', 'csv | jsonl | parquet (default: by extension)')
    .option('--output-format <format>', 'csv | jsonl | parquet (default: by extension)')
    .option('--batch-size <rows>', 'rows read, predicted and written at a time (bounds memory)', String(DEFAULT_BATCH_SIZE))
    .option('--only-predictions', 'write only the prediction columns, not the input columns')
    .option('--id-column <column>', 'an input column to keep beside the predictions with --only-predictions')
    .option('--json', 'print JSON: {"rows", "output", "seconds", "model": {"name", "version"}}')
    .action(async (o: PredictOptions) => {
      const batchSize = parsePositiveInt('--batch-size', o.batchSize);
      const inputFormat = formatOf(o.input, o.inputFormat, '--input-format', ['.tsv', '.txt']);
      const outputFormat = formatOf(o.output, o.outputFormat, '--output-format', []);
      const started = performance.now();
      const { source, name, version } = await resolveModelSource(o.model, 'predict');
      const predictor = await loadOnnx(source);
      const progress = progressLine(`Scoring ${o.input}`);
      let rows: number;
      try {
        ({ rows } = await scoreFile({
          input: o.input,
          output: o.output,
          predictor,
          inputFormat,
          outputFormat,
          batchSize,
          onlyPredictions: o.onlyPredictions ?? false,
          ...(o.idColumn !== undefined ? { idColumn: o.idColumn } : {}),
          onProgress: (p) => progress.update(p.rows, p.total),
        }));
      } finally {
        progress.done();
        await predictor.close();
      }
      const seconds = Math.round(performance.now() - started) / 1000;
      if (o.json) return printJson({ rows, output: o.output, seconds, model: { name, version: version ?? null } });
      const rate = seconds > 0 ? `, ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s` : '';
      const model = version === undefined ? name : `${name} v${version}`;
      printLine(`Scored ${rows.toLocaleString('en-US')} rows with ${model} into ${o.output} (${seconds.toFixed(1)}s${rate}).`);
    });
}

/** The named format, or the one the extension implies; `alsoCsv` lists more extensions read as CSV. */
function formatOf(path: string, named: string | undefined, flag: string, alsoCsv: readonly string[]): WriteFormat {
  if (named !== undefined) {
    if (!FORMATS.includes(named as WriteFormat)) throw invalid(`${flag} expects csv, jsonl or parquet, got '${named}'.`);
    return named as WriteFormat;
  }
  const ext = extname(path).toLowerCase();
  const format = writeFormatOf(path) ?? (alsoCsv.includes(ext) ? 'csv' : undefined);
  if (!format) throw invalid(`${path}: cannot tell the format from the extension '${ext}'; pass ${flag} csv, jsonl or parquet.`);
  return format;
}
