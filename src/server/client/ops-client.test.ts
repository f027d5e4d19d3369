import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { expectCode } from '../../../test/helpers/test-store.js';
import { startTrackingServer, type TrackingServer } from '../../../test/helpers/tracking-server.js';
import { recordMonitorRun } from '../../monitor/index.js';
import { setAlias, transitionStage } from '../../registry/index.js';
import { sha256Bytes } from '../../store/index.js';
import { createRun, putArtifact } from '../../tracking/index.js';
import { localOpsClient } from './local-ops-client.js';
import type { OpsClient } from './ops-client.js';
import { remoteOpsClient } from './remote-ops-client.js';

/**
 * The two OpsClients over one store: the local one on it directly, the remote one through
 * `slipway server` on a loopback port. Whatever one answers or refuses, the other must too: the CLI
 * prints the same either way only if they do.
 */
for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`OpsClient, local and remote: ${backend.name}`, () => {
    let server: TrackingServer;
    let local: OpsClient;
    let remote: OpsClient;
    let runId: string;
    const both = () => [local, remote] as const;

    beforeAll(async () => {
      server = await startTrackingServer(backend);
      local = localOpsClient(server.ts.store);
      remote = remoteOpsClient({ url: server.url, maxRetries: 0 });
      runId = (await createRun(server.ts.store)).info.run_id;
      await putArtifact(server.ts.store, runId, 'one.onnx', 'first bytes');
      await putArtifact(server.ts.store, runId, 'two.onnx', 'second bytes');
      await putArtifact(server.ts.store, runId, 'folder/a.onnx', 'a');
      await putArtifact(server.ts.store, runId, 'folder/b.txt', 'b');
    });
    afterAll(async () => server?.close());

    it('register the same way, creating the model once, and read back the same values', async () => {
      const a = await remote.registerVersion('m', { source: `runs:/${runId}/one.onnx`, description: 'first', tags: [{ key: 'k', value: 'v' }] });
      const b = await local.registerVersion('m', { source: `runs:/${runId}/two.onnx` });
      const c = await remote.registerVersion('m', { source: `runs:/${runId}/folder` });
      expect([a.version, b.version, c.version, c.blob.kind]).toEqual(['1', '2', '3', 'directory']);
      expect(a).toMatchObject({ description: 'first', tags: [{ key: 'k', value: 'v' }], run_id: runId });
      expect(await remote.listModels()).toEqual(await local.listModels());
      expect(await remote.getModel('m')).toEqual(await local.getModel('m'));
      expect(await remote.getVersion('m', '1')).toEqual(await local.getVersion('m', '1'));
      for (const ops of both()) await expectCode(ops.getVersion('m', '7'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('resolve models:/ URIs alike and hand out verified bytes of single-file versions only', async () => {
      await setAlias(server.ts.store, 'm', 'champion', '2');
      await transitionStage(server.ts.store, 'm', '1', 'Staging');
      for (const uri of ['models:/m/1', 'models:/m@champion', 'models:/m/latest', 'models:/m/Staging']) {
        expect(await remote.resolveModel(uri)).toEqual(await local.resolveModel(uri));
      }
      for (const ops of both()) {
        const v = await ops.resolveModel('models:/m@champion');
        expect(Buffer.from(await ops.modelBytes(v)).toString()).toBe('second bytes');
        expect(sha256Bytes(await ops.modelBytes(v)).hash).toBe(v.blob.hash);
        await expectCode(ops.resolveModel('models:/m@nobody'), 'RESOURCE_DOES_NOT_EXIST');
        await expectCode(ops.resolveModel('models:/m/Production'), 'RESOURCE_DOES_NOT_EXIST');
        const folder = await expectCode(ops.modelBytes(await ops.resolveModel('models:/m/3')), 'INVALID_PARAMETER_VALUE');
        expect(folder.message).toBe('m version 3 is a folder, not a single model file.');
      }
    });

    it('set and remove aliases alike; removing one that is not set is not found on both', async () => {
      expect((await remote.setAlias('m', 'canary', '1', 'try it')).aliases).toEqual(['canary']);
      await remote.deleteAlias('m', 'canary', 'done');
      for (const ops of both()) await expectCode(ops.deleteAlias('m', 'canary', ''), 'RESOURCE_DOES_NOT_EXIST');
      expect(await remote.modelHistory('m', 'canary')).toEqual(await local.modelHistory('m', 'canary'));
      expect((await local.modelHistory('m', 'canary')).map((h) => [h.version, h.reason])).toEqual([['1', 'try it'], [null, 'done']]);
      for (const ops of both()) await expectCode(ops.modelHistory('ghost'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('page through audit entries and monitor runs past the largest page the server gives', async () => {
      const t0 = 1_700_000_000_000;
      const rows = Array.from({ length: 1100 }, (_, i) => ({
        time: t0 + i, actor: 'load', action: 'test.entry', subject_type: 'test', subject_id: `s${i}`, before: null, after: null, reason: '',
      }));
      await server.ts.store.db.insertInto('audit_log').values(rows).execute();
      const remoteEntries = await remote.listAudit({ limit: 1050, action: 'test.' });
      expect(remoteEntries).toEqual(await local.listAudit({ limit: 1050, action: 'test.' }));
      expect([remoteEntries.length, remoteEntries[0]?.subject_id, remoteEntries.at(-1)?.subject_id]).toEqual([1050, 's1099', 's50']);

      for (let i = 0; i < 3; i++) {
        await recordMonitorRun(server.ts.store, { monitor: 'live', deployment: 'web', windowStart: t0 + i, windowEnd: t0 + i + 1, status: 'ok', summary: { i } });
      }
      expect(await remote.listMonitorRuns('live', 2)).toEqual(await local.listMonitorRuns('live', 2));
      expect((await remote.listMonitorRuns('live', 2)).map((r) => r.summary)).toEqual([{ i: 2 }, { i: 1 }]);
    });

    it('read alerts and deployments in the same shape, and refuse the same rollouts', async () => {
      await server.ts.store.db.insertInto('alerts').values([
        { monitor: 'live', rule: 'drift', state: 'firing', started_time: 5, resolved_time: null, value: 0.7, message: 'drift' },
        { monitor: 'live', rule: 'errors', state: 'resolved', started_time: 3, resolved_time: 4, value: null, message: 'held' },
      ]).execute();
      expect(await remote.listAlerts({})).toEqual(await local.listAlerts({}));
      expect(await remote.listAlerts({ monitor: 'live', state: 'resolved' })).toEqual([
        { id: 2, monitor: 'live', rule: 'errors', state: 'resolved', startedTime: 3, resolvedTime: 4, value: null, message: 'held' },
      ]);

      const deployed = await remote.deploy('web', { uri: 'models:/m/1', skipSmoke: true, reason: 'first' });
      expect(deployed.smoke).toBeUndefined();
      expect(await remote.getDeployment('web')).toEqual(await local.getDeployment('web'));
      expect(await remote.listDeployments()).toEqual(await local.listDeployments());
      for (const ops of both()) {
        await expectCode(ops.deploy('web', { uri: 'models:/m/3', skipSmoke: true }), 'INVALID_PARAMETER_VALUE');
        await expectCode(ops.promoteCandidate('web'), 'RESOURCE_CONFLICT');
        await expectCode(ops.rollback('nowhere'), 'RESOURCE_DOES_NOT_EXIST');
      }
    });
  });
}
