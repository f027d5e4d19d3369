import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerValidateStage } from '../../src/data/index.js';
import { getRun, listArtifacts, openArtifact } from '../../src/tracking/index.js';
import { createProject, outcomes, type Project, STEP_SCRIPT, stageOf } from '../pipeline/project.js';

const PIPELINE = `
name: checked
stages:
  check:
    uses: validate
    with:
      data: data/batch.csv
      suite: suite.yaml
  train:
    cmd: node step.mjs train model.txt --in data/batch.csv
    deps: [data/batch.csv]
    needs: [check]
    outs: [model.txt]
`;
const SUITE = `expectations:
  - expectation_type: expect_column_values_to_be_between
    kwargs: {column: age, min_value: 0, max_value: 120}
  - expectation_type: expect_column_values_to_not_be_null
    kwargs: {column: age}
`;
const GOOD = 'age,name\n30,a\n41,b\n';
const BAD = 'age,name\n30,a\n-7,b\n?,c\n';

let p: Project | undefined;
beforeAll(() => registerValidateStage());
afterEach(async () => {
  await p?.dispose();
  p = undefined;
});

async function text(project: Project, runId: string, path: string) {
  const { stream } = await openArtifact(await project.store(), runId, path);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('uses: validate', () => {
  it('passes good data through, stores the report and logs the summary as metrics', async () => {
    p = await createProject({ 'slipway.yaml': PIPELINE, 'suite.yaml': SUITE, 'data/batch.csv': GOOD, 'step.mjs': STEP_SCRIPT, 'params.yaml': 'lr: 1\n' });
    const r = await p.run();
    expect(outcomes(r)).toEqual({ check: 'ran', train: 'ran' });
    const runId = stageOf(r, 'check').runId ?? '';
    const run = await getRun(await p.store(), runId);
    const m = Object.fromEntries(run.data.metrics.map((x) => [x.key, x.value]));
    expect(m).toMatchObject({ 'validation.evaluated': 2, 'validation.successful': 2, 'validation.unsuccessful': 0, 'validation.success_percent': 100, 'validation.rows': 2, 'validation.bad_rows': 0 });
    expect((await listArtifacts(await p.store(), runId, 'validation')).map((a) => a.path)).toEqual(['validation/report.html', 'validation/result.json']);
    expect(JSON.parse(await text(p, runId, 'validation/result.json')).success).toBe(true);
    // The data and the suite are the stage's deps without being listed: editing the suite re-runs it.
    expect((await p.lock()).stages.check?.deps.map((d) => d.path)).toEqual(['data/batch.csv', 'suite.yaml']);
    await p.write('suite.yaml', SUITE.replace('max_value: 120', 'max_value: 110'));
    const again = await p.run();
    expect(stageOf(again, 'check').outcome).toBe('ran');
    expect(stageOf(again, 'check').reasons).toEqual(['dep suite.yaml changed']);
  });

  it('stops the pipeline on a bad batch with a report naming column, rule, rows and values', async () => {
    p = await createProject({ 'slipway.yaml': PIPELINE, 'suite.yaml': SUITE, 'data/batch.csv': BAD, 'step.mjs': STEP_SCRIPT, 'params.yaml': 'lr: 1\n' });
    const r = await p.run();
    expect(r.ok).toBe(false);
    expect(outcomes(r)).toEqual({ check: 'failed', train: 'not-run' });
    expect(stageOf(r, 'check').error).toBe(
      "validation of data/batch.csv failed: 2 of 2 expectations (column 'age': expect_column_values_to_be_between failed: 1 unexpected rows (50%), e.g. -7; +1 more); report in the stage run's validation/report.html",
    );
    expect(p.exists('model.txt')).toBe(false);
    const runId = stageOf(r, 'check').runId ?? '';
    const run = await getRun(await p.store(), runId);
    expect(run.info.status).toBe('FAILED');
    expect(Object.fromEntries(run.data.metrics.map((x) => [x.key, x.value]))).toMatchObject({ 'validation.unsuccessful': 2, 'validation.rows': 3 });
    const log = await text(p, runId, 'logs/stage.log');
    expect(log).toContain("FAILED column 'age': expect_column_values_to_not_be_null failed: 1 unexpected rows (33.33%), e.g. null");
    const cli = await p.cli(['run']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('validation of data/batch.csv failed');
  });

  it('rejects bad `with:` arguments at load time with the file and line', async () => {
    p = await createProject({ 'slipway.yaml': PIPELINE.replace('suite: suite.yaml', 'suite: suite.yaml\n      sample: 10'), 'suite.yaml': SUITE, 'data/batch.csv': GOOD, 'step.mjs': STEP_SCRIPT, 'params.yaml': 'lr: 1\n' });
    const cli = await p.cli(['status']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/slipway\.yaml:\d+:\d+: stages\.check\.with/);
  });
});
