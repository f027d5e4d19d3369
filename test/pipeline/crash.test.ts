import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLock } from '../../src/pipeline/index.js';
import { openStore } from '../../src/store/index.js';
import { createRun, getRun, listChildRuns, searchRuns } from '../../src/tracking/index.js';
import { ensureBuilt, ROOT } from '../helpers/ensure-dist.js';
import { createProject, type Project, STEP_SCRIPT } from './project.js';

beforeAll(() => ensureBuilt(), 200_000);

// ---- the project: `first` completes, `slow` writes half its out, says it started, then sleeps ----

const MARKER = `crash-marker-${process.pid}-${Date.now()}`;
const SLOW = `
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
appendFileSync('runs.log', 'slow\\n');
writeFileSync('slow.txt', 'partial');
writeFileSync('started.json', JSON.stringify({ pid: process.pid }));
if (existsSync('slow.flag')) await new Promise((r) => setTimeout(r, 5000));
writeFileSync('slow.txt', 'partial and complete\\n');
`;
const PIPELINE = `
stages:
  first:
    cmd: node step.mjs first first.txt --in in.txt
    deps: [in.txt]
    outs: [first.txt]
  slow:
    cmd: node slow.mjs ${MARKER}
    deps: [first.txt]
    outs: [slow.txt]
`;

const pgrep = (pattern: string): number[] => {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // exit 1: nothing matched
  }
};

let p: Project;
let slipway: ChildProcess | undefined;
beforeAll(async () => {
  p = await createProject({ 'slipway.yaml': PIPELINE, 'params.yaml': 'x: 1\n', 'step.mjs': STEP_SCRIPT, 'slow.mjs': SLOW, 'in.txt': 'in\n', 'slow.flag': '' });
});
afterAll(async () => {
  if (slipway && slipway.exitCode === null && slipway.signalCode === null) slipway.kill('SIGKILL');
  for (const pid of pgrep(MARKER)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await p.dispose();
});

describe('kill -9 of slipway run', () => {
  it('leaves a valid lock, an openable store, and a re-run that completes and fails the orphaned runs', async () => {
    let stderr = '';
    slipway = spawn(process.execPath, [join(ROOT, 'bin', 'slipway.js'), 'run', '--jobs', '1'], { cwd: p.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    slipway.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    slipway.stdout?.resume();
    const started = join(p.dir, 'started.json');
    for (let i = 0; !existsSync(started); i++) {
      if (slipway.exitCode !== null || slipway.signalCode !== null) throw new Error(`slipway exited (${slipway.exitCode}) before the slow stage started:\n${stderr}`);
      if (i > 750) throw new Error('the slow stage did not start within 15 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 50)); // let started.json be fully written

    // SIGKILL slipway, then the stage's own process group (it was started detached, so it survives its parent).
    const exited = new Promise((r) => slipway?.once('exit', r));
    slipway.kill('SIGKILL');
    await exited;
    const stagePid = (JSON.parse(p.read('started.json')) as { pid: number }).pid;
    const pgidOf = (pid: number) => Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    const pgid = pgidOf(stagePid);
    expect(pgid).toBeGreaterThan(1);
    expect(pgid).not.toBe(pgidOf(process.pid)); // the stage runs in a group of its own, never ours
    process.kill(-pgid, 'SIGKILL');
    for (let i = 0; i < 50 && pgrep(MARKER).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(pgrep(MARKER)).toEqual([]);
    expect(p.read('slow.txt')).toBe('partial');

    // The lock is whole YAML and lists only the stage that completed.
    const lock = parseLock(p.read('slipway.lock'));
    expect(Object.keys(lock.stages)).toEqual(['first']);
    expect(Object.keys((p.lockYaml() as { stages: object }).stages)).toEqual(['first']);
    expect(readdirSync(p.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // The store opens; the killed invocation's parent and slow-stage runs still claim to be RUNNING.
    const store = await openStore({ cwd: p.dir });
    let killedParent: string;
    let killedSlow: string;
    let firstChild: string;
    try {
      const { runs } = await searchRuns(store, { experimentIds: ['1'], maxResults: 100 });
      const byName = Object.fromEntries(runs.map((r) => [r.info.run_name, r.info]));
      expect(Object.keys(byName).sort()).toEqual([`${p.dir.split('/').pop()} pipeline`, 'first', 'slow'].sort());
      killedSlow = byName.slow?.run_id ?? '';
      firstChild = byName.first?.run_id ?? '';
      killedParent = byName.slow?.parent_run_id ?? '';
      expect([byName.first?.status, byName.slow?.status, (await getRun(store, killedParent)).info.status]).toEqual(['FINISHED', 'RUNNING', 'RUNNING']);
    } finally {
      await store.close();
    }

    // Re-run: completes, and marks what the dead process left RUNNING as FAILED.
    await p.remove('slow.flag');
    const rerun = await p.cli(['run', '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const report = rerun.json<{ ok: boolean; parent_run_id: string; stages: { stage: string; outcome: string; reasons: string[] }[] }>();
    expect(report.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['first', 'skipped', []],
      ['slow', 'ran', ['never run']],
    ]);
    expect(p.read('slow.txt')).toBe('partial and complete\n');
    expect(Object.keys((await p.lock()).stages)).toEqual(['first', 'slow']);
    expect(p.runsLog()).toEqual(['first', 'slow', 'slow']);

    const after = await p.store();
    expect((await getRun(after, killedParent)).info.status).toBe('FAILED');
    expect((await getRun(after, killedSlow)).info.status).toBe('FAILED');
    expect((await getRun(after, firstChild)).info.status).toBe('FINISHED');
    expect((await getRun(after, report.parent_run_id)).info.status).toBe('FINISHED');
    expect((await listChildRuns(after, report.parent_run_id)).map((c) => [c.run_name, c.status])).toEqual([['slow', 'FINISHED']]);
  }, 60_000);

  it('a re-run with nothing to do still marks runs left RUNNING by a dead slipway as FAILED', async () => {
    // A slipway killed after its last stage was locked but before it closed its parent run.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const store = await p.store();
    const orphan = await createRun(store, {
      experimentId: '1', runName: 'killed pipeline',
      tags: [{ key: 'slipway.kind', value: 'pipeline' }, { key: 'slipway.host', value: hostname() }, { key: 'slipway.pid', value: String(dead) }],
    });
    const res = await p.cli(['run', '--json']);
    expect(res.code).toBe(0);
    expect(res.json<{ stages: { outcome: string }[] }>().stages.map((s) => s.outcome)).toEqual(['skipped', 'skipped']);
    expect((await getRun(store, orphan.info.run_id)).info.status).toBe('FAILED');
  });
});
