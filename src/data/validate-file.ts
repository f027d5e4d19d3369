import { readFile } from 'node:fs/promises';
import { notFound } from '../errors.js';
import { type ExpectationSuite, loadSuite, type SuiteValidationResult, validateChunks } from './expectations/index.js';
import type { ResultFormatInput } from './expectations/index.js';
import { type ReadOptions, type ReadStats, readChunks } from './readers/index.js';

/** Loads a suite file (YAML or JSON); errors name the file, line and column. */
export async function loadSuiteFile(path: string): Promise<ExpectationSuite> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw notFound(`Expectation suite ${path} does not exist.`);
  });
  return loadSuite(text, { file: path });
}

export interface ValidateFileResult {
  readonly result: SuiteValidationResult;
  readonly stats: ReadStats;
}

/** Streams a data file through a suite in chunks: memory stays flat however large the file is. */
export async function validateFile(
  dataPath: string, suite: ExpectationSuite, options: { read?: ReadOptions; resultFormat?: ResultFormatInput } = {},
): Promise<ValidateFileResult> {
  const chunks = readChunks(dataPath, options.read);
  const result = await validateChunks(suite, chunks, options.resultFormat !== undefined ? { resultFormat: options.resultFormat } : {});
  return { result, stats: chunks.stats };
}

/**
 * One line per failed expectation, for terminals and pipeline logs: which column, which rule, how
 * many rows, which values.
 */
export function describeFailures(result: SuiteValidationResult): string[] {
  const lines: string[] = [];
  for (const r of result.results) {
    if (r.success) continue;
    const kw = r.expectation_config.kwargs as Record<string, unknown>;
    const where = kw.column !== undefined ? `column '${String(kw.column)}'` : kw.column_A !== undefined ? `columns '${String(kw.column_A)}', '${String(kw.column_B)}'` : 'table';
    const res = (r.result ?? {}) as Record<string, unknown>;
    const ex = r.exception_info as { raised_exception?: boolean; exception_message?: string | null } | undefined;
    if (ex?.raised_exception) {
      lines.push(`${where}: ${r.expectation_config.expectation_type}: error: ${ex.exception_message ?? 'failed'}`);
      continue;
    }
    let detail = '';
    if (typeof res.unexpected_count === 'number') {
      const pct = typeof res.unexpected_percent === 'number' ? ` (${Number(res.unexpected_percent.toPrecision(4))}%)` : '';
      const sample = Array.isArray(res.partial_unexpected_list) ? (res.partial_unexpected_list as unknown[]).slice(0, 5).map((v) => JSON.stringify(v)).join(', ') : '';
      detail = `${res.unexpected_count} unexpected rows${pct}${sample ? `, e.g. ${sample}` : ''}`;
    } else if ('observed_value' in res) {
      detail = `observed ${JSON.stringify(res.observed_value)}`;
    }
    lines.push(`${where}: ${r.expectation_config.expectation_type} failed${detail ? `: ${detail}` : ''}`);
  }
  return lines;
}
