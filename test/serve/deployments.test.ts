import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/index.js';
import {
  deploy, deploymentHistory, getDeployment, listDeployments, promoteCandidate, rollbackDeployment, startRollout,
} from '../../src/serve/index.js';
import { BACKENDS } from '../backends.js';
import { expectCode } from '../helpers/test-store.js';
import { type DeploymentFixture, deploymentFixture } from './deployment-fixture.js';

const v1 = { model: 'iris', version: '1' };
const v2 = { model: 'iris', version: '2' };

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`deployments as stored state: ${backend.name}`, () => {
    let f: DeploymentFixture;
    beforeEach(async () => {
      f = await deploymentFixture(backend);
    });
    afterEach(async () => {
      await f.dispose();
    });

    it('first deploy serves the version; blue/green keeps the old one as standby; rollback swaps back and forth', async () => {
      const s = f.t.store;
      const first = await startRollout(s, 'web', { ref: v1, strategy: 'canary' });
      expect(first).toMatchObject({ revision: 1, status: 'serving', spec: { stable: v1, candidate: null, standby: null } });
      const second = await startRollout(s, 'web', { ref: v2, strategy: 'bluegreen', reason: 'better AUC' });
      expect(second).toMatchObject({ revision: 2, status: 'serving', spec: { stable: v2, standby: v1 } });
      const back = await rollbackDeployment(s, 'web', { reason: 'latency' });
      expect(back.spec).toMatchObject({ stable: v1, standby: v2 });
      const forward = await rollbackDeployment(s, 'web');
      expect(forward.spec).toMatchObject({ stable: v2, standby: v1 });
      const history = await deploymentHistory(s, 'web');
      expect(history.map((h) => [h.revision, h.action, h.spec.stable.version])).toEqual([[1, 'deploy', '1'], [2, 'deploy', '2'], [3, 'rollback', '1'], [4, 'rollback', '2']]);
      expect(history[1]?.reason).toBe('better AUC');
      const audit = await listAudit(s.db, { subjectType: 'deployment' });
      expect(audit.map((a) => a.action).sort()).toEqual(['deployment.deploy', 'deployment.deploy', 'deployment.rollback', 'deployment.rollback']);
      expect(audit.find((a) => a.reason === 'latency')?.before).toMatchObject({ revision: 2, stable: v2 });
    });

    it('canary: candidate beside stable with defaults; promote makes it stable; a second rollout waits for the first', async () => {
      const s = f.t.store;
      await startRollout(s, 'web', { ref: v1, strategy: 'bluegreen' });
      const canary = await startRollout(s, 'web', { ref: v2, strategy: 'canary', percent: 25, limits: { promoteAfter: 50 } });
      expect(canary.status).toBe('canary');
      expect(canary.spec.candidate).toMatchObject({ ref: v2, percent: 25, keyHeader: 'x-slipway-key', limits: { promoteAfter: 50, minRequests: 100, maxErrorRate: 0.01 } });
      await expectCode(startRollout(s, 'web', { ref: v1, strategy: 'shadow' }), 'RESOURCE_CONFLICT');
      const promoted = await promoteCandidate(s, 'web');
      expect(promoted).toMatchObject({ status: 'serving', spec: { stable: v2, candidate: null, standby: v1 } });
      await expectCode(promoteCandidate(s, 'web'), 'RESOURCE_CONFLICT');
    });

    it('compare-and-set: of two decisions on one revision only the first lands', async () => {
      const s = f.t.store;
      await startRollout(s, 'web', { ref: v1, strategy: 'bluegreen' });
      const canary = await startRollout(s, 'web', { ref: v2, strategy: 'canary' });
      const results = await Promise.allSettled([
        promoteCandidate(s, 'web', { expectedRevision: canary.revision }),
        rollbackDeployment(s, 'web', { expectedRevision: canary.revision }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect((rejected?.reason as { code: string }).code).toBe('RESOURCE_CONFLICT');
      expect((await getDeployment(s, 'web')).revision).toBe(canary.revision + 1);
    });

    it('refuses what makes no sense, changing nothing', async () => {
      const s = f.t.store;
      await expectCode(rollbackDeployment(s, 'nope'), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(startRollout(s, 'Bad_Name', { ref: v1, strategy: 'bluegreen' }), 'INVALID_PARAMETER_VALUE');
      await startRollout(s, 'web', { ref: v1, strategy: 'bluegreen' });
      await expectCode(startRollout(s, 'web', { ref: v1, strategy: 'bluegreen' }), 'RESOURCE_CONFLICT');
      await expectCode(rollbackDeployment(s, 'web'), 'RESOURCE_CONFLICT'); // nothing to go back to
      await expectCode(startRollout(s, 'web', { ref: v2, strategy: 'canary', percent: 120 }), 'INVALID_PARAMETER_VALUE');
      expect((await listDeployments(s)).map((d) => [d.name, d.revision])).toEqual([['web', 1]]);
    });

    it('deploy smoke-tests the version first: a passing file rolls out, a lying one is refused and audited', async () => {
      const s = f.t.store;
      const ok = await deploy(s, 'web', { uri: 'models:/iris/1', smokeFile: await f.smokeFile('1') });
      expect(ok.smoke).toMatchObject({ passed: true, rows: 40, mismatches: 0, source: 'file' });
      expect(ok.deployment.spec.smoke).toMatchObject({ source: 'file', rows: 40, ref: v1 });
      const refused = deploy(s, 'web', { uri: 'models:/iris/2', smokeFile: await f.smokeFile('2', true) });
      await expectCode(refused, 'CHECK_FAILED');
      await expect(refused).rejects.toThrow(/failed on 1 of 40 rows: case 0 row 3/);
      expect((await getDeployment(s, 'web')).revision).toBe(1);
      expect((await listAudit(s.db, { action: 'deployment.smoke_failed' }))[0]).toMatchObject({ subject_id: 'web', after: v2 });
      // v1's smoke file does not describe v2
      await expectCode(deploy(s, 'web', { uri: 'models:/iris/2', smokeFile: await f.smokeFile('1') }), 'CHECK_FAILED');
    });

    it('deploy without a smoke sample asks for one, unless told to skip', async () => {
      const s = f.t.store;
      await expect(deploy(s, 'web', { uri: 'models:/iris/1' })).rejects.toThrow(/no smoke test for iris version 1.*--smoke FILE/);
      const skipped = await deploy(s, 'web', { uri: 'models:/iris/1', skipSmoke: true });
      expect(skipped.smoke).toBeUndefined();
      expect((await deploymentHistory(s, 'web'))[0]?.reason).toBe('deployed without a smoke test');
    });
  });
}
