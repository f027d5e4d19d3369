import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  type ColumnType, DEFAULT_NULL_VALUES, describeFailures, loadSuiteFile, profileChunks, type ReadOptions, readChunks,
  renderProfileHtml, renderValidationHtml, serializeProfile, suggestSuiteYaml, summarizeProfile, validateFile,
} from '../data/index.js';
import { invalid, SlipwayError } from '../errors.js';
import { printJson, printLine } from './output.js';
import { collect, parsePositiveInt } from './parse-args.js';

interface ReadFlags {
  delimiter?: string;
  null: string[];
  noDefaultNulls?: boolean;
  type: string[];
  skipBadRows?: boolean;
  format?: string;
}

const TYPES: readonly ColumnType[] = ['integer', 'float', 'boolean', 'string', 'timestamp'];

function readOptions(f: ReadFlags): ReadOptions {
  const types: Record<string, ColumnType> = {};
  for (const t of f.type) {
    const [col, type] = t.split('=');
    if (!col || !type || !TYPES.includes(type as ColumnType)) throw invalid(`--type expects COLUMN=${TYPES.join('|')}, got '${t}'.`);
    types[col] = type as ColumnType;
  }
  if (f.format && !['csv', 'jsonl', 'parquet'].includes(f.format)) throw invalid(`--format must be csv, jsonl or parquet, got '${f.format}'.`);
  return {
    ...(f.format ? { format: f.format as 'csv' } : {}),
    ...(f.delimiter ? { delimiter: f.delimiter === '\\t' ? '\t' : f.delimiter } : {}),
    nullValues: [...(f.noDefaultNulls ? [] : DEFAULT_NULL_VALUES), ...f.null],
    ...(Object.keys(types).length ? { types } : {}),
    onBadRow: f.skipBadRows ? 'skip' : 'error',
  };
}

function readerFlags(cmd: Command): Command {
  return cmd
    .option('--format <csv|jsonl|parquet>', 'file format (default: by extension)')
    .option('--delimiter <char>', 'CSV delimiter (default: detected among , ; tab |)')
    .option('--null <token>', 'also read this token as null (repeatable)', collect, [])
    .option('--no-default-nulls', `do not read ${DEFAULT_NULL_VALUES.map((v) => JSON.stringify(v)).join(' ')} as null`)
    .option('--type <column=type>', 'force a column type (repeatable)', collect, [])
    .option('--skip-bad-rows', 'skip and count malformed rows instead of stopping at the first');
}

export function dataCommands(program: Command): void {
  const data = program.command('data').description('profile data files and suggest expectation suites');

  readerFlags(data.command('profile <file>'))
    .description('profile a data file: types, nulls, distinct counts, ranges, quantiles, histograms, top values')
    .option('--html <out>', 'also write a self-contained HTML report')
    .option('--save <out>', 'save the mergeable profile (JSON) for later merging or drift reference')
    .option('--top <n>', 'top values per column', '10')
    .option('--json', 'print JSON: {"rowCount", "columnCount", "columns": [ColumnSummary]}')
    .action(async (file: string, o: ReadFlags & { html?: string; save?: string; top: string; json?: boolean }) => {
      const chunks = readChunks(file, readOptions(o));
      const profile = await profileChunks(chunks);
      const summary = summarizeProfile(profile, { topValues: parsePositiveInt('--top', o.top) });
      if (o.html) await writeFile(o.html, renderProfileHtml(summary, basename(file)));
      if (o.save) await writeFile(o.save, serializeProfile(profile));
      if (o.json) return printJson(summary);
      printLine(`${file}: ${summary.rowCount} rows, ${summary.columnCount} columns${chunks.stats.badRows ? ` (${chunks.stats.badRows} malformed rows skipped)` : ''}`);
      for (const c of summary.columns) {
        const range = c.kind === 'numeric' ? ` min ${c.min} max ${c.max} mean ${c.mean === null ? '-' : Number(c.mean.toPrecision(6))}` : c.kind === 'timestamp' ? ` ${c.min} .. ${c.max}` : ` top ${c.topValues.slice(0, 3).map((t) => `${String(t.value)} (${t.count})`).join(', ')}`;
        printLine(`  ${c.name.padEnd(20)} ${c.type.padEnd(9)} nulls ${String(c.nulls).padStart(7)}  distinct ${c.distinctExact ? '' : '~'}${c.distinct}${range}`);
      }
      if (o.html) printLine(`HTML report: ${o.html}`);
    });

  readerFlags(data.command('suggest <file>'))
    .description('write an expectation suite suggested from a profile of the file (to stdout; edit it)')
    .option('--name <name>', 'suite name', 'suggested')
    .option('--max-set-size <n>', 'value sets for columns with at most this many distinct values', '20')
    .action(async (file: string, o: ReadFlags & { name: string; maxSetSize: string }) => {
      const summary = summarizeProfile(await profileChunks(readChunks(file, readOptions(o))), { topValues: 1000 });
      process.stdout.write(suggestSuiteYaml(summary, basename(file), { name: o.name, maxSetSize: parsePositiveInt('--max-set-size', o.maxSetSize) }));
    });

  readerFlags(program.command('validate <file>'))
    .description('check a data file against an expectation suite; exit 1 when any expectation fails')
    .requiredOption('-s, --suite <suite>', "expectation suite (Great Expectations' shape, YAML or JSON)")
    .option('--result-format <format>', 'BOOLEAN_ONLY | BASIC | SUMMARY | COMPLETE', 'SUMMARY')
    .option('--html <out>', 'also write a self-contained HTML report')
    .option('--json', "print Great Expectations' result JSON: {success, statistics, results: [...]}")
    .action(async (file: string, o: ReadFlags & { suite: string; resultFormat: string; html?: string; json?: boolean }) => {
      const format = o.resultFormat.toUpperCase();
      if (!['BOOLEAN_ONLY', 'BASIC', 'SUMMARY', 'COMPLETE'].includes(format)) throw invalid(`--result-format must be BOOLEAN_ONLY, BASIC, SUMMARY or COMPLETE, got '${o.resultFormat}'.`);
      const suite = await loadSuiteFile(o.suite);
      const { result, stats } = await validateFile(file, suite, { read: readOptions(o), resultFormat: format as 'SUMMARY' });
      if (o.html) await writeFile(o.html, renderValidationHtml(result, { data: file, suite: o.suite, rows: stats.rows, badRows: stats.badRows, generatedAt: new Date() }));
      if (o.json) printJson(result);
      else {
        const s = result.statistics;
        printLine(`${result.success ? 'PASSED' : 'FAILED'}: ${s.successful_expectations} of ${s.evaluated_expectations} expectations met on ${stats.rows} rows of ${file}${stats.badRows ? ` (${stats.badRows} malformed rows skipped)` : ''}`);
        for (const f of describeFailures(result)) printLine(`  ${f}`);
        if (o.html) printLine(`HTML report: ${o.html}`);
      }
      if (!result.success) throw new SlipwayError('CHECK_FAILED', `validation failed: ${result.statistics.unsuccessful_expectations} expectation(s)`);
    });
}
