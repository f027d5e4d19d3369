import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/index.js';
import {
  approveVersion, createModelVersion, createRegisteredModel, getVersionByAlias, isBlessed, listBlessings, modelHistory, promote,
  modelCard, recordBlessing,
} from '../../src/registry/index.js';
import { createRun, logBatch, logInputs } from '../../src/tracking/index.js';
import { BACKENDS } from '../backends.js';
import { createTestStore, expectCode, type TestStore, withActor } from '../helpers/test-store.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`promotion and blessings: ${backend.name}`, () => {
    let t: TestStore;
    let dir: string;
    beforeEach(async () => {
      t = await createTestStore(backend);
      dir = await mkdtemp(join(tmpdir(), 'slipway-promote-'));
      await writeFile(join(dir, 'model.onnx'), 'weights');
      await createRegisteredModel(t.store, 'churn');
      await createModelVersion(t.store, 'churn', { source: join(dir, 'model.onnx') });
    });
    afterEach(async () => {
      await t.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    it('refuses a version without a passed gate, and says what is missing', async () => {
      await expectCode(promote(t.store, 'churn', 1, 'production'), 'PERMISSION_DENIED');
      await promote(t.store, 'churn', 1, 'production').catch((e: Error) => {
        expect(e.message).toBe('Cannot promote churn version 1 to @production: it holds no passed gate for @production (run `slipway gate` with --for production).');
      });
      await recordBlessing(t.store, 'churn', 1, { target: 'production', passed: false, rules: [{ metric: 'accuracy', status: 'failed' }] });
      expect(await isBlessed(t.store, 'churn', 1, 'production')).toBe(false);
      await expectCode(promote(t.store, 'churn', 1, 'production'), 'PERMISSION_DENIED');
    });

    it('promotes a blessed version, audited as model.promote and shown in history', async () => {
      const b = await recordBlessing(t.store, 'churn', 1, { target: 'production', baselineVersion: null, passed: true, rules: [{ metric: 'accuracy', candidate: 0.86, status: 'passed' }], runId: null });
      expect(b).toMatchObject({ name: 'churn', version: '1', target: 'production', passed: true, baseline_version: null, actor: 'alice' });
      expect((await listBlessings(t.store, 'churn', 1)).map((x) => x.rules)).toEqual([[{ metric: 'accuracy', candidate: 0.86, status: 'passed' }]]);
      await promote(t.store, 'churn', 1, 'production', { reason: 'gate passed' });
      expect((await getVersionByAlias(t.store, 'churn', 'production')).version).toBe('1');
      const history = await modelHistory(t.store, 'churn');
      expect(history.map((h) => [h.target, h.version, h.actor, h.reason])).toEqual([['production', '1', 'alice', 'gate passed']]);
      const audit = await listAudit(t.store.db, { subject: 'churn' });
      expect(audit.map((a) => a.action).slice(0, 2)).toEqual(['model.promote', 'model_version.bless']);
    });

    it('with approval required, refuses until someone other than the author approves', async () => {
      await recordBlessing(t.store, 'churn', 1, { target: 'production', passed: true, rules: [] });
      const policy = { requireApproval: true };
      await expectCode(promote(t.store, 'churn', 1, 'production', { policy }), 'PERMISSION_DENIED');
      await expectCode(approveVersion(t.store, 'churn', 1, { target: 'production' }), 'PERMISSION_DENIED');
      await approveVersion(withActor(t.store, 'bob'), 'churn', 1, { target: 'staging' });
      await expectCode(promote(t.store, 'churn', 1, 'production', { policy }), 'PERMISSION_DENIED');
      await approveVersion(withActor(t.store, 'bob'), 'churn', 1, { target: 'production' });
      await promote(t.store, 'churn', 1, 'production', { policy, reason: 'approved' });
      expect((await getVersionByAlias(t.store, 'churn', 'production')).version).toBe('1');
    });

    it('writes a model card with lineage, metrics, fairness, gates, approvals and alias history', async () => {
      const run = await createRun(t.store, { runName: 'fit', sourceGitCommit: 'a'.repeat(40) });
      await logBatch(t.store, run.info.run_id, {
        params: [{ key: 'max_iter', value: '100' }],
        metrics: [{ key: 'accuracy', value: 0.8675 }, { key: 'fairness.sex.demographic_parity_ratio', value: 0.31 }],
      });
      await logInputs(t.store, run.info.run_id, [{ name: 'train.csv', digest: 'b'.repeat(64), context: 'training', source: 'data/train.csv', size: 10 }]);
      await createModelVersion(t.store, 'churn', { source: join(dir, 'model.onnx'), runId: run.info.run_id, description: 'gbdt | v2' });
      await recordBlessing(t.store, 'churn', 2, { target: 'production', baselineVersion: 1, passed: true, rules: [{ metric: 'accuracy', status: 'passed', message: '0.8675 >= 0.86' }] });
      await approveVersion(withActor(t.store, 'bob'), 'churn', 2, { target: 'production', comment: 'ok' });
      await promote(t.store, 'churn', 2, 'production', { reason: 'better' });
      const card = await modelCard(t.store, 'churn', 2);
      expect(card).toContain('# churn — version 2');
      expect(card).toContain('\n\ngbdt | v2\n\n');
      expect(card).toContain(`- code: git commit \`${'a'.repeat(40)}\``);
      expect(card).toContain(`| train.csv | training | \`${'b'.repeat(64)}\` | 10 |`);
      expect(card).toContain('| max_iter | 100 |');
      expect(card).toContain('| accuracy | 0.8675 |');
      expect(card).toContain('## Fairness\n\n| metric | value |\n|---|---|\n| sex.demographic_parity_ratio | 0.31 |');
      expect(card).toContain('- PASSED for @production against version 1');
      expect(card).toContain('  - accuracy: passed — 0.8675 >= 0.86');
      expect(card).toContain('- approved for @production by bob');
      expect(card).toMatch(/gained alias @production \(alice: better\)/);
    });

    it('a blessing for another alias does not count', async () => {
      await recordBlessing(t.store, 'churn', 1, { target: 'staging', passed: true, rules: [] });
      await expectCode(promote(t.store, 'churn', 1, 'production'), 'PERMISSION_DENIED');
      await promote(t.store, 'churn', 1, 'staging');
    });
  });
}
