import { join } from 'node:path';
import { z } from 'zod';
import { getStageKind, registerStageKind } from '../config/index.js';
import { SlipwayError } from '../errors.js';
import { getStageRunner, registerStageRunner, type StageRunContext } from '../pipeline/index.js';
import { DEFAULT_NULL_VALUES } from './readers/index.js';
import { renderValidationHtml } from './report/validation-html.js';
import { describeFailures, loadSuiteFile, validateFile } from './validate-file.js';

const validateArgs = z.strictObject({
  /** The data file to check (CSV, JSON Lines or Parquet), relative to the stage's wdir. */
  data: z.string().min(1),
  /** The expectation suite (Great Expectations' shape, YAML or JSON). */
  suite: z.string().min(1),
  result_format: z.enum(['BOOLEAN_ONLY', 'BASIC', 'SUMMARY', 'COMPLETE']).default('SUMMARY'),
  /** Skip malformed rows (counted and reported) instead of failing on the first one. */
  skip_bad_rows: z.boolean().default(false),
  /** Extra tokens read as null, besides the defaults ('', NA, N/A, NaN, null, NULL, ?). */
  null_values: z.array(z.string()).optional(),
});

/**
 * `uses: validate`: checks a data file against an expectation suite. A failed suite fails the stage
 * (so the pipeline stops before anything trains on bad data); either way the GE-shaped JSON and the
 * HTML report are stored on the stage's run and the summary is logged as metrics.
 */
export function registerValidateStage(): void {
  if (!getStageKind('validate')) {
    registerStageKind({
      name: 'validate',
      describe: 'check a data file against an expectation suite; fail the pipeline when it does not pass',
      schema: validateArgs,
      paths: (args) => ({ deps: [String(args.data), String(args.suite)] }),
    });
  }
  if (!getStageRunner('validate')) registerStageRunner('validate', runValidateStage);
}

async function runValidateStage(ctx: StageRunContext) {
  const args = validateArgs.parse(ctx.stage.uses?.with ?? {});
  const wdir = join(ctx.spec.root, ctx.stage.wdir);
  const suite = await loadSuiteFile(join(wdir, args.suite));
  const { result, stats } = await validateFile(join(wdir, args.data), suite, {
    resultFormat: args.result_format,
    read: { onBadRow: args.skip_bad_rows ? 'skip' : 'error', ...(args.null_values ? { nullValues: [...DEFAULT_NULL_VALUES, ...args.null_values] } : {}) },
  });
  const s = result.statistics;
  await ctx.tracking.putArtifact(ctx.runId, 'validation/result.json', `${JSON.stringify(result, null, 2)}\n`);
  await ctx.tracking.putArtifact(ctx.runId, 'validation/report.html', renderValidationHtml(result, { data: args.data, suite: args.suite, rows: stats.rows, badRows: stats.badRows, generatedAt: new Date() }));
  ctx.log(`${args.data}: ${stats.rows} rows${stats.badRows ? ` (${stats.badRows} malformed rows skipped)` : ''}; ${s.successful_expectations} of ${s.evaluated_expectations} expectations met`);
  const failures = describeFailures(result);
  for (const f of failures) ctx.log(`  FAILED ${f}`);
  const metrics = {
    'validation.evaluated': s.evaluated_expectations,
    'validation.successful': s.successful_expectations,
    'validation.unsuccessful': s.unsuccessful_expectations,
    'validation.success_percent': s.success_percent ?? 100,
    'validation.rows': stats.rows,
    'validation.bad_rows': stats.badRows,
  };
  if (!result.success) {
    throw new SlipwayError('CHECK_FAILED', `validation of ${args.data} failed: ${s.unsuccessful_expectations} of ${s.evaluated_expectations} expectations (${failures[0] ?? ''}${failures.length > 1 ? `; +${failures.length - 1} more` : ''}); report in the stage run's validation/report.html`, { metrics });
  }
  return { metrics };
}
