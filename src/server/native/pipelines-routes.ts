/**
 * Pipeline runs as `slipway run` records them in tracking: a parent run tagged `slipway.kind=pipeline`
 * in the experiment named after the pipeline, with one child run per stage that ran or was restored
 * from the run cache (stages already up to date get none), carrying params, metrics, deps and outs by
 * hash, timing and the stage's log (`logs/stage.log`).
 */
import { z } from 'zod';
import { invalid, notFound } from '../../errors.js';
import type { Store } from '../../store/index.js';
import {
  getExperiment, getExperimentByName, getRun, listArtifacts, listChildRuns, listExperiments, openArtifact, type Run, searchRuns,
} from '../../tracking/index.js';
import { EpochMs, JsonNumber, KeyValue } from './common-schemas.js';
import { route, type NativeRoute } from './native-route.js';
import { DEFAULT_LIMIT, nextPageToken, offsetPage, pageQuery } from './paging.js';
import { DataRef } from './registry-schemas.js';

const tag = 'pipelines';
const PIPELINE_FILTER = "tags.`slipway.kind` = 'pipeline'";
const STAGE_LOG = 'logs/stage.log';
const RunStatus = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);

const PipelineRunSummary = z.object({
  run_id: z.string(),
  run_name: z.string(),
  pipeline: z.string().describe("The pipeline's name (its experiment)."),
  experiment_id: z.string(),
  status: RunStatus,
  start_time: EpochMs,
  end_time: EpochMs.nullable(),
  duration_ms: z.number().nullable(),
  user_id: z.string(),
  git_commit: z.string().nullable(),
  git_dirty: z.boolean().nullable(),
  overrides: z.array(KeyValue).describe('Params overridden for this run with --set (params set.<key>).'),
}).meta({ id: 'PipelineRunSummary' });

const Stage = z.object({
  stage: z.string(),
  run_id: z.string(),
  status: RunStatus,
  start_time: EpochMs,
  end_time: EpochMs.nullable(),
  duration_ms: z.number().nullable(),
  cache_hit: z.boolean().describe('Restored from the run cache instead of running.'),
  params: z.array(KeyValue),
  metrics: z.array(z.object({ key: z.string(), value: JsonNumber, step: z.number().int(), timestamp: EpochMs })).describe('Latest value per key.'),
  inputs: z.array(DataRef).describe('Deps by sha256.'),
  outputs: z.array(DataRef).describe('Outs by sha256.'),
  has_log: z.boolean(),
}).meta({ id: 'PipelineStage' });

const tagOf = (r: Run, key: string) => r.data.tags.find((t) => t.key === key)?.value;
const durationOf = (start: number, end: number | undefined) => (end === undefined ? null : end - start);
const dataRefs = (r: Run, output: boolean) => r.inputs.datasets.filter((d) => (d.context === 'output') === output)
  .map((d) => ({ name: d.name, digest: d.digest, context: d.context, source: d.source, size: d.size ?? null }));

async function summary(store: Store, r: Run, names: Map<string, string>) {
  const i = r.info;
  let pipeline = names.get(i.experiment_id);
  if (pipeline === undefined) {
    pipeline = (await getExperiment(store, i.experiment_id)).name;
    names.set(i.experiment_id, pipeline);
  }
  const dirty = tagOf(r, 'slipway.git.dirty');
  return {
    run_id: i.run_id, run_name: i.run_name, pipeline, experiment_id: i.experiment_id, status: i.status, start_time: i.start_time, end_time: i.end_time ?? null,
    duration_ms: durationOf(i.start_time, i.end_time), user_id: i.user_id, git_commit: i.source_git_commit ?? null,
    git_dirty: dirty === undefined ? null : dirty === 'true', overrides: r.data.params.filter((p) => p.key.startsWith('set.')),
  };
}

async function stageOf(store: Store, runId: string) {
  const r = await getRun(store, runId);
  const i = r.info;
  const seconds = r.data.metrics.find((m) => m.key === 'slipway.duration_s')?.value;
  const logs = await listArtifacts(store, runId, 'logs');
  return {
    stage: tagOf(r, 'slipway.stage') ?? i.run_name, run_id: i.run_id, status: i.status, start_time: i.start_time, end_time: i.end_time ?? null,
    duration_ms: seconds !== undefined && Number.isFinite(seconds) ? Math.round(seconds * 1000) : durationOf(i.start_time, i.end_time),
    cache_hit: tagOf(r, 'slipway.cache') === 'run-cache', params: r.data.params, metrics: r.data.metrics,
    inputs: dataRefs(r, false), outputs: dataRefs(r, true), has_log: logs.some((a) => a.path === STAGE_LOG),
  };
}

async function pipelineRun(store: Store, runId: string): Promise<Run> {
  const r = await getRun(store, runId);
  if (tagOf(r, 'slipway.kind') !== 'pipeline') throw notFound(`Run ${runId} is not a pipeline run.`, { runId });
  return r;
}

const RunPath = z.strictObject({ run_id: z.string().regex(/^[0-9a-f]{32}$/, 'expected a run id (32 hex digits)') });

export const pipelinesRoutes: readonly NativeRoute[] = [
  route({
    method: 'GET', path: '/pipelines', operationId: 'listPipelines', tag, permission: 'read',
    summary: 'Pipelines that have run (their experiments), with their newest run',
    query: z.strictObject({ ...pageQuery }),
    response: z.object({ pipelines: z.array(z.object({ name: z.string(), experiment_id: z.string(), last_run: PipelineRunSummary })), next_page_token: nextPageToken }),
    handler: async ({ store, query }) => {
      const names = new Map<string, string>();
      const out = [];
      for (const e of await listExperiments(store)) {
        names.set(e.experiment_id, e.name);
        const { runs } = await searchRuns(store, { experimentIds: [e.experiment_id], filter: PIPELINE_FILTER, orderBy: ['attributes.start_time DESC'], maxResults: 1 });
        if (runs[0]) out.push({ name: e.name, experiment_id: e.experiment_id, last_run: await summary(store, runs[0], names) });
      }
      const page = offsetPage(out, query);
      return { pipelines: page.items, next_page_token: page.next_page_token };
    },
  }),
  route({
    method: 'GET', path: '/pipeline-runs', operationId: 'listPipelineRuns', tag, permission: 'read', errors: [404],
    summary: 'Pipeline runs, newest first, of one pipeline or all',
    query: z.strictObject({
      pipeline: z.string().min(1).max(500).optional().describe("A pipeline's name (its experiment's)."),
      experiment_id: z.string().regex(/^\d{1,18}$/, 'expected an experiment id (digits)').optional(),
      status: RunStatus.optional(),
      ...pageQuery,
    }),
    response: z.object({ runs: z.array(PipelineRunSummary), next_page_token: nextPageToken }),
    handler: async ({ store, query }) => {
      if (query.pipeline !== undefined && query.experiment_id !== undefined) throw invalid("Invalid query parameter 'experiment_id': give pipeline or experiment_id, not both.");
      const experimentIds = query.experiment_id !== undefined ? [(await getExperiment(store, query.experiment_id)).experiment_id]
        : query.pipeline !== undefined ? [(await getExperimentByName(store, query.pipeline)).experiment_id]
          : (await listExperiments(store)).map((e) => e.experiment_id);
      const filter = query.status ? `${PIPELINE_FILTER} and attributes.status = '${query.status}'` : PIPELINE_FILTER;
      const result = await searchRuns(store, {
        experimentIds, filter, orderBy: ['attributes.start_time DESC'], maxResults: query.limit ?? DEFAULT_LIMIT,
        ...(query.page_token !== undefined ? { pageToken: query.page_token } : {}),
      });
      const names = new Map<string, string>();
      const runs = [];
      for (const r of result.runs) runs.push(await summary(store, r, names));
      return { runs, next_page_token: result.next_page_token };
    },
  }),
  route({
    method: 'GET', path: '/pipeline-runs/{run_id}', operationId: 'getPipelineRun', tag, permission: 'read', errors: [404],
    summary: "One pipeline run with its stages' status, timing, cache hits, params, metrics and data by hash",
    params: RunPath,
    response: z.object({ run: PipelineRunSummary, stages: z.array(Stage) }),
    handler: async ({ store, params }) => {
      const r = await pipelineRun(store, params.run_id);
      const children = await listChildRuns(store, r.info.run_id);
      const stages = [];
      for (const c of children) stages.push(await stageOf(store, c.run_id));
      return { run: await summary(store, r, new Map()), stages };
    },
  }),
  route({
    method: 'GET', path: '/pipeline-runs/{run_id}/stages/{stage}/log', operationId: 'getStageLog', tag, permission: 'read', errors: [404],
    summary: "A stage's log (its stdout and stderr as the run captured them)",
    params: z.strictObject({ run_id: RunPath.shape.run_id, stage: z.string().min(1).max(500) }),
    contentType: 'text/plain',
    response: z.string(),
    handler: async ({ store, params }) => {
      const r = await pipelineRun(store, params.run_id);
      const children = await listChildRuns(store, r.info.run_id);
      for (const c of children) {
        const run = await getRun(store, c.run_id);
        if ((tagOf(run, 'slipway.stage') ?? run.info.run_name) !== params.stage) continue;
        const { stream } = await openArtifact(store, c.run_id, STAGE_LOG);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      }
      throw notFound(`Pipeline run ${params.run_id} has no stage '${params.stage}' (stages that were up to date have no run).`);
    },
  }),
];
