import type { Store } from '../../store/index.js';
import { getRunInfo, type RunInfo } from '../../tracking/index.js';
import type { ProxyTarget } from './artifact-paths.js';
import { MlflowApiError } from './mlflow-errors.js';

export type RunTarget = Extract<ProxyTarget, { kind: 'run' }>;

/**
 * The run a proxy path names, checked against the experiment in the path: a client holding a stale
 * or hand-made URI must not read or write another experiment's run by its id alone.
 */
export async function runOfTarget(store: Store, target: RunTarget): Promise<RunInfo> {
  const info = await getRunInfo(store, target.runId);
  if (info.experiment_id !== target.experimentId) {
    throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Run ${target.runId} is not in experiment ${target.experimentId} (it is in experiment ${info.experiment_id}).`);
  }
  return info;
}

/** Like runOfTarget, and the run must be active: MLflow refuses writes to deleted runs. */
export async function activeRunOfTarget(store: Store, target: RunTarget): Promise<RunInfo> {
  const info = await runOfTarget(store, target);
  if (info.lifecycle_stage !== 'active') {
    throw new MlflowApiError('INVALID_PARAMETER_VALUE', `The run ${info.run_id} must be in the 'active' state. Current state is ${info.lifecycle_stage}.`);
  }
  return info;
}

/**
 * The proxy path as a run's artifact path, or an error saying what Slipway expects: artifacts live
 * in runs (MLflow's proxy would store a loose file anywhere under its root; Slipway has no such place).
 */
export function requireRunTarget(target: ProxyTarget, code: 'INVALID_PARAMETER_VALUE' | 'RESOURCE_DOES_NOT_EXIST'): RunTarget {
  if (target.kind === 'run') return target;
  const given = target.segments.join('/');
  throw new MlflowApiError(code, `No run artifact at '${given}': Slipway keeps artifacts in runs, addressed as <experiment_id>/<run_id>/artifacts/<path> (the run's artifact_uri is mlflow-artifacts:/<experiment_id>/<run_id>/artifacts).`);
}

/** A run's file path: the artifact root itself is a folder, never a file. */
export function requireFilePath(target: RunTarget): string {
  if (target.path === '') throw new MlflowApiError('INVALID_PARAMETER_VALUE', `'${target.experimentId}/${target.runId}/artifacts' is the run's artifact root, a folder: name a file under it.`);
  return target.path;
}
