import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../errors.js';
import { parsePipeline } from './load-pipeline.js';

/** The message of the error parsing `text` throws (with `files` as the project's other files). */
function errorOf(text: string, files: Record<string, string> = {}): string {
  try {
    parsePipeline(text, 'slipway.yaml', '/proj', { readFile: (p) => files[p] });
  } catch (err) {
    expect(err).toBeInstanceOf(SlipwayError);
    expect((err as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
    return (err as SlipwayError).message;
  }
  throw new Error('expected parsePipeline to throw');
}

describe('YAML syntax errors', () => {
  it('reports a tab used as indentation on its line', () => {
    expect(errorOf('name: x\nstages:\n  train:\n\tcmd: x\n')).toBe(
      'slipway.yaml:4:1: YAML syntax error: Tabs are not allowed as indentation',
    );
  });

  it('reports an unclosed bracket where it was opened, not where yaml gave up', () => {
    expect(errorOf('name: x\nstages:\n  train:\n    deps: [a, b\n    cmd: x\n')).toBe(
      "slipway.yaml:4:11: this '[' is never closed (Flow sequence in block collection must be sufficiently indented and end with a ])",
    );
  });

  it('reports an unclosed quote where it was opened', () => {
    expect(errorOf('stages:\n  a:\n    cmd: "x\n    deps: []\n')).toBe(
      `slipway.yaml:3:10: this '"' is never closed (Missing closing "quote)`,
    );
  });

  it('reports a stage written twice', () => {
    expect(errorOf('stages:\n  a:\n    cmd: x\n  a:\n    cmd: y\n')).toBe('slipway.yaml:4:3: YAML syntax error: Map keys must be unique');
  });

  it('puts file, line, column and key path in the error context', () => {
    expect(() => parsePipeline('stages:\n  train:\n    cmd: x\n    dep: [a]\n', 'slipway.yaml', '/proj')).toThrow(
      expect.objectContaining({ context: expect.objectContaining({ file: 'slipway.yaml', line: 4, column: 5, path: 'stages.train.dep' }) }),
    );
  });
});

describe('schema errors', () => {
  it('rejects an unknown stage key and suggests a close one', () => {
    expect(errorOf('stages:\n  train:\n    cmd: x\n    dep: [a]\n')).toBe(
      "slipway.yaml:4:5: stages.train.dep: unknown key 'dep'; did you mean 'deps'?",
    );
  });

  it('rejects unknown top-level keys, accepts the sections later issues own', () => {
    expect(errorOf('stagez: {}\ncolour: 1\n')).toBe(
      "slipway.yaml:1:1: stagez: unknown key 'stagez'; did you mean 'stages'?\nslipway.yaml:2:1: colour: unknown key 'colour'",
    );
    expect(errorOf('stages: {}\nmonitor: {}\n')).toBe("slipway.yaml:2:1: monitor: unknown key 'monitor'; did you mean 'monitors'?");
    const spec = parsePipeline('monitors: 1\napprovals: [a]\nregistry: {x: 1}\ndeployments: null\n', 'slipway.yaml', '/proj');
    expect(spec.extra).toEqual({ monitors: 1, approvals: ['a'], registry: { x: 1 }, deployments: null });
  });

  it('reports wrong types with what was expected and what was found', () => {
    expect(errorOf('stages:\n  train:\n    cmd: x\n    deps: data.csv\n    frozen: yes\n    env: {A: [1]}\n')).toBe(
      [
        "slipway.yaml:4:11: stages.train.deps: expected a list, got 'data.csv'",
        "slipway.yaml:5:13: stages.train.frozen: expected true or false, got 'yes'",
        'slipway.yaml:6:14: stages.train.env.A: expected a string or a number or true or false, got a list',
      ].join('\n'),
    );
    expect(errorOf('stages:\n  train:\n    cmd: 5\n')).toBe('slipway.yaml:3:10: stages.train.cmd: expected a string or a list, got 5');
    expect(errorOf('stages:\n  train: python x.py\n')).toBe(
      "slipway.yaml:2:10: stages.train: expected a mapping of stage fields, got 'python x.py'",
    );
  });

  it('rejects negative retries in both forms, and misspelt retry keys', () => {
    const text = 'stages:\n  a:\n    cmd: x\n    retries:\n      count: -1\n  b:\n    cmd: x\n    retries: -1\n  c:\n    cmd: x\n    retries: {count: 1, backof: 1s}\n';
    expect(errorOf(text)).toBe(
      [
        'slipway.yaml:5:14: stages.a.retries.count: expected a non-negative integer, got -1',
        'slipway.yaml:8:14: stages.b.retries: expected a non-negative integer or a mapping, got -1',
        "slipway.yaml:11:25: stages.c.retries.backof: unknown key 'backof'; did you mean 'backoff'?",
      ].join('\n'),
    );
  });

  it('rejects a timeout that is not a positive duration', () => {
    const hint = "expected a positive duration like 30 (seconds), '30s', '5m', '1h' or '500ms'";
    expect(errorOf('stages:\n  a:\n    cmd: x\n    timeout: soon\n  b:\n    cmd: x\n    timeout: 0\n')).toBe(
      `slipway.yaml:4:14: stages.a.timeout: ${hint}, got 'soon'\nslipway.yaml:7:14: stages.b.timeout: ${hint}, got 0`,
    );
  });

  it('rejects an out entry naming two paths', () => {
    expect(errorOf('stages:\n  a:\n    cmd: x\n    outs:\n      - a: {cache: false}\n        b: {cache: true}\n')).toBe(
      'slipway.yaml:5:9: stages.a.outs[0]: expected one path per entry, like `- model.pkl: {cache: false}`, got a mapping',
    );
  });

  it('rejects an empty file and a top level that is not a mapping', () => {
    expect(errorOf('')).toBe("slipway.yaml:1:1: expected a mapping with 'stages', got an empty file");
    expect(errorOf('- a\n')).toBe("slipway.yaml:1:1: expected a mapping with 'stages', got a list");
  });
});

describe('stage rules', () => {
  it('requires cmd or uses', () => {
    expect(errorOf('stages:\n  train:\n    deps: [a]\n')).toBe(
      "slipway.yaml:2:3: stages.train: missing 'cmd' (or 'uses: <kind>' for a built-in stage kind)",
    );
  });

  it('refuses cmd and uses together', () => {
    expect(errorOf('stages:\n  train:\n    cmd: x\n    uses: train\n')).toBe(
      "slipway.yaml:2:3: stages.train: a stage has either 'cmd' or 'uses', not both",
    );
  });

  it('refuses an unknown stage kind and lists the known ones', () => {
    expect(errorOf('stages:\n  train:\n    uses: train\n    with: {epochs: 3}\n')).toBe(
      "slipway.yaml:3:11: stages.train.uses: unknown stage kind 'train' (known: none registered)",
    );
  });

  it('refuses paths that escape the project root or are absolute', () => {
    expect(errorOf('stages:\n  train:\n    cmd: x\n    deps: [../outside.csv]\n    outs: [/abs/model.pkl]\n    wdir: ../..\n')).toBe(
      [
        "slipway.yaml:4:12: stages.train.deps[0]: path '../outside.csv' escapes the project root",
        "slipway.yaml:5:12: stages.train.outs[0]: absolute path '/abs/model.pkl' is not allowed; write it relative to the project",
        "slipway.yaml:6:11: stages.train.wdir: path '../..' escapes the project root",
      ].join('\n'),
    );
    expect(errorOf('stages:\n  t:\n    cmd: x\n    wdir: sub\n    outs: [../../m]\n    metrics: ["C:\\\\m.json"]\n')).toBe(
      [
        "slipway.yaml:5:12: stages.t.outs[0]: path '../../m' escapes the project root",
        "slipway.yaml:6:15: stages.t.metrics[0]: absolute path 'C:\\m.json' is not allowed; write it relative to the project",
      ].join('\n'),
    );
  });

  it('refuses duplicate stage names after expansion', () => {
    expect(errorOf('stages:\n  t:\n    foreach: [1, "1"]\n    do:\n      cmd: x\n')).toBe(
      "slipway.yaml:2:3: stages.t: duplicate stage name 't@1'",
    );
  });

  it('refuses stage names with punctuation (DVC reserves @ for generated names)', () => {
    expect(errorOf('stages:\n  train@v2:\n    cmd: x\n')).toBe(
      "slipway.yaml:2:3: stages.train@v2: invalid stage name 'train@v2': use letters, digits, '_' and '-'",
    );
  });

  it('refuses needs naming an unknown stage', () => {
    expect(errorOf('stages:\n  prepare:\n    cmd: x\n  train:\n    cmd: y\n    needs: [prepar]\n')).toBe(
      "slipway.yaml:6:13: stages.train.needs[0]: unknown stage 'prepar'; did you mean 'prepare'?",
    );
  });

  it('names the stage, file and key of a missing param', () => {
    expect(errorOf('stages:\n  train:\n    cmd: x\n    params: [lr, model.depth]\n', { 'params.yaml': 'lr: 1\nmodel: {}\n' })).toBe(
      "slipway.yaml:4:18: stages.train.params[1]: stage 'train': param 'model.depth' not found in 'params.yaml'",
    );
    expect(errorOf('stages:\n  train:\n    cmd: x\n    params: [lr]\n')).toBe(
      "slipway.yaml:4:14: stages.train.params[0]: stage 'train': params file 'params.yaml' not found",
    );
  });

  it('reports foreach/matrix misuse', () => {
    const text = 'stages:\n  t:\n    foreach: 3\n    do:\n      cmd: x\n  u:\n    foreach: [a]\n    cmd: x\n  w:\n    foreach: [a]\n    matrix: {a: [1]}\n  m:\n    matrix: {os: []}\n    cmd: x\n';
    expect(errorOf(text)).toBe(
      [
        'slipway.yaml:3:14: stages.t.foreach: expected a list or a mapping, got 3',
        "slipway.yaml:6:3: stages.u: missing 'do' (the stage fields repeated for each item)",
        "slipway.yaml:8:5: stages.u.cmd: unknown key 'cmd' next to 'foreach' (stage fields go under 'do:')",
        "slipway.yaml:11:5: stages.w.matrix: a stage uses either 'foreach' or 'matrix', not both",
        'slipway.yaml:13:18: stages.m.matrix.os: expected a non-empty list, got an empty list',
      ].join('\n'),
    );
  });
});

describe('templating errors', () => {
  it('reports an unknown variable with its line and a suggestion', () => {
    expect(errorOf('stages:\n  train:\n    cmd: python train.py --lr ${train.lrr}\n', { 'params.yaml': 'train:\n  lr: 1\n' })).toBe(
      "slipway.yaml:3:10: stages.train.cmd: unknown variable 'train.lrr' ('train' has no 'lrr'); did you mean 'lr'?",
    );
  });

  it('names the generated stage, once, when a foreach template is wrong', () => {
    expect(errorOf('stages:\n  t:\n    foreach: [a, b]\n    do:\n      cmd: x ${key}\n')).toBe(
      "slipway.yaml:5:12: stages.t.do.cmd: unknown variable 'key' (in stage 't@a')",
    );
  });

  it('refuses a list inside a string', () => {
    expect(errorOf('vars:\n  - l: [1, 2]\nstages:\n  a:\n    cmd: echo ${l} x\n')).toBe(
      "slipway.yaml:5:10: stages.a.cmd: cannot put a list ('l') inside a string",
    );
  });

  it('reports missing vars files and values redefined across sources', () => {
    expect(errorOf('vars:\n  - missing.yaml\n  - lr: 2\nstages: {}\n', { 'params.yaml': 'lr: 1\n' })).toBe(
      [
        "slipway.yaml:2:5: vars[0]: vars file 'missing.yaml' not found",
        "slipway.yaml:3:5: vars[1]: cannot redefine 'lr': already defined by 'params.yaml'",
      ].join('\n'),
    );
  });

  it('reports listed params files that are missing or outside the project', () => {
    expect(errorOf('params: [../p.yaml, missing.yaml]\nstages: {}\n')).toBe(
      [
        "slipway.yaml:1:10: params[0]: path '../p.yaml' escapes the project root",
        "slipway.yaml:1:21: params[1]: params file 'missing.yaml' not found",
      ].join('\n'),
    );
  });

  it('reports a syntax error inside a params file with that file’s line', () => {
    expect(errorOf('stages: {}\n', { 'params.yaml': 'a: 1\nb: [\n' })).toBe(
      "params.yaml:2:4: this '[' is never closed (Flow sequence in block collection must be sufficiently indented and end with a ])",
    );
  });
});
