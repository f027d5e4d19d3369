import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SlipwayError } from '../errors.js';
import { parsePipeline } from './load-pipeline.js';
import { getStageKind, listStageKinds, registerStageKind } from './stage-kinds.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanups.splice(0)) undo();
});

function registerFakes(): void {
  cleanups.push(
    registerStageKind({
      name: 'fake-train',
      describe: 'a fake trainer for tests',
      schema: z.strictObject({ epochs: z.number().int().positive(), data: z.string(), seed: z.number().default(0) }),
    }),
    registerStageKind({ name: 'fake-gate', describe: 'a fake gate', schema: z.object({}) }),
  );
}

const parse = (text: string) => parsePipeline(text, 'slipway.yaml', '/proj');

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SlipwayError);
    return (err as Error).message;
  }
  throw new Error('expected a throw');
}

describe('stage kinds', () => {
  it('registers, lists sorted, and unregisters', () => {
    registerFakes();
    expect(listStageKinds().map((k) => k.name)).toEqual(['fake-gate', 'fake-train']);
    expect(getStageKind('fake-train')?.describe).toBe('a fake trainer for tests');
    expect(() => registerStageKind({ name: 'fake-gate', describe: '', schema: z.object({}) })).toThrow(
      "stage kind 'fake-gate' is already registered",
    );
    expect(() => registerStageKind({ name: 'Bad Name', describe: '', schema: z.object({}) })).toThrow(
      "stage kind name 'Bad Name' must be lowercase letters, digits and '-'",
    );
    for (const undo of cleanups.splice(0)) undo();
    expect(listStageKinds()).toEqual([]);
  });

  it('validates with: through the kind schema and keeps its parsed output (templated)', () => {
    registerFakes();
    const spec = parse('vars:\n  - n: 3\nstages:\n  fit:\n    uses: fake-train\n    with: {epochs: "${n}", data: d.csv}\n    needs: []\n');
    expect(spec.stages[0]?.uses).toEqual({ kind: 'fake-train', with: { epochs: 3, data: 'd.csv', seed: 0 } });
    expect(spec.stages[0]?.cmd).toEqual([]);
  });

  it('locates errors inside with:', () => {
    registerFakes();
    expect(messageOf(() => parse('stages:\n  fit:\n    uses: fake-train\n    with:\n      epochs: -2\n      dta: x\n')).split('\n')).toEqual([
      'slipway.yaml:4:5: stages.fit.with.data: missing; expected a string',
      'slipway.yaml:5:15: stages.fit.with.epochs: Too small: expected number to be >0, got -2',
      "slipway.yaml:6:7: stages.fit.with.dta: unknown key 'dta'; did you mean 'data'?",
    ]);
  });

  it('lists the known kinds and suggests one for a misspelt kind', () => {
    registerFakes();
    expect(messageOf(() => parse('stages:\n  fit:\n    uses: fake-trian\n'))).toBe(
      "slipway.yaml:3:11: stages.fit.uses: unknown stage kind 'fake-trian' (known: fake-gate, fake-train); did you mean 'fake-train'?",
    );
  });

  it("refuses 'with' without 'uses'", () => {
    expect(messageOf(() => parse('stages:\n  a:\n    cmd: x\n    with: {a: 1}\n'))).toBe("slipway.yaml:4:5: stages.a.with: 'with' needs 'uses'");
  });
});
