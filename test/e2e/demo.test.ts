import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/index.js';

let home: string | undefined;
afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('runs the whole loop and leaves a model card behind (it throws if any step misbehaves)', async () => {
    home = await mkdtemp(join(tmpdir(), 'slipway-demo-test-'));
    const result = await runDemo({ home, narrate: false });
    expect(result.model).toBe('adult-income');
    expect(result.champion).toBe('1');
    expect(result.pipelineRuns).toHaveLength(2);
    const card = await readFile(join(result.project, 'model-card.md'), 'utf8');
    expect(card).toContain('# adult-income — version 1');
    expect(card).toContain('- PASSED for @production against no baseline');
    expect(card).toContain('- approved for @production by demo-reviewer');
    expect(card).toMatch(/\| accuracy \| 0\.86\d+ \|/);
    const report = await readFile(result.monitorReport, 'utf8');
    expect(report).toContain('Monitor adult-income-live: alert');
    expect(report.length).toBeLessThan(2 * 1024 * 1024);
  }, 120_000);
});
