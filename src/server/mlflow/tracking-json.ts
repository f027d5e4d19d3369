import type { ArtifactEntry, DatasetInput, Experiment, KeyValue, Metric, Run, RunInfo } from '../../tracking/index.js';

/**
 * Tracking entities as MLflow 2.10's server writes them: protobuf JSON with proto field names, int64
 * as JSON numbers, proto2 presence (an unset optional field and an empty repeated field are left out,
 * an empty message is `{}`). Keys come in field-number order, as protobuf prints them, so a diff
 * against a real MLflow answer lines up.
 */

export type Json = { [key: string]: unknown };

/** A double as protobuf's JSON mapping writes it: NaN and the infinities are strings. */
export function doubleJson(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  return v;
}

const keyValues = (kvs: readonly KeyValue[]) => kvs.map((t) => ({ key: t.key, value: t.value }));

/** Sets `key` only when the list has items (proto2 omits empty repeated fields). */
function putList(out: Json, key: string, list: readonly unknown[]): void {
  if (list.length > 0) out[key] = list;
}

export function experimentJson(e: Experiment): Json {
  const out: Json = {
    experiment_id: e.experiment_id,
    name: e.name,
    artifact_location: e.artifact_location,
    lifecycle_stage: e.lifecycle_stage,
  };
  // MLflow sets the times only when they are non-zero.
  if (e.last_update_time) out.last_update_time = e.last_update_time;
  if (e.creation_time) out.creation_time = e.creation_time;
  putList(out, 'tags', keyValues(e.tags));
  return out;
}

/** RunInfo carries the id twice: `run_uuid` (deprecated, still read by old clients) and `run_id`. */
export function runInfoJson(info: RunInfo): Json {
  const out: Json = {
    run_uuid: info.run_id,
    experiment_id: info.experiment_id,
    run_name: info.run_name,
    user_id: info.user_id,
    status: info.status,
    start_time: info.start_time,
  };
  if (info.end_time) out.end_time = info.end_time;
  if (info.artifact_uri) out.artifact_uri = info.artifact_uri;
  out.lifecycle_stage = info.lifecycle_stage;
  out.run_id = info.run_id;
  return out;
}

export function metricJson(m: Metric): Json {
  return { key: m.key, value: doubleJson(m.value), timestamp: m.timestamp, step: m.step };
}

/**
 * The scheme of a dataset's source, as MLflow's `source_type` ("local", "s3", "http", …). Slipway
 * stores the source, not its type, so the type is read back from the URI (or from the `uri` field of
 * the JSON source MLflow's clients log); a plain path is "local".
 */
export function sourceType(source: string): string {
  let uri = source;
  if (source.startsWith('{')) {
    try {
      const parsed = JSON.parse(source) as { uri?: unknown; url?: unknown };
      const inner = parsed.uri ?? parsed.url;
      if (typeof inner === 'string') uri = inner;
    } catch {
      // not JSON after all: read it as a URI
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  return scheme === undefined || scheme === 'file' ? 'local' : scheme;
}

/** MLflow's DatasetInput: the dataset, and its context as the `mlflow.data.context` input tag. */
export function datasetInputJson(d: DatasetInput): Json {
  const out: Json = {};
  if (d.context) out.tags = [{ key: 'mlflow.data.context', value: d.context }];
  out.dataset = { name: d.name, digest: d.digest, source_type: sourceType(d.source), source: d.source };
  return out;
}

export function runJson(run: Run): Json {
  const data: Json = {};
  putList(data, 'metrics', run.data.metrics.map(metricJson));
  putList(data, 'params', keyValues(run.data.params));
  putList(data, 'tags', keyValues(run.data.tags));
  const inputs: Json = {};
  putList(inputs, 'dataset_inputs', run.inputs.datasets.map(datasetInputJson));
  return { info: runInfoJson(run.info), data, inputs };
}

/** FileInfo: `is_dir` is always set (false included); `file_size` only for non-empty files, as MLflow. */
export function fileInfoJson(entry: ArtifactEntry): Json {
  const out: Json = { path: entry.path, is_dir: entry.is_dir };
  if (!entry.is_dir && entry.file_size) out.file_size = entry.file_size;
  return out;
}
