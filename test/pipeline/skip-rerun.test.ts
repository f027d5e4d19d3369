import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipelineStatus } from '../../src/pipeline/index.js';
import { getRun, listChildRuns, searchRuns } from '../../src/tracking/index.js';
import { createProject, outcomes, type Project, STEP_SCRIPT, stageOf } from './project.js';

const PIPELINE = (trainExtra = '') => `
stages:
  prepare:
    cmd: node step.mjs prepare data/clean.csv --in data/raw.csv
    deps: [data/raw.csv]
    outs: [data/clean.csv]
  train:
    cmd: node step.mjs train model.txt --in data/clean.csv --param lr${trainExtra}
    deps: [data/clean.csv]
    params: [lr]
    outs: [model.txt]
  evaluate:
    cmd: node step.mjs evaluate report.txt --in model.txt --param epochs
    deps: [model.txt]
    params: [epochs]
    outs: [report.txt]
`;

let p: Project;
beforeEach(async () => {
  p = await createProject({
    'slipway.yaml': PIPELINE(),
    'params.yaml': 'lr: 0.1\nepochs: 3\n',
    'data/raw.csv': 'a,b\n1,2\n',
    'step.mjs': STEP_SCRIPT,
  });
});
afterEach(() => p.dispose());

async function statusReasons(): Promise<Record<string, readonly string[]>> {
  const { stages } = await pipelineStatus(await p.spec());
  return Object.fromEntries(stages.map((s) => [s.stage, s.reasons]));
}

async function runCount(): Promise<number> {
  const store = await p.store();
  const { runs } = await searchRuns(store, { experimentIds: ['1'], maxResults: 1000 });
  return runs.length;
}

describe('slipway run: what re-runs and why', () => {
  it('runs every stage the first time and skips every stage the second time', async () => {
    const first = await p.run();
    expect(first.ok).toBe(true);
    expect(first.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['prepare', 'ran', ['never run']],
      ['train', 'ran', ['never run']],
      ['evaluate', 'ran', ['never run']],
    ]);
    expect(p.runsLog()).toEqual(['prepare', 'train', 'evaluate']);
    expect(p.read('model.txt')).toBe('train\ndata/clean.csv=prepare\ndata/raw.csv=a,b\n1,2\nlr=0.1\n');
    expect((await listChildRuns(await p.store(), first.parentRunId ?? '')).map((r) => r.run_name)).toEqual(['prepare', 'train', 'evaluate']);
    const lockBefore = p.read('slipway.lock');

    const second = await p.run();
    expect(second.ok).toBe(true);
    expect(second.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['prepare', 'skipped', []],
      ['train', 'skipped', []],
      ['evaluate', 'skipped', []],
    ]);
    expect(second.parentRunId).toBeUndefined(); // nothing ran: no tracking run either
    expect(p.runsLog()).toHaveLength(3);
    expect(p.read('slipway.lock')).toBe(lockBefore);
    expect(await statusReasons()).toEqual({ prepare: [], train: [], evaluate: [] });
  });

  it('a changed cmd re-runs its stage, and downstream only when its outs changed', async () => {
    await p.run();
    await p.write('slipway.yaml', PIPELINE(' --noop x')); // same output
    expect(await statusReasons()).toEqual({ prepare: [], train: ['cmd changed'], evaluate: ['upstream stage train will run'] });
    const same = await p.run();
    expect(same.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['prepare', 'skipped', []],
      ['train', 'ran', ['cmd changed']],
      ['evaluate', 'skipped', []],
    ]);
    expect(p.runsLog()).toEqual(['prepare', 'train', 'evaluate', 'train']);

    await p.write('slipway.yaml', PIPELINE(' --tag v2')); // different output
    const changed = await p.run();
    expect(changed.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['prepare', 'skipped', []],
      ['train', 'ran', ['cmd changed']],
      ['evaluate', 'ran', ['dep model.txt changed']],
    ]);
    expect(p.read('report.txt')).toContain('tag=v2');
    expect((await p.lock()).stages.train?.cmd).toEqual(['node step.mjs train model.txt --in data/clean.csv --param lr --tag v2']);
  });

  it("a changed dep re-runs its stage and everything downstream", async () => {
    await p.run();
    await p.write('data/raw.csv', 'a,b\n1,2\n3,4\n');
    expect(await statusReasons()).toEqual({
      prepare: ['dep data/raw.csv changed'], train: ['upstream stage prepare will run'], evaluate: ['upstream stage train will run'],
    });
    const r = await p.run();
    expect(r.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['prepare', 'ran', ['dep data/raw.csv changed']],
      ['train', 'ran', ['dep data/clean.csv changed']],
      ['evaluate', 'ran', ['dep model.txt changed']],
    ]);
    expect(p.read('report.txt')).toContain('3,4');
  });

  it('a changed param re-runs only the stages that track it (and what their outs feed)', async () => {
    await p.run();
    await p.write('params.yaml', 'lr: 0.1\nepochs: 5\n');
    expect(await statusReasons()).toEqual({ prepare: [], train: [], evaluate: ['param epochs changed'] });
    const epochs = await p.run();
    expect(epochs.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['prepare', 'skipped', []],
      ['train', 'skipped', []],
      ['evaluate', 'ran', ['param epochs changed']],
    ]);

    await p.write('params.yaml', 'lr: 0.2\nepochs: 5\n');
    expect(await statusReasons()).toEqual({ prepare: [], train: ['param lr changed'], evaluate: ['upstream stage train will run'] });
    const lr = await p.run();
    expect(lr.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['prepare', 'skipped', []],
      ['train', 'ran', ['param lr changed']],
      ['evaluate', 'ran', ['dep model.txt changed']],
    ]);
    expect(p.runsLog()).toEqual(['prepare', 'train', 'evaluate', 'evaluate', 'train', 'evaluate']);
    expect((await p.lock()).stages.train?.params).toEqual({ 'params.yaml': { lr: 0.2 } });
  });

  it('a deleted or edited out with an unchanged key is restored from the run cache without running', async () => {
    await p.run();
    const model = p.read('model.txt');
    await p.remove('model.txt');
    expect(await statusReasons()).toEqual({ prepare: [], train: ['out model.txt missing'], evaluate: ['upstream stage train will run'] });
    const restored = await p.run();
    expect(restored.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['prepare', 'skipped', []],
      ['train', 'restored', ['out model.txt missing']],
      ['evaluate', 'skipped', []],
    ]);
    expect(p.read('model.txt')).toBe(model);
    expect(p.runsLog()).toEqual(['prepare', 'train', 'evaluate']); // the command did not run
    const child = await getRun(await p.store(), stageOf(restored, 'train').runId ?? '');
    expect(child.data.tags.find((t) => t.key === 'slipway.cache')?.value).toBe('run-cache');

    await p.write('model.txt', 'tampered\n');
    expect((await statusReasons()).train).toEqual(['out model.txt modified']);
    const again = await p.run();
    expect(stageOf(again, 'train')).toMatchObject({ outcome: 'restored', reasons: ['out model.txt modified'] });
    expect(p.read('model.txt')).toBe(model);
    expect(p.runsLog()).toHaveLength(3);
  });

  it('--force runs stages that did not change, and forced stages bypass the run cache', async () => {
    await p.run();
    const all = await p.run({ force: true });
    expect(all.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['prepare', 'ran', ['forced']],
      ['train', 'ran', ['forced']],
      ['evaluate', 'ran', ['forced']],
    ]);
    const one = await p.run({ targets: ['train'], force: true });
    expect(one.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['prepare', 'skipped', []],
      ['train', 'ran', ['forced']],
    ]);
    await p.remove('model.txt');
    const noCache = await p.run({ targets: ['train'], force: true });
    expect(stageOf(noCache, 'train')).toMatchObject({ outcome: 'ran', reasons: ['out model.txt missing'] });
    expect(p.runsLog()).toEqual(['prepare', 'train', 'evaluate', 'prepare', 'train', 'evaluate', 'train', 'train']);
  });

  it('--downstream runs the target and everything after it, never what is upstream', async () => {
    await p.run();
    await p.write('data/raw.csv', 'changed,upstream\n');
    await p.write('params.yaml', 'lr: 0.3\nepochs: 3\n');
    const r = await p.run({ targets: ['train'], downstream: true });
    expect(r.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['train', 'ran', ['param lr changed']],
      ['evaluate', 'ran', ['dep model.txt changed']],
    ]);
    expect(p.runsLog()).toEqual(['prepare', 'train', 'evaluate', 'train', 'evaluate']);
    expect((await statusReasons()).prepare).toEqual(['dep data/raw.csv changed']); // still stale

    const upstream = await p.run({ targets: ['train'] }); // without --downstream: upstream comes along
    expect(upstream.stages.map((s) => [s.stage, s.outcome])).toEqual([['prepare', 'ran'], ['train', 'ran']]);
  });

  it('--dry-run reports what would run and changes nothing', async () => {
    await p.run();
    const lock = p.read('slipway.lock');
    const model = p.read('model.txt');
    const runs = await runCount();
    await p.write('params.yaml', 'lr: 0.9\nepochs: 3\n');
    await p.remove('report.txt');
    const r = await p.run({ dryRun: true });
    expect(r.ok).toBe(true);
    expect(r.parentRunId).toBeUndefined();
    expect(outcomes(r)).toEqual({ prepare: 'skipped', train: 'would-run', evaluate: 'would-run' });
    expect(stageOf(r, 'train').reasons).toEqual(['param lr changed']);
    expect(stageOf(r, 'evaluate').reasons).toEqual(['out report.txt missing', 'upstream stage train will run']);
    expect(p.read('slipway.lock')).toBe(lock);
    expect(p.read('model.txt')).toBe(model);
    expect(p.exists('report.txt')).toBe(false);
    expect(p.runsLog()).toHaveLength(3);
    expect(await runCount()).toBe(runs);

    const cli = await p.cli(['run', '--dry-run']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('[2/3] train: would run (param lr changed)');
    expect(cli.stdout).toContain('2 stage(s) would run, 1 up to date.');
    expect(p.read('slipway.lock')).toBe(lock);
  });

  it('--dry-run counts a stage downstream of one that would run as would-run, as status does', async () => {
    await p.run();
    await p.write('data/raw.csv', 'a,b\n9,9\n');
    const status = await statusReasons();
    const r = await p.run({ dryRun: true });
    // A real run would re-run train and evaluate (their deps are rewritten); the dry run must say so.
    expect(r.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['prepare', 'would-run', ['dep data/raw.csv changed']],
      ['train', 'would-run', status.train],
      ['evaluate', 'would-run', status.evaluate],
    ]);
    expect(status.train).toEqual(['upstream stage prepare will run']);
    expect(p.runsLog()).toHaveLength(3);
  });

  it("a changed stage env re-runs the stage: the command's environment is part of what it ran with", async () => {
    const pipeline = (mode: string) => `
stages:
  build:
    cmd: node -e "require('fs').writeFileSync('mode.txt', process.env.MODE)"
    outs: [mode.txt]
    env: {MODE: ${mode}}
`;
    await p.write('slipway.yaml', pipeline('fast'));
    await p.run();
    expect(p.read('mode.txt')).toBe('fast');
    await p.write('slipway.yaml', pipeline('slow'));
    const { stages } = await pipelineStatus(await p.spec());
    expect(stages[0]?.changed).toBe(true);
    const r = await p.run();
    expect(stageOf(r, 'build').outcome).toBe('ran');
    expect(stageOf(r, 'build').reasons).toHaveLength(1);
    expect(stageOf(r, 'build').reasons[0]).toMatch(/env/);
    expect(p.read('mode.txt')).toBe('slow');
  });
});

describe('frozen, always_changed and --set', () => {
  it('a frozen stage never runs; an always_changed stage runs every time', async () => {
    await p.write('slipway.yaml', `
stages:
  pinned:
    cmd: node step.mjs pinned pinned.txt --in data/raw.csv
    deps: [data/raw.csv]
    outs: [pinned.txt]
    frozen: true
  fetch:
    cmd: node step.mjs fetch fetched.txt
    outs: [fetched.txt]
    always_changed: true
`);
    const first = await p.run();
    expect(first.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['pinned', 'skipped', ['frozen']],
      ['fetch', 'ran', ['never run']],
    ]);
    await p.write('data/raw.csv', 'new data\n');
    const second = await p.run();
    expect(second.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['pinned', 'skipped', ['frozen']],
      ['fetch', 'ran', ['always_changed']],
    ]);
    const third = await p.run();
    expect(stageOf(third, 'fetch')).toMatchObject({ outcome: 'ran', reasons: ['always_changed'] });
    expect(p.runsLog()).toEqual(['fetch', 'fetch', 'fetch']);
    expect(p.exists('pinned.txt')).toBe(false);
    const { stages } = await pipelineStatus(await p.spec());
    expect(stages).toEqual([
      { stage: 'pinned', changed: false, reasons: ['frozen'] },
      { stage: 'fetch', changed: true, reasons: ['always_changed'] },
    ]);
  });

  it('--set overrides a param for one run and is recorded on the parent run as set.<key>', async () => {
    await p.write('slipway.yaml', `
stages:
  train:
    cmd: node step.mjs train model.txt --tag lr=\${lr}
    params: [lr]
    outs: [model.txt]
`);
    expect((await p.cli(['run', '--json'])).code).toBe(0);
    const set = await p.cli(['run', '--set', 'lr=0.5', '--json']);
    expect(set.code).toBe(0);
    const report = set.json<{ ok: boolean; parent_run_id: string; stages: { stage: string; outcome: string; reasons: string[]; run_id: string }[] }>();
    expect(report.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([['train', 'ran', ['cmd changed', 'param lr changed']]]);
    expect(p.read('model.txt')).toBe('train\ntag=lr=0.5\n');
    expect(p.read('params.yaml')).toBe('lr: 0.1\nepochs: 3\n'); // the file is untouched
    const store = await p.store();
    const parent = await getRun(store, report.parent_run_id);
    expect(parent.data.params).toEqual([{ key: 'set.lr', value: '0.5' }]);
    const child = await getRun(store, report.stages[0]?.run_id ?? '');
    expect(child.data.params).toEqual([{ key: 'lr', value: '0.5' }]);
    expect((await p.lock()).stages.train?.params).toEqual({ 'params.yaml': { lr: 0.5 } });

    // Without --set the file's value is back: the earlier run with lr 0.1 is restored, not re-run.
    const back = await p.cli(['run', '--json']);
    expect(back.json<{ stages: { outcome: string }[] }>().stages.map((s) => s.outcome)).toEqual(['restored']);
    expect(p.read('model.txt')).toBe('train\ntag=lr=0.1\n');
    expect(p.runsLog()).toEqual(['train', 'train']);
  });
});
