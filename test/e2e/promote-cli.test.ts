import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordBlessing } from '../../src/registry/index.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
let before: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-promote-cli-'));
  before = process.cwd();
  await writeFile(join(dir, 'slipway.yaml'), 'name: p\nstages: {}\nregistry:\n  aliases:\n    production: {require_approval: true}\n    sandbox: {require_blessing: false}\n');
  await writeFile(join(dir, 'model.onnx'), 'bytes');
  process.chdir(dir);
});
afterEach(async () => {
  process.chdir(before);
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], user = 'alice') => runCli(args, { SLIPWAY_USER: user });

describe('slipway models promote', () => {
  it("follows slipway.yaml's alias policy: blessing always, approval where required", async () => {
    expect((await cli(['models', 'register', 'churn', '--source', 'model.onnx'])).code).toBe(0);
    const refused = await cli(['models', 'promote', 'churn', '1', '--to', 'production']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Cannot promote churn version 1 to @production: it holds no passed gate for @production');
    expect(refused.stderr).toContain('@production requires an approval by someone other than its author');

    const store = await openStore({ cwd: dir, actor: 'gatekeeper' });
    await recordBlessing(store, 'churn', 1, { target: 'production', passed: true, rules: [] });
    await store.close();
    const stillRefused = await cli(['models', 'promote', 'churn', '1', '--to', 'production']);
    expect(stillRefused.code).toBe(1);
    expect(stillRefused.stderr).not.toContain('no passed gate');
    expect((await cli(['models', 'approve', 'churn', '1', '--for', 'production'], 'bob')).code).toBe(0);
    const ok = await cli(['models', 'promote', 'churn', '1', '--to', 'production', '--reason', 'ship it', '--json']);
    expect(ok.code).toBe(0);
    expect(ok.json()).toEqual({ name: 'churn', alias: 'production', version: '1' });
    const blessings = (await cli(['models', 'blessings', 'churn', '--json'])).json<{ blessings: { target: string; passed: boolean; actor: string }[] }>();
    expect(blessings.blessings.map((b) => [b.target, b.passed, b.actor])).toEqual([['production', true, 'gatekeeper']]);
    // An alias whose policy waives the blessing moves freely.
    expect((await cli(['models', 'promote', 'churn', '1', '--to', 'sandbox'])).code).toBe(0);
  });
});
