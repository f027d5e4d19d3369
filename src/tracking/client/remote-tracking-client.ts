import { defaultActor } from '../../store/index.js';
import type { ListExperimentsOptions } from '../experiments.js';
import type { MetricHistoryOptions } from '../log-batch.js';
import type { CreateRunOptions, UpdateRunOptions } from '../runs.js';
import type { SearchRunsOptions, SearchRunsResult } from '../search-runs-service.js';
import { LIMITS, type Experiment, type Metric, type Run, type RunInfo } from '../types.js';
import { MlflowHttp, type MlflowHttpOptions } from './mlflow-http.js';
import { fromDataset, fromDouble, toExperiment, toMetric, toRun, toRunInfo } from './mlflow-json.js';
import { remoteArtifacts } from './remote-artifacts.js';
import type { DataUse, TrackingClient } from './tracking-client.js';

export interface RemoteTrackingOptions extends Omit<MlflowHttpOptions, 'url'> {
  /** The server's base URL (see `parseServerUrl`). */
  readonly url: string;
  /**
   * Sent as the `user_id` of new runs, as MLflow's client does, when there is no token; with a token
   * none is sent and the server records the token's owner, who is the one acting.
   * @default SLIPWAY_USER, else the OS user
   */
  readonly user?: string;
}

type J = Record<string, unknown>;

/**
 * The tracking client over a server's MLflow REST API (`/api/2.0/mlflow/...`) and its artifact proxy
 * (`/api/2.0/mlflow-artifacts/...`): what `slipway run` and the CLI use when `SLIPWAY_TRACKING_URI`
 * names a server. Nothing is written to a local store.
 */
export function remoteTrackingClient(options: RemoteTrackingOptions): TrackingClient {
  const http = new MlflowHttp(options);
  const user = options.token ? undefined : (options.user ?? defaultActor());
  const getExperiment = async (id: string) => toExperiment((await http.call<J>('GET', 'experiments/get', { experiment_id: id })).experiment);
  const getRun = async (runId: string) => toRun((await http.call<J>('GET', 'runs/get', { run_id: runId })).run);
  const listExperiments = async (o: ListExperimentsOptions = {}): Promise<Experiment[]> => {
    const out: Experiment[] = [];
    let token: string | undefined;
    do {
      const page = await http.call<J>('POST', 'experiments/search', { max_results: 1000, view_type: o.viewType ?? 'ACTIVE_ONLY', ...(token ? { page_token: token } : {}) });
      out.push(...((page.experiments as unknown[] | undefined) ?? []).map(toExperiment));
      token = typeof page.next_page_token === 'string' && page.next_page_token ? page.next_page_token : undefined;
    } while (token);
    // The local store lists by id; so does this, whatever order the server pages in.
    return out.sort((a, b) => Number(a.experiment_id) - Number(b.experiment_id));
  };
  const searchRuns = async (o: SearchRunsOptions = {}): Promise<SearchRunsResult> => {
    const page = await http.call<J>('POST', 'runs/search', {
      experiment_ids: o.experimentIds ?? ['0'], run_view_type: o.runViewType ?? 'ACTIVE_ONLY', max_results: o.maxResults ?? LIMITS.searchDefaultResults,
      ...(o.filter !== undefined ? { filter: o.filter } : {}), ...(o.orderBy ? { order_by: o.orderBy } : {}), ...(o.pageToken ? { page_token: o.pageToken } : {}),
    });
    const runs = ((page.runs as unknown[] | undefined) ?? []).map(toRun);
    return typeof page.next_page_token === 'string' && page.next_page_token ? { runs, next_page_token: page.next_page_token } : { runs };
  };

  return {
    target: { kind: 'remote', url: options.url, ...(options.token ? { token: options.token } : {}) },
    description: `the tracking server ${options.url}`,
    getExperiment,
    async getExperimentByName(name) {
      return toExperiment((await http.call<J>('GET', 'experiments/get-by-name', { experiment_name: name })).experiment);
    },
    async createExperiment(name, o = {}) {
      const res = await http.call<J>('POST', 'experiments/create', { name, ...(o.tags?.length ? { tags: o.tags } : {}) });
      return getExperiment(String(res.experiment_id));
    },
    listExperiments,
    async deleteExperiment(id) {
      await http.call('POST', 'experiments/delete', { experiment_id: id });
    },
    async restoreExperiment(id) {
      await http.call('POST', 'experiments/restore', { experiment_id: id });
    },
    async createRun(o: CreateRunOptions = {}): Promise<Run> {
      // MLflow's CreateRun has no parent or commit fields: its clients send them as these tags.
      const tags = [...(o.tags ?? [])];
      if (o.parentRunId && !tags.some((t) => t.key === 'mlflow.parentRunId')) tags.push({ key: 'mlflow.parentRunId', value: o.parentRunId });
      if (o.sourceGitCommit && !tags.some((t) => t.key === 'mlflow.source.git.commit')) tags.push({ key: 'mlflow.source.git.commit', value: o.sourceGitCommit });
      const res = await http.call<J>('POST', 'runs/create', {
        experiment_id: o.experimentId ?? '0', ...(o.userId ?? user ? { user_id: o.userId ?? user } : {}), start_time: o.startTime ?? Date.now(), tags,
        ...(o.runName ? { run_name: o.runName } : {}),
      });
      return toRun(res.run);
    },
    getRun,
    async updateRun(runId: string, u: UpdateRunOptions): Promise<RunInfo> {
      const res = await http.call<J>('POST', 'runs/update', {
        run_id: runId, ...(u.status ? { status: u.status } : {}), ...(u.endTime !== undefined ? { end_time: u.endTime } : {}), ...(u.runName ? { run_name: u.runName } : {}),
      });
      return toRunInfo(res.run_info);
    },
    searchRuns,
    async listChildRuns(parentRunId): Promise<RunInfo[]> {
      // MLflow has no parent column to query; its clients mark a child with the mlflow.parentRunId tag, in the parent's experiment.
      const parent = await getRun(parentRunId);
      const out: RunInfo[] = [];
      let token: string | undefined;
      do {
        const page = await searchRuns({
          experimentIds: [parent.info.experiment_id], filter: `tags.\`mlflow.parentRunId\` = '${parentRunId}'`, runViewType: 'ALL',
          orderBy: ['attributes.start_time ASC'], maxResults: 1000, ...(token ? { pageToken: token } : {}),
        });
        out.push(...page.runs.map((r) => r.info));
        token = page.next_page_token;
      } while (token);
      return out;
    },
    async logBatch(runId, input) {
      // MLflow's LogBatch requires every metric's timestamp; the local store's defaults are filled in here.
      const now = Date.now();
      await http.call('POST', 'runs/log-batch', {
        run_id: runId,
        metrics: (input.metrics ?? []).map((m) => ({ key: m.key, value: fromDouble(m.value), timestamp: m.timestamp ?? now, step: m.step ?? 0 })),
        params: input.params ?? [], tags: input.tags ?? [],
      });
    },
    async logInputs(runId, datasets) {
      if (datasets.length === 0) return;
      await http.call('POST', 'runs/log-inputs', { run_id: runId, datasets: datasets.map(fromDataset) });
    },
    async setTag(runId, key, value) {
      await http.call('POST', 'runs/set-tag', { run_id: runId, key, value });
    },
    async getMetricHistory(runId, key, o: MetricHistoryOptions = {}): Promise<Metric[]> {
      // MLflow pages by token, not offset: read pages until the window asked for is covered.
      const offset = o.offset ?? 0;
      const max = o.maxResults ?? LIMITS.metricHistoryPage;
      const out: Metric[] = [];
      let token: string | undefined;
      do {
        const page = await http.call<J>('GET', 'metrics/get-history', { run_id: runId, metric_key: key, max_results: LIMITS.metricHistoryPage, ...(token ? { page_token: token } : {}) });
        out.push(...((page.metrics as unknown[] | undefined) ?? []).map(toMetric));
        token = typeof page.next_page_token === 'string' && page.next_page_token ? page.next_page_token : undefined;
      } while (token && out.length < offset + max);
      return out.slice(offset, offset + max);
    },
    async runsUsingData(digest): Promise<DataUse[]> {
      if (!/^[0-9a-f]{6,64}$/i.test(digest)) return [];
      const experimentIds = (await listExperiments({ viewType: 'ALL' })).map((e) => e.experiment_id);
      const runs: Run[] = [];
      let token: string | undefined;
      do {
        const page = await searchRuns({ experimentIds, filter: `datasets.digest = '${digest}'`, runViewType: 'ALL', maxResults: 1000, orderBy: ['attributes.start_time ASC'], ...(token ? { pageToken: token } : {}) });
        runs.push(...page.runs);
        token = page.next_page_token;
      } while (token);
      return runs.flatMap((r) => r.inputs.datasets.filter((d) => d.digest === digest).map((d) => ({ run_id: r.info.run_id, name: d.name, context: d.context })));
    },
    ...remoteArtifacts(http, getRun),
  };
}
