import type { ArtifactEntry, DatasetInput, Experiment, KeyValue, Metric, Run, RunInfo, RunStatus } from '../types.js';

/**
 * MLflow's REST JSON → Slipway's tracking types. The two share field names, but protobuf's JSON
 * mapping may send int64 fields as strings, non-finite doubles as "NaN"/"Infinity", omits empty
 * fields, and MLflow keeps a run's parent and git commit in tags and its datasets as
 * `inputs.dataset_inputs`; this reads either form, so the client works against any MLflow 2.x server.
 */

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const int = (v: unknown): number => (v === undefined || v === null || v === '' ? 0 : Number(v));

/** A double as protobuf's JSON mapping writes it. */
export function toDouble(v: unknown): number {
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

/** The reverse: JSON has no NaN or infinities, so they travel as protobuf's strings. */
export function fromDouble(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  return v;
}

function keyValues(v: unknown): KeyValue[] {
  return arr(v).map((x) => ({ key: str(obj(x).key), value: str(obj(x).value) }));
}

export function toExperiment(v: unknown): Experiment {
  const e = obj(v);
  return {
    experiment_id: str(e.experiment_id),
    name: str(e.name),
    artifact_location: str(e.artifact_location),
    lifecycle_stage: (str(e.lifecycle_stage) || 'active') as Experiment['lifecycle_stage'],
    creation_time: int(e.creation_time),
    last_update_time: int(e.last_update_time),
    tags: keyValues(e.tags),
  };
}

export function toMetric(v: unknown): Metric {
  const m = obj(v);
  return { key: str(m.key), value: toDouble(m.value), timestamp: int(m.timestamp), step: int(m.step) };
}

export function toRunInfo(v: unknown, tags: readonly KeyValue[] = []): RunInfo {
  const i = obj(v);
  const tag = (k: string) => tags.find((t) => t.key === k)?.value;
  const parent = str(i.parent_run_id) || tag('mlflow.parentRunId');
  const commit = str(i.source_git_commit) || tag('mlflow.source.git.commit');
  return {
    run_id: str(i.run_id) || str(i.run_uuid),
    run_name: str(i.run_name),
    experiment_id: str(i.experiment_id),
    user_id: str(i.user_id),
    status: (str(i.status) || 'RUNNING') as RunStatus,
    start_time: int(i.start_time),
    ...(i.end_time === undefined || i.end_time === null ? {} : { end_time: int(i.end_time) }),
    artifact_uri: str(i.artifact_uri),
    lifecycle_stage: (str(i.lifecycle_stage) || 'active') as RunInfo['lifecycle_stage'],
    ...(commit ? { source_git_commit: commit } : {}),
    ...(parent ? { parent_run_id: parent } : {}),
  };
}

export function toRun(v: unknown): Run {
  const r = obj(v);
  const data = obj(r.data);
  const tags = keyValues(data.tags);
  return {
    info: toRunInfo(r.info, tags),
    data: { metrics: arr(data.metrics).map(toMetric), params: keyValues(data.params), tags },
    inputs: { datasets: toDatasets(obj(r.inputs)) },
  };
}

/** MLflow's dataset context lives in this tag of the dataset input. */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

function toDatasets(inputs: Json): DatasetInput[] {
  if (Array.isArray(inputs.datasets)) {
    return inputs.datasets.map((x) => {
      const d = obj(x);
      return { name: str(d.name), digest: str(d.digest), context: str(d.context), source: str(d.source), ...(d.size === undefined || d.size === null ? {} : { size: int(d.size) }) };
    });
  }
  return arr(inputs.dataset_inputs).map((x) => {
    const input = obj(x);
    const d = obj(input.dataset);
    const size = datasetSize(d);
    return {
      name: str(d.name), digest: str(d.digest),
      context: keyValues(input.tags).find((t) => t.key === DATASET_CONTEXT_TAG)?.value ?? '',
      source: str(d.source), ...(size === undefined ? {} : { size }),
    };
  });
}

/** A dataset's byte size travels in its `profile` (MLflow's free-form JSON text for summary facts). */
function datasetSize(d: Json): number | undefined {
  if (d.size !== undefined && d.size !== null) return int(d.size);
  if (typeof d.profile !== 'string' || d.profile === '') return undefined;
  try {
    const size = obj(JSON.parse(d.profile)).size;
    return typeof size === 'number' ? size : undefined;
  } catch {
    return undefined;
  }
}

/** A Slipway DatasetInput as MLflow's `runs/log-inputs` takes it. */
export function fromDataset(d: DatasetInput): Json {
  return {
    tags: [{ key: DATASET_CONTEXT_TAG, value: d.context }],
    dataset: {
      name: d.name, digest: d.digest, source_type: 'local', source: d.source,
      ...(d.size === undefined ? {} : { profile: JSON.stringify({ size: d.size }) }),
    },
  };
}

export function toArtifactEntry(v: unknown): ArtifactEntry {
  const f = obj(v);
  const isDir = f.is_dir === true || f.is_dir === 'true';
  return {
    path: str(f.path), is_dir: isDir,
    // MLflow leaves file_size out for an empty file.
    ...(!isDir ? { file_size: int(f.file_size) } : {}),
    ...(!isDir && typeof f.hash === 'string' ? { hash: f.hash } : {}),
  };
}
