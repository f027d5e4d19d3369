import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlipwayError } from '../errors.js';
import { loadPipeline, parsePipeline } from './load-pipeline.js';
import { DEFAULT_RETRY_POLICY, type StageSpec } from './pipeline-types.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'slipway-config-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), text);
  }
}

const FULL = `name: churn
vars:
  - config/data.yaml
  - data_dir: data
stages:
  prepare:
    desc: Split the raw data
    cmd: python src/prepare.py \${data_dir}/raw.csv --seed \${seed} --name \${dataset}
    deps:
      - src/prepare.py
      - \${data_dir}/raw.csv
    params:
      - seed
      - prepare.split
    outs:
      - \${data_dir}/prepared/
  train:
    wdir: src
    cmd:
      - python train.py --lr \${train.lr}
      - python export.py
    deps: [train.py, ../data/prepared]
    params:
      - ../params.yaml: [train.lr]
      - ../config/model.json: [layers]
    outs:
      - ../models/model.pkl:
          cache: false
      - ../cache/:
          persist: true
    metrics:
      - ../metrics.json:
          cache: false
    plots:
      - ../plots/roc.csv
    env:
      THREADS: 4
      MODE: fast
      DEBUG: false
    retries: {count: 2, backoff: 500ms, factor: 3, max_backoff: 10s}
    timeout: 1h
    always_changed: true
    needs: [prepare]
  publish:
    cmd: ./publish.sh
    frozen: true
    retries: 1
    timeout: 90
monitors:
  drift: {every: 1h}
deployments: [prod]
`;

/** A stage with every field at its default, to spread and override. */
const base = (name: string): Omit<StageSpec, 'cmd' | 'location'> => ({
  name,
  wdir: '.',
  deps: [],
  params: [],
  outs: [],
  metrics: [],
  plots: [],
  env: {},
  retries: DEFAULT_RETRY_POLICY,
  timeoutMs: undefined,
  alwaysChanged: false,
  frozen: false,
  desc: undefined,
  needs: [],
  uses: undefined,
});

describe('loadPipeline', () => {
  it('parses a full DVC-style pipeline to exact stage specs', async () => {
    await write({
      'slipway.yaml': FULL,
      'params.yaml': 'seed: 42\nprepare:\n  split: 0.2\ntrain:\n  lr: 0.01\n',
      'config/data.yaml': 'dataset: churn-2024\n',
      'config/model.json': '{"layers": [64, 32]}',
    });
    const spec = await loadPipeline(join(root, 'slipway.yaml'));
    expect(spec.root).toBe(root);
    expect(spec.name).toBe('churn');
    expect(spec.paramsFiles).toEqual(['params.yaml']);
    expect(spec.vars).toEqual({ dataset: 'churn-2024', data_dir: 'data' });
    expect(spec.extra).toEqual({ monitors: { drift: { every: '1h' } }, deployments: ['prod'] });
    expect(spec.paramValues).toEqual({
      'config/model.json': { layers: [64, 32] },
      'params.yaml': { seed: 42, prepare: { split: 0.2 }, train: { lr: 0.01 } },
    });
    const file = join(root, 'slipway.yaml');
    const at = (line: number) => ({ file, line, column: 3 });
    expect(spec.stages).toEqual([
      {
        ...base('prepare'),
        location: at(6),
        desc: 'Split the raw data',
        cmd: ['python src/prepare.py data/raw.csv --seed 42 --name churn-2024'],
        deps: ['src/prepare.py', 'data/raw.csv'],
        params: [{ file: 'params.yaml', keys: ['seed', 'prepare.split'] }],
        outs: [{ path: 'data/prepared', cache: true, persist: false }],
      },
      {
        ...base('train'),
        location: at(17),
        cmd: ['python train.py --lr 0.01', 'python export.py'],
        wdir: 'src',
        deps: ['src/train.py', 'data/prepared'],
        params: [
          { file: 'params.yaml', keys: ['train.lr'] },
          { file: 'config/model.json', keys: ['layers'] },
        ],
        outs: [
          { path: 'models/model.pkl', cache: false, persist: false },
          { path: 'cache', cache: true, persist: true },
        ],
        metrics: [{ path: 'metrics.json', cache: false, persist: false }],
        plots: [{ path: 'plots/roc.csv', cache: true, persist: false }],
        env: { THREADS: '4', MODE: 'fast', DEBUG: 'false' },
        retries: { count: 2, backoffMs: 500, factor: 3, maxBackoffMs: 10_000 },
        timeoutMs: 3_600_000,
        alwaysChanged: true,
        needs: ['prepare'],
      },
      {
        ...base('publish'),
        location: at(44),
        cmd: ['./publish.sh'],
        frozen: true,
        retries: { ...DEFAULT_RETRY_POLICY, count: 1 },
        timeoutMs: 90_000,
      },
    ]);
    expect(Object.isFrozen(spec.stages[0]?.deps)).toBe(true);
  });

  it('defaults the name to the project folder and tolerates a missing params.yaml', async () => {
    await write({ 'slipway.yaml': 'stages:\n  a:\n    cmd: echo hi\n' });
    const spec = await loadPipeline(join(root, 'slipway.yaml'));
    expect(spec.name).toBe(basename(root));
    expect(spec.paramValues).toEqual({});
    expect(spec.stages.map((s) => s.cmd)).toEqual([['echo hi']]);
  });

  it('applies --set overrides to params before templating', async () => {
    await write({
      'slipway.yaml': 'params: [params.yaml, extra.json]\nstages:\n  a:\n    cmd: run ${train.lr} ${train.new} ${other}\n',
      'params.yaml': 'train:\n  lr: 0.1\n',
      'extra.json': '{"other": "x"}',
    });
    const spec = await loadPipeline(join(root, 'slipway.yaml'), {
      overrides: { 'train.lr': 0.5, 'train.new': true, 'extra.json:other': 'y' },
    });
    expect(spec.stages[0]?.cmd).toEqual(['run 0.5 true y']);
    expect(spec.paramValues).toEqual({ 'extra.json': { other: 'y' }, 'params.yaml': { train: { lr: 0.5, new: true } } });
  });

  it('says which pipeline file does not exist', async () => {
    const err = await loadPipeline(join(root, 'nope.yaml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlipwayError);
    expect((err as SlipwayError).code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

describe('parsePipeline', () => {
  const parse = (text: string, files: Record<string, string> = {}) =>
    parsePipeline(text, 'slipway.yaml', '/proj', { readFile: (p) => files[p] });

  it('turns a string cmd into one command and keeps a list as given', () => {
    const spec = parse('stages:\n  a:\n    cmd: echo one\n  b:\n    cmd: [echo one, echo two]\n');
    expect(spec.stages.map((s) => s.cmd)).toEqual([['echo one'], ['echo one', 'echo two']]);
  });

  it('resolves deps, outs and params against wdir and normalizes them', () => {
    const spec = parse(
      'stages:\n  a:\n    wdir: ./sub/dir/\n    cmd: x\n    deps: [a.csv, ./b/../c.csv, ../up.csv, "..\\\\win\\\\d.csv"]\n    outs: [out/]\n    params: [k]\n',
      { 'sub/dir/params.yaml': 'k: 1\n' },
    );
    const [a] = spec.stages;
    expect(a?.wdir).toBe('sub/dir');
    expect(a?.deps).toEqual(['sub/dir/a.csv', 'sub/dir/c.csv', 'sub/up.csv', 'sub/win/d.csv']);
    expect(a?.outs).toEqual([{ path: 'sub/dir/out', cache: true, persist: false }]);
    expect(a?.params).toEqual([{ file: 'sub/dir/params.yaml', keys: ['k'] }]);
  });

  it('merges params entries per file; a whole-file entry wins over keys', () => {
    const spec = parse('stages:\n  a:\n    cmd: x\n    params: [a, b, a, {params.yaml: }, {other.yaml: [c]}]\n', {
      'params.yaml': 'a: 1\nb: 2\n',
      'other.yaml': 'c: 3\n',
    });
    expect(spec.stages[0]?.params).toEqual([
      { file: 'params.yaml', keys: 'all' },
      { file: 'other.yaml', keys: ['c'] },
    ]);
  });

  it('reads vars inline, from files and from selected keys, and keeps value types for exact ${}', () => {
    const spec = parse(
      'vars:\n  - conf.yaml:model\n  - n: 3\n    tags: {a: b}\nstages:\n  a:\n    cmd: fit ${model.name} ${tags.a}\n    retries: ${n}\n',
      { 'conf.yaml': 'model:\n  name: rf\nunused: 1\n' },
    );
    expect(spec.vars).toEqual({ model: { name: 'rf' }, n: 3, tags: { a: 'b' } });
    expect(spec.stages[0]?.cmd).toEqual(['fit rf b']);
    expect(spec.stages[0]?.retries.count).toBe(3);
  });

  it('keeps escaped \\${} literal and accepts timeouts in every unit', () => {
    const spec = parse(
      'stages:\n  a:\n    cmd: echo \\${HOME}\n    timeout: 500ms\n  b:\n    cmd: x\n    timeout: 5m\n  c:\n    cmd: x\n    timeout: 1.5s\n',
    );
    expect(spec.stages.map((s) => [s.cmd, s.timeoutMs])).toEqual([
      [['echo ${HOME}'], 500],
      [['x'], 300_000],
      [['x'], 1500],
    ]);
  });

  it('expands a needs on a foreach group to all its stages', () => {
    const spec = parse('stages:\n  t:\n    foreach: [a, b]\n    do:\n      cmd: x ${item}\n  report:\n    cmd: y\n    needs: [t, t@a]\n');
    expect(spec.stages.find((s) => s.name === 'report')?.needs).toEqual(['t@a', 't@b']);
  });
});

describe('YAML features DVC files use', () => {
  it('accepts anchors with merge keys and an empty stages section', () => {
    const text = 'common: &common\n  deps: [a.csv]\n  frozen: true\n';
    expect(() => parsePipeline(`${text}stages: {}\n`, 'slipway.yaml', '/proj')).toThrow("unknown key 'common'");
    const spec = parsePipeline(
      'stages:\n  a:\n    cmd: x\n    deps: &d [a.csv]\n  b:\n    <<: {frozen: true, desc: shared}\n    cmd: y\n    deps: *d\n',
      'slipway.yaml',
      '/proj',
    );
    expect(spec.stages.map((s) => [s.name, s.deps, s.frozen, s.desc])).toEqual([
      ['a', ['a.csv'], false, undefined],
      ['b', ['a.csv'], true, 'shared'],
    ]);
    expect(parsePipeline('stages:\n', 'slipway.yaml', '/proj').stages).toEqual([]);
  });
});
