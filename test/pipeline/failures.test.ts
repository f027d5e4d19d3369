import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../src/pipeline/index.js';
import { getRun, openArtifact } from '../../src/tracking/index.js';
import { createProject, outcomes, type Project, sha256, STEP_SCRIPT, stageOf } from './project.js';

const FAIL = `console.log('about to fail'); console.error('boom'); process.exit(3);`;

const CHAIN = `
stages:
  A:
    cmd: node step.mjs A a.txt --in in.txt
    deps: [in.txt]
    outs: [a.txt]
  B:
    cmd: node fail.mjs
    deps: [a.txt]
    outs: [b.txt]
  C:
    cmd: node step.mjs C c.txt --in b.txt
    deps: [b.txt]
    outs: [c.txt]
  D:
    cmd: node step.mjs D d.txt
    needs: [A]
    outs: [d.txt]
`;

let p: Project | undefined;
afterEach(async () => {
  await p?.dispose();
  p = undefined;
});

async function project(pipeline: string, extra: Record<string, string> = {}): Promise<Project> {
  p = await createProject({ 'slipway.yaml': pipeline, 'params.yaml': 'lr: 0.1\n', 'step.mjs': STEP_SCRIPT, 'fail.mjs': FAIL, 'in.txt': 'input\n', ...extra });
  return p;
}

async function readArtifact(pr: Project, runId: string, path: string): Promise<string> {
  const { stream } = await openArtifact(await pr.store(), runId, path);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('a failure mid-pipeline', () => {
  it('stops the pipeline and leaves a lock with only the stages that completed', async () => {
    const pr = await project(CHAIN);
    const r = await pr.run({ jobs: 1 });
    expect(r.ok).toBe(false);
    expect(r.stages.map((s) => [s.stage, s.outcome])).toEqual([['A', 'ran'], ['B', 'failed'], ['D', 'not-run'], ['C', 'not-run']]);
    expect(stageOf(r, 'B').error).toBe('exited with code 3: node fail.mjs');
    expect(stageOf(r, 'C').reasons).toEqual(['stopped after a failure']);
    expect(pr.runsLog()).toEqual(['A']);

    const yaml = pr.lockYaml() as { stages: Record<string, unknown> };
    expect(Object.keys(yaml.stages)).toEqual(['A']);
    const lock = await pr.lock();
    expect(lock.stages.A).toMatchObject({
      cmd: ['node step.mjs A a.txt --in in.txt'],
      deps: [{ path: 'in.txt', hash: sha256('input\n'), size: 6 }],
      outs: [{ path: 'a.txt', hash: sha256(pr.read('a.txt')), size: Buffer.byteLength(pr.read('a.txt')) }],
    });

    const store = await pr.store();
    expect((await getRun(store, r.parentRunId ?? '')).info.status).toBe('FAILED');
    const b = await getRun(store, stageOf(r, 'B').runId ?? '');
    expect(b.info.status).toBe('FAILED');
    expect(await readArtifact(pr, b.info.run_id, 'logs/stage.log')).toBe('about to fail\nboom\n');
  });

  it('stops stages still running in parallel when one fails, unless --keep-going', async () => {
    const pipeline = `
stages:
  fails:
    cmd: node fail.mjs
    outs: [never.txt]
  slow:
    cmd: node -e "setTimeout(() => require('fs').writeFileSync('slow.txt', 'done'), 4000)"
    outs: [slow.txt]
`;
    const pr = await project(pipeline);
    const started = Date.now();
    const r = await pr.run({ jobs: 2 });
    expect(Date.now() - started).toBeLessThan(3500);
    expect(outcomes(r)).toEqual({ fails: 'failed', slow: 'interrupted' });
    expect(stageOf(r, 'slow').error).toBe('stopped after another stage failed');
    expect(pr.exists('slow.txt')).toBe(false);
    expect(r.interrupted).toBe(false);
    expect(pr.exists('slipway.lock')).toBe(false); // nothing finished, so nothing was locked

    const kept = await pr.run({ jobs: 2, keepGoing: true });
    expect(outcomes(kept)).toEqual({ fails: 'failed', slow: 'ran' });
    expect(pr.read('slow.txt')).toBe('done');
  });

  it('--keep-going finishes every stage that does not depend on the failed one', async () => {
    const pr = await project(CHAIN);
    const r = await pr.run({ jobs: 1, keepGoing: true });
    expect(r.ok).toBe(false);
    expect(r.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['A', 'ran', ['never run']],
      ['B', 'failed', ['never run']],
      ['D', 'ran', ['never run']],
      ['C', 'not-run', ['upstream stage B failed']],
    ]);
    expect(Object.keys((pr.lockYaml() as { stages: Record<string, unknown> }).stages)).toEqual(['A', 'D']);
    expect(pr.read('d.txt')).toBe('D\n');
  });

  it('the CLI exits 1 and names the failed stage', async () => {
    const pr = await project(CHAIN);
    const res = await pr.cli(['run', '--jobs', '1']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("slipway: pipeline failed: B (exited with code 3: node fail.mjs)\n");
    expect(res.stdout).toContain('B | boom\n');
    expect(res.stdout).toContain('1 ran, 0 restored, 0 up to date, 1 failed, 2 not run.');
    const json = await pr.cli(['run', '--keep-going', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({ error_code: 'CHECK_FAILED', message: 'pipeline failed: B (exited with code 3: node fail.mjs)' });
    expect(json.json<{ ok: boolean }>().ok).toBe(false);
  });

  it('a stage that does not write its declared out fails naming the out', async () => {
    const pr = await project(`
stages:
  lazy:
    cmd: node -e "process.exit(0)"
    outs: [never.txt]
`);
    const r = await pr.run();
    expect(stageOf(r, 'lazy')).toMatchObject({ outcome: 'failed', error: "stage 'lazy' did not produce its out 'never.txt'." });
    expect(pr.exists('slipway.lock')).toBe(false);
    expect((await getRun(await pr.store(), stageOf(r, 'lazy').runId ?? '')).info.status).toBe('FAILED');
  });
});

describe('missing inputs', () => {
  it('a dep that nothing produces and that does not exist fails the stage naming it, without running it', async () => {
    const pr = await project(`
stages:
  needy:
    cmd: node step.mjs needy needy.txt --in nowhere.csv
    deps: [nowhere.csv]
    outs: [needy.txt]
`);
    const r = await pr.run();
    expect(r.ok).toBe(false);
    expect(stageOf(r, 'needy')).toMatchObject({ outcome: 'failed', reasons: ['never run'], error: 'missing dependencies: nowhere.csv' });
    expect(pr.runsLog()).toEqual([]);
    const res = await pr.cli(['run']);
    expect(res.code).toBe(1);
    expect(res.stderr.split('\n')[0]).toBe('slipway: pipeline failed: needy (missing dependencies: nowhere.csv)');
  });
});

describe('retries', () => {
  const FLAKY = `
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
appendFileSync('attempts.log', Date.now() + '\\n');
const n = readFileSync('attempts.log', 'utf8').trim().split('\\n').length;
if (n <= Number(process.argv[2])) { console.error('attempt ' + n + ' failed'); process.exit(1); }
writeFileSync('flaky.txt', 'succeeded on attempt ' + n + '\\n');
`;
  const pipeline = (failures: number, retries: string) => `
stages:
  flaky:
    cmd: node flaky.mjs ${failures}
    outs: [flaky.txt]
    retries: ${retries}
`;
  const attemptTimes = (pr: Project) => pr.read('attempts.log').trim().split('\n').map(Number);

  it('a stage that fails twice succeeds on its third attempt with two retries', async () => {
    const pr = await project(pipeline(2, '{count: 2, backoff: 10ms}'), { 'flaky.mjs': FLAKY });
    const lines: string[] = [];
    const r = await pr.run({ onEvent: (e: PipelineEvent) => void (e.type === 'stage-line' && lines.push(e.line)) });
    expect(stageOf(r, 'flaky')).toMatchObject({ outcome: 'ran', attempts: 3 });
    expect(pr.read('flaky.txt')).toBe('succeeded on attempt 3\n');
    expect(lines).toEqual([
      'attempt 1 failed',
      'retrying in 0.0s (attempt 2 of 3) after: exited with code 1: node flaky.mjs 2',
      'attempt 2 failed',
      'retrying in 0.0s (attempt 3 of 3) after: exited with code 1: node flaky.mjs 2',
    ]);
  });

  it('a stage that keeps failing reports count + 1 attempts, waiting backoff × factor^n between them', async () => {
    const pr = await project(pipeline(99, '{count: 2, backoff: 150ms, factor: 2}'), { 'flaky.mjs': FLAKY });
    const r = await pr.run();
    expect(stageOf(r, 'flaky')).toMatchObject({ outcome: 'failed', attempts: 3, error: 'exited with code 1: node flaky.mjs 99' });
    const [t1 = 0, t2 = 0, t3 = 0] = attemptTimes(pr);
    expect(attemptTimes(pr)).toHaveLength(3);
    expect(t2 - t1).toBeGreaterThanOrEqual(150);
    expect(t3 - t2).toBeGreaterThanOrEqual(300);
  });
});

describe('timeouts', () => {
  const pgrep = (pattern: string): string => {
    try {
      return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim();
    } catch {
      return ''; // exit 1: no process matched
    }
  };

  it('kills the whole process group of a stage that runs past its timeout', async () => {
    const marker = `30.${process.pid}${Date.now() % 1000}`;
    const pr = await project(`
stages:
  slow:
    cmd: sleep ${marker} & sleep ${marker}
    outs: [slow.txt]
    timeout: 300ms
`);
    const t0 = performance.now();
    const r = await pr.run();
    const elapsed = performance.now() - t0;
    expect(stageOf(r, 'slow')).toMatchObject({ outcome: 'failed', error: `timed out after 0.3s: sleep ${marker} & sleep ${marker}` });
    expect(elapsed).toBeLessThan(5000);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    // The group got SIGTERM and then SIGKILL: neither sleep (foreground or background) survives.
    let left = pgrep(`sleep ${marker}`);
    for (let i = 0; i < 20 && left; i++) {
      await new Promise((res) => setTimeout(res, 50));
      left = pgrep(`sleep ${marker}`);
    }
    expect(left).toBe('');
  });

  it('also kills a background child that ignores SIGTERM, within the kill grace', async () => {
    const marker = `31.${process.pid}${Date.now() % 1000}`;
    const pr = await project(`
stages:
  stubborn:
    cmd: sh -c 'trap "" TERM; sleep ${marker}' & sleep ${marker}
    timeout: 0.2
`);
    const t0 = performance.now();
    const r = await pr.run();
    expect(outcomes(r)).toEqual({ stubborn: 'failed' });
    expect(stageOf(r, 'stubborn').error).toMatch(/^timed out after 0\.2s: /);
    expect(performance.now() - t0).toBeLessThan(5000);
    await new Promise((res) => setTimeout(res, 100));
    expect(pgrep(`sleep ${marker}`)).toBe('');
  });
});
