import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, outcomes, type Project, sha256 } from './project.js';

/** `node sleep.mjs NAME MS`: records when it started and ended (Date.now()) in out/NAME.json. */
const SLEEP = `
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
const start = Date.now();
const [name, ms] = process.argv.slice(2);
await new Promise((r) => setTimeout(r, Number(ms)));
mkdirSync('out', { recursive: true });
const seen = name === 'join' ? readdirSync('out').filter((f) => f.endsWith('.json')).sort() : [];
writeFileSync('out/' + name + '.json', JSON.stringify({ start, end: Date.now(), seen }));
`;

const NAMES = ['a', 'b', 'c', 'd'];
const PIPELINE = `
stages:
${NAMES.map((n) => `  ${n}:\n    cmd: node sleep.mjs ${n} 500\n    outs: [out/${n}.json]\n`).join('')}
  join:
    cmd: node sleep.mjs join 0
    deps: [${NAMES.map((n) => `out/${n}.json`).join(', ')}]
    outs: [out/join.json]
`;

interface Interval { start: number; end: number; seen: string[] }

let p: Project;
beforeAll(async () => {
  p = await createProject({ 'slipway.yaml': PIPELINE, 'params.yaml': 'x: 1\n', 'sleep.mjs': SLEEP });
});
afterAll(() => p.dispose());

const interval = (n: string): Interval => JSON.parse(p.read(`out/${n}.json`)) as Interval;

/** The most intervals that were running at one moment. */
function maxConcurrency(intervals: readonly Interval[]): number {
  return Math.max(...intervals.map((i) => intervals.filter((o) => o.start <= i.start && i.start < o.end).length));
}

async function timedRun(jobs: number) {
  const t0 = performance.now();
  const report = await p.run({ jobs, force: true });
  const wallMs = performance.now() - t0;
  expect(report.ok).toBe(true);
  expect(outcomes(report)).toEqual({ a: 'ran', b: 'ran', c: 'ran', d: 'ran', join: 'ran' });
  return { wallMs, intervals: NAMES.map(interval), join: interval('join') };
}

describe('parallel stages', () => {
  it('with jobs 4, four independent 500 ms stages all run at once', async () => {
    const { intervals, join } = await timedRun(4);
    const maxStart = Math.max(...intervals.map((i) => i.start));
    const minEnd = Math.min(...intervals.map((i) => i.end));
    expect(maxStart).toBeLessThan(minEnd);
    expect(maxConcurrency(intervals)).toBe(4);
    for (const i of intervals) expect(i.end - i.start).toBeGreaterThanOrEqual(499);
    // No wall-clock bound: the overlap of the recorded intervals is the proof, and it does not
    // depend on how loaded the machine is (four node start-ups on two busy cores can take a second).
    // A stage starts only after every stage it depends on has finished and written its out.
    expect(join.start).toBeGreaterThanOrEqual(Math.max(...intervals.map((i) => i.end)));
    expect(join.seen).toEqual(['a.json', 'b.json', 'c.json', 'd.json']);
    // Stages that finished together all made it into the lock, each with the hash of what it wrote.
    const lock = await p.lock();
    expect(Object.keys(lock.stages)).toEqual(['a', 'b', 'c', 'd', 'join']);
    for (const n of [...NAMES, 'join']) expect(lock.stages[n]?.outs).toEqual([{ path: `out/${n}.json`, hash: sha256(p.read(`out/${n}.json`)), size: p.read(`out/${n}.json`).length }]);
  });

  it('with jobs 1 the stages never overlap', async () => {
    const { wallMs, intervals, join } = await timedRun(1);
    const sorted = [...intervals].sort((x, y) => x.start - y.start);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]?.start).toBeGreaterThanOrEqual(sorted[i - 1]?.end ?? Infinity);
    expect(maxConcurrency(intervals)).toBe(1);
    expect(wallMs).toBeGreaterThanOrEqual(2000);
    expect(join.start).toBeGreaterThanOrEqual(Math.max(...intervals.map((i) => i.end)));
  });

  it('--jobs 2 on the CLI runs at most two stages at once', async () => {
    const res = await p.cli(['run', '--force', '--jobs', '2', '--json']);
    expect(res.code).toBe(0);
    const intervals = NAMES.map(interval);
    expect(maxConcurrency(intervals)).toBe(2);
    expect(res.json<{ stages: { stage: string; outcome: string }[] }>().stages.map((s) => s.outcome)).toEqual(['ran', 'ran', 'ran', 'ran', 'ran']);
  });
});
