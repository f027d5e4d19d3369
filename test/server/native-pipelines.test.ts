import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '../../src/tracking/index.js';
import { BACKENDS } from '../backends.js';
import { createNativeTestServer, type NativeTestServer, type SeededPipeline, seedPipelineRun } from './native-helpers.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`native API: pipelines and audit (${backend.name})`, () => {
    let s: NativeTestServer;
    let first: SeededPipeline;
    let second: SeededPipeline;
    let other: SeededPipeline;
    beforeAll(async () => {
      s = await createNativeTestServer(backend);
      first = await seedPipelineRun(s.ts.store, 'adult-income');
      second = await seedPipelineRun(s.ts.store, 'adult-income', { dirty: true, failEvaluate: true });
      other = await seedPipelineRun(s.ts.store, 'bike-sharing');
      await createRun(s.ts.store, { runName: 'not a pipeline' });
    });
    afterAll(async () => {
      await s.dispose();
    });

    it('lists pipelines with their newest run', async () => {
      const r = await s.call('GET', '/api/v1/pipelines');
      expect(r.body.pipelines.map((p: { name: string; last_run: { run_id: string } }) => [p.name, p.last_run.run_id])).toEqual([
        ['adult-income', second.parent], ['bike-sharing', other.parent],
      ]);
      const page = await s.call('GET', '/api/v1/pipelines', { limit: 1 });
      expect(page.body.pipelines.map((p: { name: string }) => p.name)).toEqual(['adult-income']);
      expect((await s.call('GET', '/api/v1/pipelines', { page_token: page.body.next_page_token })).body.pipelines.map((p: { name: string }) => p.name)).toEqual(['bike-sharing']);
      const typo = await s.call('GET', '/api/v1/webhook-events', { evnts: 1 });
      expect([typo.status, typo.body.message]).toEqual([400, "Unknown query parameter 'evnts'"]);
    });

    it('lists pipeline runs newest first, by pipeline, by status, a page at a time', async () => {
      const all = await s.call('GET', '/api/v1/pipeline-runs');
      expect(all.body.runs.map((r: { run_id: string }) => r.run_id)).toEqual([other.parent, second.parent, first.parent]);
      const [newest] = all.body.runs;
      expect(newest).toMatchObject({
        run_name: 'bike-sharing pipeline', pipeline: 'bike-sharing', experiment_id: other.experimentId, status: 'FINISHED', user_id: 'alice',
        git_commit: 'a'.repeat(40), git_dirty: false, overrides: [{ key: 'set.train.lr', value: '0.1' }],
      });
      expect(newest.duration_ms).toBe(newest.end_time - newest.start_time);

      const byName = await s.call('GET', '/api/v1/pipeline-runs', { pipeline: 'adult-income', limit: 1 });
      expect(byName.body.runs.map((r: { run_id: string; git_dirty: boolean }) => [r.run_id, r.git_dirty])).toEqual([[second.parent, true]]);
      const next = await s.call('GET', '/api/v1/pipeline-runs', { pipeline: 'adult-income', limit: 1, page_token: byName.body.next_page_token });
      expect(next.body).toEqual({ runs: [expect.objectContaining({ run_id: first.parent })] });
      expect((await s.call('GET', '/api/v1/pipeline-runs', { experiment_id: first.experimentId, status: 'FAILED' })).body.runs.map((r: { run_id: string }) => r.run_id)).toEqual([second.parent]);

      expect((await s.call('GET', '/api/v1/pipeline-runs', { pipeline: 'nope' })).status).toBe(404);
      const both = await s.call('GET', '/api/v1/pipeline-runs', { pipeline: 'adult-income', experiment_id: '1' });
      expect([both.status, both.body.message]).toEqual([400, "Invalid query parameter 'experiment_id': give pipeline or experiment_id, not both."]);
      const status = await s.call('GET', '/api/v1/pipeline-runs', { status: 'DONE' });
      expect([status.status, status.body.message]).toEqual([400, 'Invalid query parameter \'status\': Invalid option: expected one of "RUNNING"|"SCHEDULED"|"FINISHED"|"FAILED"|"KILLED"']);
    });

    it("shows a run's stages: status, timing, cache hits, params, metrics, data", async () => {
      const r = await s.call('GET', `/api/v1/pipeline-runs/${second.parent}`);
      expect(r.status).toBe(200);
      expect(r.body.run).toMatchObject({ run_id: second.parent, status: 'FAILED' });
      expect(r.body.stages.map((x: { stage: string; status: string; cache_hit: boolean; duration_ms: number; has_log: boolean }) => [x.stage, x.status, x.cache_hit, x.duration_ms, x.has_log])).toEqual([
        ['prepare', 'FINISHED', true, 1500, true], ['train', 'FINISHED', false, 1500, true], ['evaluate', 'FAILED', false, 1500, true],
      ]);
      const evaluate = r.body.stages[2];
      expect(evaluate.run_id).toBe(second.stages.evaluate);
      expect(Object.fromEntries(evaluate.metrics.map((m: { key: string; value: unknown }) => [m.key, m.value]))).toEqual({ accuracy: 0.87, log_loss: 'NaN', 'slipway.duration_s': 1.5 });
      expect(evaluate.inputs.map((d: { name: string }) => d.name).sort()).toEqual(['data/test.csv', 'model']);
      expect(r.body.stages[0].outputs).toEqual([{ name: 'data/train.csv', digest: '2'.repeat(64), context: 'output', source: 'data/train.csv', size: 20 }]);
      expect(r.body.stages[1].params).toEqual([{ key: 'lr', value: '0.1' }, { key: 'seed', value: '7' }]);

      const notPipeline = await s.call('GET', `/api/v1/pipeline-runs/${second.stages.train}`);
      expect([notPipeline.status, notPipeline.body.message]).toEqual([404, `Run ${second.stages.train} is not a pipeline run.`]);
      expect((await s.call('GET', `/api/v1/pipeline-runs/${'f'.repeat(32)}`)).status).toBe(404);
      expect((await s.call('GET', '/api/v1/pipeline-runs/xyz')).body.message).toBe("Invalid path parameter 'run_id': expected a run id (32 hex digits)");
    });

    it("serves a stage's log as text", async () => {
      const r = await s.call('GET', `/api/v1/pipeline-runs/${first.parent}/stages/train/log`);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(r.body).toBe('train: started\ntrain: done\n');
      const missing = await s.call('GET', `/api/v1/pipeline-runs/${first.parent}/stages/deploy/log`);
      expect([missing.status, missing.body.message]).toEqual([404, `Pipeline run ${first.parent} has no stage 'deploy' (stages that were up to date have no run).`]);
    });

    it('lists audit entries newest first, filtered, in pages that do not shift', async () => {
      const all = await s.call('GET', '/api/v1/audit', { action: 'run.create' });
      expect(all.body.entries).toHaveLength(13);
      expect(all.body.entries[0]).toMatchObject({ actor: 'alice', action: 'run.create', subject_type: 'run', after: { run_name: 'not a pipeline', experiment_id: '0' }, before: null, reason: '' });
      const ids = all.body.entries.map((e: { id: number }) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));

      const pages: number[] = [];
      let token: string | undefined;
      do {
        const page = await s.call('GET', '/api/v1/audit', { action: 'run.create', limit: 5, page_token: token });
        pages.push(...page.body.entries.map((e: { id: number }) => e.id));
        token = page.body.next_page_token;
        // New entries while paging do not shift later pages.
        await createRun(s.ts.store, { runName: 'meanwhile' });
      } while (token);
      expect(pages).toEqual(ids);

      const bySubject = await s.call('GET', '/api/v1/audit', { subject: first.parent });
      expect(bySubject.body.entries.map((e: { action: string }) => e.action)).toEqual(['run.status', 'run.create']);
      const t = bySubject.body.entries[1].time;
      expect((await s.call('GET', '/api/v1/audit', { subject: first.parent, since: t + 1 })).body.entries.map((e: { action: string }) => e.action)).toEqual(['run.status']);
      expect((await s.call('GET', '/api/v1/audit', { subject: first.parent, until: t + 1 })).body.entries.map((e: { action: string }) => e.action)).toEqual(['run.create']);
      expect((await s.call('GET', '/api/v1/audit', { actor: 'nobody' })).body).toEqual({ entries: [] });
      expect((await s.call('GET', '/api/v1/audit', { subject_type: 'experiment' })).body.entries.map((e: { subject_id: string }) => e.subject_id)).toEqual([
        other.experimentId, first.experimentId,
      ]);
      const bad = await s.call('GET', '/api/v1/audit', { since: 10, until: 5 });
      expect([bad.status, bad.body.message]).toEqual([400, "Invalid query parameter 'until': it must be after 'since'."]);
      expect((await s.call('GET', '/api/v1/audit', { since: 'yesterday' })).body.message).toBe("Invalid query parameter 'since': expected epoch milliseconds");
    });
  });
}
