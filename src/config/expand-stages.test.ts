import { describe, expect, it } from 'vitest';
import { parsePipeline } from './load-pipeline.js';

const parse = (text: string, files: Record<string, string> = {}) =>
  parsePipeline(text, 'slipway.yaml', '/proj', { readFile: (p) => files[p] });

const summary = (text: string, files?: Record<string, string>) =>
  parse(text, files).stages.map((s) => ({ name: s.name, cmd: s.cmd, outs: s.outs.map((o) => o.path) }));

describe('foreach', () => {
  it('over a list of scalars names stages by value and sets ${item}', () => {
    const text = `stages:
  train:
    foreach: [small, 0.5, true]
    do:
      cmd: python train.py --size \${item}
      outs: ["models/\${item}.pkl"]
`;
    expect(summary(text)).toEqual([
      { name: 'train@small', cmd: ['python train.py --size small'], outs: ['models/small.pkl'] },
      { name: 'train@0.5', cmd: ['python train.py --size 0.5'], outs: ['models/0.5.pkl'] },
      { name: 'train@true', cmd: ['python train.py --size true'], outs: ['models/true.pkl'] },
    ]);
  });

  it('over a list holding mappings names stages by position (DVC) and reads ${item.x}', () => {
    const text = `stages:
  train:
    foreach:
      - {lr: 0.1, depth: 3}
      - {lr: 0.01, depth: 5}
    do:
      cmd: fit --lr \${item.lr} --depth \${item.depth}
`;
    expect(summary(text)).toEqual([
      { name: 'train@0', cmd: ['fit --lr 0.1 --depth 3'], outs: [] },
      { name: 'train@1', cmd: ['fit --lr 0.01 --depth 5'], outs: [] },
    ]);
  });

  it('over a mapping names stages by key and sets ${key} and ${item}', () => {
    const text = `stages:
  build:
    foreach:
      uk: {epochs: 3, thresh: 10}
      us: {epochs: 10, thresh: 15}
    do:
      cmd: python train.py '\${key}' \${item.epochs} \${item.thresh}
      outs: ["model-\${key}.hdf5"]
`;
    expect(summary(text)).toEqual([
      { name: 'build@uk', cmd: ["python train.py 'uk' 3 10"], outs: ['model-uk.hdf5'] },
      { name: 'build@us', cmd: ["python train.py 'us' 10 15"], outs: ['model-us.hdf5'] },
    ]);
  });

  it('iterates a mapping taken from params.yaml with an exact ${}', () => {
    const text = 'stages:\n  fit:\n    foreach: ${models}\n    do:\n      cmd: fit ${key} ${item.depth}\n';
    const files = { 'params.yaml': 'models:\n  rf: {depth: 8}\n  gbm: {depth: 4}\n' };
    expect(summary(text, files).map((s) => [s.name, s.cmd[0]])).toEqual([
      ['fit@rf', 'fit rf 8'],
      ['fit@gbm', 'fit gbm 4'],
    ]);
  });

  it('templates params file names and keys with the item', () => {
    const text = 'stages:\n  t:\n    foreach: [a, b]\n    do:\n      cmd: x\n      params:\n        - conf/${item}.yaml: [lr]\n';
    const files = { 'conf/a.yaml': 'lr: 1\n', 'conf/b.yaml': 'lr: 2\n' };
    expect(parse(text, files).stages.map((s) => s.params)).toEqual([
      [{ file: 'conf/a.yaml', keys: ['lr'] }],
      [{ file: 'conf/b.yaml', keys: ['lr'] }],
    ]);
  });

  it('places every generated stage at the written key', () => {
    const spec = parse('stages:\n  t:\n    foreach: [a, b]\n    do:\n      cmd: x\n');
    expect(spec.stages.map((s) => s.location)).toEqual([
      { file: 'slipway.yaml', line: 2, column: 3 },
      { file: 'slipway.yaml', line: 2, column: 3 },
    ]);
  });
});

describe('matrix', () => {
  it('expands the cartesian product in written order with DVC names', () => {
    const text = `stages:
  test:
    matrix:
      os: [linux, macos]
      py: ["3.10", 3.11]
    cmd: run --os \${item.os} --py \${item.py} --name \${key}
`;
    expect(summary(text).map((s) => [s.name, s.cmd[0]])).toEqual([
      ['test@linux-3.10', 'run --os linux --py 3.10 --name linux-3.10'],
      ['test@linux-3.11', 'run --os linux --py 3.11 --name linux-3.11'],
      ['test@macos-3.10', 'run --os macos --py 3.10 --name macos-3.10'],
      ['test@macos-3.11', 'run --os macos --py 3.11 --name macos-3.11'],
    ]);
  });

  it('names list or mapping values by dimension and index, and reads into them', () => {
    const text = `stages:
  fit:
    matrix:
      model: [rf]
      cfg:
        - {lr: 0.1}
        - {lr: 0.2}
      feats: [[a, b]]
    cmd: fit \${item.model} \${item.cfg.lr} \${item.feats[1]}
`;
    expect(summary(text).map((s) => [s.name, s.cmd[0]])).toEqual([
      ['fit@rf-cfg0-feats0', 'fit rf 0.1 b'],
      ['fit@rf-cfg1-feats0', 'fit rf 0.2 b'],
    ]);
  });

  it('takes a dimension from vars with an exact ${}', () => {
    const text = 'vars:\n  - sizes: [s, m]\nstages:\n  t:\n    matrix:\n      size: ${sizes}\n      seed: [1]\n    cmd: x ${item.size}\n';
    expect(summary(text).map((s) => s.name)).toEqual(['t@s-1', 't@m-1']);
  });
});
