import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  getParamValue,
  parseParamsText,
  parseSetArgument,
  readParamsFile,
  requireParamValue,
  setParamValue,
} from './params-files.js';

describe('params files', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-params-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads YAML and JSON files, and says undefined for a missing one', async () => {
    await writeFile(join(root, 'params.yaml'), 'train:\n  lr: 0.1\n  layers: [64, 32]\n');
    await writeFile(join(root, 'p.json'), '{"seed": 7}');
    expect(await readParamsFile(root, 'params.yaml')).toEqual({ train: { lr: 0.1, layers: [64, 32] } });
    expect(await readParamsFile(root, 'p.json')).toEqual({ seed: 7 });
    expect(await readParamsFile(root, 'nope.yaml')).toBeUndefined();
  });

  it('treats an empty file as no params and refuses a non-mapping', () => {
    expect(parseParamsText('', 'params.yaml')).toEqual({});
    expect(() => parseParamsText('- 1\n', 'params.yaml')).toThrow("params.yaml:1:1: expected a mapping of params, got a list");
    // V8's wording varies between versions; the location is ours.
    expect(() => parseParamsText('{"a": 1,\n "b" 2}', 'p.json')).toThrow(/^p\.json:2:6: invalid JSON: .*position 14/);
    expect(() => parseParamsText('{"a": }', 'p.json')).toThrow(/^p\.json: invalid JSON: /);
  });

  it('gets dotted keys, list positions and nulls; undefined when absent', () => {
    const tree = { a: { b: [10, { c: null }] }, d: false };
    expect(getParamValue(tree, 'a.b.0')).toBe(10);
    expect(getParamValue(tree, 'a.b.1.c')).toBeNull();
    expect(getParamValue(tree, 'd')).toBe(false);
    expect(getParamValue(tree, 'a.x')).toBeUndefined();
    expect(getParamValue(tree, 'd.e')).toBeUndefined();
    expect(() => getParamValue(tree, 'a..b')).toThrow("invalid param key 'a..b'");
  });

  it('names stage, file and key when a required param is missing', () => {
    expect(() => requireParamValue({ lr: 1 }, 'train.lr', { stage: 'train', file: 'params.yaml' })).toThrow(
      "stage 'train': param 'train.lr' not found in 'params.yaml'",
    );
    expect(requireParamValue({ lr: 1 }, 'lr', { stage: 'train', file: 'params.yaml' })).toBe(1);
  });

  it('sets values in a copy, creating mappings on the way, never below a scalar', () => {
    const tree = { train: { lr: 0.1 }, layers: [1, 2] };
    expect(setParamValue(tree, 'train.lr', 0.5)).toEqual({ train: { lr: 0.5 }, layers: [1, 2] });
    expect(setParamValue(tree, 'model.depth', 3)).toEqual({ train: { lr: 0.1 }, layers: [1, 2], model: { depth: 3 } });
    expect(setParamValue(tree, 'layers.1', 9)).toEqual({ train: { lr: 0.1 }, layers: [1, 9] });
    expect(tree).toEqual({ train: { lr: 0.1 }, layers: [1, 2] });
    expect(() => setParamValue(tree, 'train.lr.x', 1)).toThrow("cannot set 'train.lr.x': 'train.lr' is 0.1");
    expect(() => setParamValue(tree, 'layers.x', 1)).toThrow("cannot set 'layers.x': 'layers' is a list");
  });

  it('parses --set arguments as YAML values with an optional file prefix', () => {
    expect(parseSetArgument('train.lr=0.01')).toEqual({ file: undefined, key: 'train.lr', value: 0.01 });
    expect(parseSetArgument('conf/p.json:name=abc')).toEqual({ file: 'conf/p.json', key: 'name', value: 'abc' });
    expect(parseSetArgument('flags=[a, b]')).toEqual({ file: undefined, key: 'flags', value: ['a', 'b'] });
    expect(parseSetArgument('x=')).toEqual({ file: undefined, key: 'x', value: null });
    expect(() => parseSetArgument('novalue')).toThrow("--set expects key=value, got 'novalue'");
  });
});
