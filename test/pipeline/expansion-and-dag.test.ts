import { afterEach, describe, expect, it } from 'vitest';
import { createProject, outcomes, type Project, STEP_SCRIPT } from './project.js';

let p: Project | undefined;
afterEach(async () => {
  await p?.dispose();
  p = undefined;
});

async function project(pipeline: string): Promise<Project> {
  p = await createProject({ 'slipway.yaml': pipeline, 'params.yaml': 'lr: 0.1\nsizes: [s, m]\n', 'step.mjs': STEP_SCRIPT, 'data/raw.csv': 'x\n' });
  return p;
}

const EXPANDED = `
vars:
  - models:
      lin: {depth: 1}
      tree: {depth: 4}
stages:
  train:
    foreach: [a, b]
    do:
      cmd: node step.mjs train-\${item} out/train-\${item}.txt --in data/raw.csv
      deps: [data/raw.csv]
      outs: ['out/train-\${item}.txt']
  tune:
    foreach: \${models}
    do:
      cmd: node step.mjs tune-\${key} out/tune-\${key}.txt --tag depth\${item.depth}
      outs: ['out/tune-\${key}.txt']
  fit:
    matrix:
      model: [lin, tree]
      size: \${sizes}
    cmd: node step.mjs fit-\${item.model}-\${item.size} out/fit-\${key}.txt
    outs: ['out/fit-\${key}.txt']
  report:
    cmd: node step.mjs report out/report.txt --in out/train-a.txt --in out/train-b.txt
    needs: [train, fit]
    outs: [out/report.txt]
`;

describe('foreach and matrix', () => {
  it('runs every generated stage, named name@item', async () => {
    const pr = await project(EXPANDED);
    const r = await pr.run();
    expect(r.ok).toBe(true);
    expect(outcomes(r)).toEqual({
      'train@a': 'ran', 'train@b': 'ran', 'tune@lin': 'ran', 'tune@tree': 'ran',
      'fit@lin-s': 'ran', 'fit@lin-m': 'ran', 'fit@tree-s': 'ran', 'fit@tree-m': 'ran', report: 'ran',
    });
    expect(pr.read('out/train-b.txt')).toBe('train-b\ndata/raw.csv=x\n');
    expect(pr.read('out/tune-tree.txt')).toBe('tune-tree\ntag=depth4\n');
    expect(pr.read('out/fit-tree-m.txt')).toBe('fit-tree-m\n');
    expect(pr.runsLog().at(-1)).toBe('report'); // needs: [train, fit] waits for all six
    expect(Object.keys((await pr.lock()).stages)).toEqual([
      'train@a', 'train@b', 'tune@lin', 'tune@tree', 'fit@lin-s', 'fit@lin-m', 'fit@tree-s', 'fit@tree-m', 'report',
    ]);

    await pr.write('data/raw.csv', 'y\n');
    const again = await pr.run({ targets: ['train'] }); // a group name selects its members
    expect(again.stages.map((s) => [s.stage, s.outcome, s.reasons])).toEqual([
      ['train@a', 'ran', ['dep data/raw.csv changed']],
      ['train@b', 'ran', ['dep data/raw.csv changed']],
    ]);
    const one = await pr.run({ targets: ['fit@tree-s'], force: true });
    expect(outcomes(one)).toEqual({ 'fit@tree-s': 'ran' });

    const dag = await pr.cli(['dag', '--json']);
    expect(dag.json<{ edges: string[][] }>().edges).toEqual([
      ['fit@lin-m', 'report'], ['fit@lin-s', 'report'], ['fit@tree-m', 'report'], ['fit@tree-s', 'report'], ['train@a', 'report'], ['train@b', 'report'],
    ]);
  });
});

describe('slipway checkout with stage targets', () => {
  it('a foreach group name selects its generated stages, as it does for run and status; an unknown name is an error', async () => {
    const pr = await project(EXPANDED);
    await pr.run();
    for (const f of ['out/train-a.txt', 'out/train-b.txt', 'out/fit-lin-s.txt']) await pr.remove(f);
    const one = await pr.cli(['checkout', 'train@b', '--json']);
    expect(one.json()).toEqual({ results: [{ path: 'out/train-b.txt', action: 'restored' }] });
    await pr.remove('out/train-b.txt');

    const group = await pr.cli(['checkout', 'train', '--json']);
    expect(group.code).toBe(0);
    expect(group.json()).toEqual({ results: [{ path: 'out/train-a.txt', action: 'restored' }, { path: 'out/train-b.txt', action: 'restored' }] });
    expect(pr.read('out/train-a.txt')).toBe('train-a\ndata/raw.csv=x\n');
    expect(pr.exists('out/fit-lin-s.txt')).toBe(false); // not a target

    const unknown = await pr.cli(['checkout', 'trian']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toMatch(/^slipway: Unknown stage 'trian'\./);
  });
});

const SMALL = `
stages:
  prepare:
    cmd: node step.mjs prepare data/clean.csv --in data/raw.csv
    deps: [data/raw.csv]
    outs: [data/clean.csv]
  train:
    cmd: node step.mjs train model.txt --in data/clean.csv
    deps: [data/clean.csv]
    outs: [model.txt]
  lint:
    cmd: node step.mjs lint lint.txt
    outs: [lint.txt]
  evaluate:
    cmd: node step.mjs evaluate report.txt --in model.txt --in data/clean.csv
    deps: [model.txt, data/clean.csv]
    outs: [report.txt]
`;

describe('slipway dag', () => {
  it('prints text, Mermaid, dot and JSON exactly', async () => {
    const pr = await project(SMALL);
    const text = await pr.cli(['dag']);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('prepare\nlint\ntrain  <- prepare\nevaluate  <- prepare, train\n');
    expect((await pr.cli(['dag', '--mermaid'])).stdout).toBe(
      ['flowchart TD', '  s0["prepare"]', '  s1["lint"]', '  s2["train"]', '  s3["evaluate"]', '  s0 --> s2', '  s0 --> s3', '  s2 --> s3', ''].join('\n'),
    );
    expect((await pr.cli(['dag', '--dot'])).stdout).toBe(
      [
        'digraph pipeline {', '  rankdir=TB;', '  node [shape=box];', '  "prepare";', '  "lint";', '  "train";', '  "evaluate";',
        '  "prepare" -> "train";', '  "prepare" -> "evaluate";', '  "train" -> "evaluate";', '}', '',
      ].join('\n'),
    );
    expect((await pr.cli(['dag', '--json'])).json()).toEqual({
      stages: ['prepare', 'lint', 'train', 'evaluate'],
      edges: [['prepare', 'train'], ['prepare', 'evaluate'], ['train', 'evaluate']],
    });
  });
});

describe('pipeline errors', () => {
  it('a cycle is an error naming the cycle, for dag, status and run', async () => {
    const pr = await project(`
stages:
  A:
    cmd: node step.mjs A a.txt --in b.txt
    deps: [b.txt]
    outs: [a.txt]
  B:
    cmd: node step.mjs B b.txt --in a.txt
    deps: [a.txt]
    outs: [b.txt]
  C:
    cmd: node step.mjs C c.txt
    outs: [c.txt]
`);
    const message = 'slipway: slipway.yaml: the pipeline has a cycle: A -> B -> A.\n';
    for (const args of [['dag'], ['status'], ['run']]) {
      const res = await pr.cli(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr.startsWith(message), res.stderr).toBe(true);
    }
    expect(pr.runsLog()).toEqual([]); // not even the stage outside the cycle ran
    expect(pr.exists('slipway.lock')).toBe(false);
  });

  it('two stages writing the same out is an error naming both', async () => {
    const pr = await project(`
stages:
  first:
    cmd: node step.mjs first same.txt
    outs: [same.txt]
  second:
    cmd: node step.mjs second same.txt
    outs: [same.txt]
`);
    const res = await pr.cli(['run']);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toBe("slipway: slipway.yaml: stages 'first' and 'second' both write 'same.txt'; an output must have one producer.");
    expect(pr.runsLog()).toEqual([]);

    await pr.write('slipway.yaml', `
stages:
  whole:
    cmd: node step.mjs whole data/x.txt
    outs: [data]
  part:
    cmd: node step.mjs part data/x.txt
    metrics: [data/x.txt]
`);
    const overlap = await pr.cli(['dag']);
    expect(overlap.code).toBe(2);
    expect(overlap.stderr.split('\n')[0]).toBe(
      "slipway: slipway.yaml: stages 'whole' and 'part' both write 'data' ('data' and 'data/x.txt' overlap); an output must have one producer.",
    );
  });

  it('an unknown stage target is an error listing the stages', async () => {
    const pr = await project(SMALL);
    const res = await pr.cli(['run', 'trian']);
    expect(res.code).toBe(2);
    expect(res.stderr.split('\n')[0]).toBe("slipway: Unknown stage 'trian'. Stages: prepare, train, lint, evaluate.");
    const status = await pr.cli(['status', 'nope', '--json']);
    expect(status.code).toBe(2);
    expect(JSON.parse(status.stderr)).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Unknown stage 'nope'. Stages: prepare, train, lint, evaluate." });
    expect(pr.runsLog()).toEqual([]);
  });
});
